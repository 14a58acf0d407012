#include "cli/scan_commands.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/archive_commands.h"
#include "cli/exit_codes.h"
#include "cli/plural.h"
#include "pipeline/scan_job.h"

namespace xueji::cli {

int cmd_devices(bool json) {
  SaneLibrary sane;
  const std::vector<ScannerInfo> devices = sane.devices();
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const ScannerInfo& d : devices)
      j.push_back({{"name", d.name}, {"vendor", d.vendor}, {"model", d.model}, {"type", d.type}});
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  if (devices.empty()) std::cout << "no scanners found\n";
  for (const ScannerInfo& d : devices) std::cout << d.name << "\t" << d.vendor << " " << d.model << " (" << d.type << ")\n";
  return 0;
}

int cmd_scan(const ScanArgs& a) {
  Catalog catalog(archive_dir(a.archive), a.op);
  ScanJobRequest req;
  req.device = a.device;
  req.job = !a.resume.empty() ? a.resume : !a.job.empty() ? a.job : new_job_name();
  req.resume = !a.resume.empty();
  req.student_id = a.student;
  req.doc_type = a.doctype;
  req.max_pages = a.max_pages;
  // On --continue the job's own options apply unless given again.
  if (!req.resume || a.source_given || a.mode_given || a.dpi_given || !a.set.empty() || a.width_mm || a.height_mm) {
    ScanOptions o;
    o.source = a.source == "adf" ? ScanSource::Adf : a.source == "duplex" ? ScanSource::Duplex : ScanSource::Flatbed;
    o.mode = a.mode == "gray" ? ScanMode::Gray : a.mode == "bw" ? ScanMode::BlackWhite : ScanMode::Color;
    o.dpi = a.dpi;
    o.width_mm = a.width_mm;
    o.height_mm = a.height_mm;
    for (const std::string& s : a.set) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0)
        throw Error(ErrorCode::InvalidArgument, "--set needs OPTION=VALUE, not '" + s + "'");
      o.set.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    req.options = o;
  }
  PipelineParams params;
  params.workers = a.workers;
  params.ocr = a.ocr;
  ProgressFn progress;
  if (!a.quiet)
    progress = [](const Progress& p) {
      if (p.kind == ProgressKind::PageScanned) std::cerr << "  scanned page " << p.index << "\n";
      if (p.kind == ProgressKind::PageDone)
        std::cerr << "  page " << p.index << " done" << (p.page.blank ? " (blank)" : "")
                  << (p.page.review.empty() ? "" : " — to review: " + p.page.review.front()) << "\n";
    };
  SaneLibrary sane;
  try {
    const ScanJobResult r = run_scan_job(catalog, sane, req, params, progress);
    std::cerr << "job " << r.job << ": " << pages(r.pages_scanned) << " scanned in " << r.capture_seconds << " s, "
              << r.pages_in_job << " in the job\n";
    if (a.json) {
      nlohmann::json j = {{"job", r.job}, {"pages_scanned", r.pages_scanned}, {"pages_in_job", r.pages_in_job},
                          {"capture_seconds", r.capture_seconds}, {"page_journaled_at", r.page_journaled_at},
                          {"total_seconds", r.total_seconds}};
      if (r.document) j["pdf"] = r.document->pdf_path.generic_string(), j["document_id"] = r.document->document_id;
      std::cout << j.dump() << "\n";
    } else if (r.document) {
      std::cout << r.document->pdf_path.generic_string() << "\n";
    } else {
      std::cout << r.job << "\n";
    }
    return 0;
  } catch (const ScanError& e) {
    const std::string& job = req.job;
    std::cerr << "xueji: error: scanner: " << e.what() << "\n"
              << "xueji: 扫描仪：" << fault_message_zh(e.fault()) << "\n";
    std::cerr << "xueji: the pages scanned so far are kept in the capture journal; continue with: xueji scan --continue "
              << job << "\n";
    return code(Exit::ScannerFault);
  }
}

}  // namespace xueji::cli
