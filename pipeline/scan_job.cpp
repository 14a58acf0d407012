#include "pipeline/scan_job.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>

#include "pipeline/page_queue.h"


namespace fs = std::filesystem;

namespace xueji {
namespace {

const char* name(ScanSource s) {
  return s == ScanSource::Adf ? "adf" : s == ScanSource::Duplex ? "duplex" : "flatbed";
}
const char* name(ScanMode m) { return m == ScanMode::Gray ? "gray" : m == ScanMode::BlackWhite ? "bw" : "color"; }

}  // namespace

std::string new_job_name() {
  // The process id keeps two scans started in the same second apart.
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "scan-%Y%m%d-%H%M%S", std::localtime(&t));
  return std::string(buf) + "-" + std::to_string(::getpid());
}


nlohmann::json to_json(const ScanOptions& o) {
  nlohmann::json j = {{"source", name(o.source)}, {"mode", name(o.mode)}, {"dpi", o.dpi}};
  if (o.width_mm) j["width_mm"] = *o.width_mm;
  if (o.height_mm) j["height_mm"] = *o.height_mm;
  if (o.brightness) j["brightness"] = *o.brightness;
  if (o.contrast) j["contrast"] = *o.contrast;
  j["set"] = nlohmann::json::array();
  for (const auto& [k, v] : o.set) j["set"].push_back({k, v});
  return j;
}

ScanOptions scan_options_from_json(const nlohmann::json& j) {
  ScanOptions o;
  const std::string source = j.value("source", "flatbed"), mode = j.value("mode", "color");
  o.source = source == "adf" ? ScanSource::Adf : source == "duplex" ? ScanSource::Duplex : ScanSource::Flatbed;
  o.mode = mode == "gray" ? ScanMode::Gray : mode == "bw" ? ScanMode::BlackWhite : ScanMode::Color;
  o.dpi = j.value("dpi", 300);
  if (j.contains("width_mm")) o.width_mm = j["width_mm"].get<double>();
  if (j.contains("height_mm")) o.height_mm = j["height_mm"].get<double>();
  if (j.contains("brightness")) o.brightness = j["brightness"].get<double>();
  if (j.contains("contrast")) o.contrast = j["contrast"].get<double>();
  for (const auto& kv : j.value("set", nlohmann::json::array())) o.set.emplace_back(kv[0], kv[1]);
  return o;
}

ScanJobResult run_scan_job(Catalog& catalog, const SaneLibrary& sane, const ScanJobRequest& request,
                           const PipelineParams& params, const ProgressFn& progress, const CancelToken* cancel) {
  const std::string job_name = request.job.empty() ? new_job_name() : request.job;
  CaptureJournal journal(catalog.root(), job_name, request.resume);
  journal.lock_for_capture();  // one scan per job; journal prune keeps off
  if (!request.resume && journal.meta().value("state", "new") != "new")
    throw Error(ErrorCode::InvalidArgument, "capture job " + job_name + " exists: continue it with --continue " + job_name);
  nlohmann::json& meta = journal.meta();

  const std::string device = !request.device.empty() ? request.device : meta.value("device", "");
  if (device.empty()) throw Error(ErrorCode::InvalidArgument, "no scanner given (--device)");
  const ScanOptions options = request.options ? *request.options
                              : meta.contains("options") ? scan_options_from_json(meta["options"])
                                                         : ScanOptions{};
  if (options.dpi < 200)
    throw Error(ErrorCode::InvalidArgument, "refusing to scan at " + std::to_string(options.dpi) +
                                                " dpi: archive scans need at least 200 dpi (300 when OCR is used)");
  const std::string student = !request.student_id.empty() ? request.student_id : meta.value("student", "");
  const std::string doc_type = !request.doc_type.empty() ? request.doc_type : meta.value("doctype", "");
  const bool make_document = !student.empty() || !doc_type.empty();
  if (make_document) {  // checked before any paper moves
    if (student.empty() || doc_type.empty())
      throw Error(ErrorCode::InvalidArgument, "a document needs both --student and --doctype");
    resolve_import_target(catalog, student, doc_type);
  }
  meta["device"] = device;
  meta["options"] = to_json(options);
  if (make_document) meta["student"] = student, meta["doctype"] = doc_type;
  meta["state"] = "capturing";
  meta.erase("fault");
  journal.save();

  ScanJobResult result;
  result.job = job_name;
  const std::vector<fs::path> earlier = journal.pages();
  // Pages kept from before must be the pages that were scanned.
  // Only the newest page may lack its record (a crash between its two renames).
  const std::string newest = earlier.empty() ? std::string() : earlier.back().filename().string();
  for (const CaptureJournal::PageCheck& c : journal.check_pages())
    if (c.changed || c.page != newest)
      throw Error(ErrorCode::Integrity, "capture job " + job_name + ": " + c.page + ": " + c.message + "; nothing was filed");
  std::unique_ptr<Scanner> scanner;
  try {
    scanner = sane.open(device);
    const AppliedOptions applied = scanner->configure(options);
    meta["applied"] = applied.values;
    if (!applied.notes.empty()) meta["notes"] = applied.notes;
    journal.save();
  } catch (const ScanError& e) {
    meta["state"] = "fault";
    meta["fault"] = fault_name(e.fault());
    journal.save();
    journal.remove_if_empty();  // a scan that never began leaves no job behind
    throw;
  }

  // Capture thread: device -> journal -> queue.
  PageQueue queue;
  CancelToken stop_capture;
  const auto t0 = std::chrono::steady_clock::now();
  std::exception_ptr capture_error;
  std::mutex result_mutex;
  std::thread capture([&] {
    try {
      CancelToken* stop = &stop_capture;
      for (int n = 0; !request.max_pages || n < *request.max_pages; ++n) {
        if (cancel && cancel->cancelled()) stop->cancel();
        std::optional<ScanFrame> frame;
        try {
          frame = scanner->next_page(stop);
        } catch (const ScanError& e) {
          // Continuing a job whose feeder is now empty: nothing more to scan.
          if (e.fault() == ScanFault::NoDocs && n == 0 && !earlier.empty() && request.resume) break;
          throw;
        }
        if (!frame) break;
        fs::path page = journal.add_page(*frame);
        {
          std::lock_guard lock(result_mutex);
          ++result.pages_scanned;
          result.page_journaled_at.push_back(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        if (progress) {
          Progress p;
          p.kind = ProgressKind::PageScanned;
          p.index = n + 1;
          p.elapsed_ms = 1000 * result.page_journaled_at.back();
          progress(p);
        }
        queue.push(std::move(page));
      }
      queue.close(nullptr);
    } catch (...) {
      capture_error = std::current_exception();
      queue.close(capture_error);
    }
  });
  auto finish_capture = [&] {
    stop_capture.cancel();
    if (capture.joinable()) capture.join();
    result.capture_seconds = result.page_journaled_at.empty() ? 0 : result.page_journaled_at.back();
    scanner.reset();
  };

  try {
    if (make_document) {
      ImportRequest req;
      req.student_id = student;
      req.doc_type = doc_type;
      size_t next_earlier = 0;
      req.image_source = [&]() -> std::optional<fs::path> {
        if (next_earlier < earlier.size()) return earlier[next_earlier++];
        return queue.pop();
      };
      PipelineParams behind = params;  // recognition gives way to the capture thread
      behind.worker_nice = std::max(behind.worker_nice, 10);
      result.document = import_document(catalog, req, behind, progress, cancel);
    } else {
      while (queue.pop()) {
      }
    }
  } catch (...) {
    finish_capture();
    result.pages_in_job = static_cast<int>(journal.pages().size());
    meta["pages"] = result.pages_in_job;
    if (capture_error) {
      try {
        std::rethrow_exception(capture_error);
      } catch (const ScanError& e) {
        meta["state"] = "fault";
        meta["fault"] = fault_name(e.fault());
        journal.save();
        throw;
      } catch (...) {
      }
    }
    meta["state"] = "interrupted";
    journal.save();
    throw;
  }
  finish_capture();
  result.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.pages_in_job = static_cast<int>(journal.pages().size());
  meta["pages"] = result.pages_in_job;
  if (result.pages_in_job == 0) {
    meta["state"] = "fault";
    meta["fault"] = fault_name(ScanFault::NoDocs);
    journal.save();
    journal.remove_if_empty();
    throw ScanError(ScanFault::NoDocs, "no page was scanned");
  }
  if (result.document) {
    meta["state"] = "done";
    meta["document_id"] = result.document->document_id;
    meta["pdf"] = result.document->pdf_path.generic_string();
    journal.save();
    journal.release_pages();  // the document and its masters are committed
  } else {
    meta["state"] = "captured";
    journal.save();
  }
  return result;
}

}  // namespace xueji
