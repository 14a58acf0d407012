#include "cli/batch_commands.h"

#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/archive_commands.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/plural.h"
#include "models/id_mask.h"
#include "pipeline/batch_job.h"
#include "pipeline/batch_report.h"

using nlohmann::json;

namespace xueji::cli {
namespace {

std::string minutes(double s) {
  if (s < 0) return "?";
  const int m = static_cast<int>(s / 60), r = static_cast<int>(std::lround(s)) % 60;
  return std::to_string(m) + ":" + (r < 10 ? "0" : "") + std::to_string(r);
}

BatchProgressFn progress_printer(const std::string& mode, bool show_ids) {
  if (mode == "none") return {};
  if (mode == "json")
    return [show_ids](const BatchProgress& p) {
      const json j = {{"event", p.event},         {"captured", p.captured},     {"processed", p.processed},
                      {"committed_pages", p.committed_pages}, {"documents", p.documents}, {"review", p.review},
                      {"blank", p.blank},         {"sheets", p.sheets},         {"capture_done", p.capture_done},
                      {"elapsed_s", p.elapsed_s}, {"pages_per_min", p.pages_per_min}, {"eta_s", p.eta_s},
                      {"student", show_ids ? p.student : mask_ids(p.student)}};
      std::cout << j.dump() << std::endl;
    };
  return [show_ids](const BatchProgress& p) {
    if (p.event != "page" && p.event != "committed") return;
    std::cerr << "\r  captured " << p.captured << (p.capture_done ? "" : "+") << " · processed " << p.processed
              << " · filed " << p.committed_pages << " in " << p.documents << " doc · review " << p.review << " · "
              << std::lround(p.pages_per_min) << " pages/min · ETA " << minutes(p.eta_s)
              << (p.student.empty() ? "" : " · " + (show_ids ? p.student : mask_ids(p.student))) << "   " << std::flush;
  };
}

int print_report(const json& r, bool as_json, bool show_ids) {
  if (as_json) {
    std::cout << (show_ids ? r.dump(1) : mask_ids(r.dump(1))) << "\n";
    return 0;
  }
  auto id = [&](const std::string& s) { return show_ids ? s : mask_ids(s); };
  const json& t = r["totals"];
  std::cout << "batch " << r.value("job", "") << " (" << r.value("source", "") << ", split by " << r.value("split", "")
            << ", grade " << r.value("grade", "") << (r.value("class", "").empty() ? "" : " class " + r.value("class", ""))
            << "): " << r.value("state", "") << "\n";
  std::cout << "  pages: " << t.value("captured", 0) << " captured, " << t.value("assigned", 0) << " filed in "
            << t.value("documents", 0) << " documents, " << t.value("sheets", 0) << " separator sheets, "
            << t.value("blank", 0) << " blank dropped, " << t.value("review", 0) << " waiting for review\n";
  std::cout << "  throughput: " << std::lround(t.value("pages_per_min", 0.0)) << " pages/min over "
            << minutes(t.value("seconds", 0.0)) << "\n";
  std::cout << "students (" << r["students"].size() << "):\n";
  for (const json& s : r["students"]) {
    std::cout << "  " << id(s.value("id", "")) << "  " << s.value("name", "") << "  " << s.value("class", "") << "  "
              << s.value("pages", 0) << " pages:";
    for (const json& d : s["documents"])
      std::cout << " " << d.value("type", "") << "(" << d.value("pages", 0) << ")" << (d.value("committed", false) ? "" : "*");
    std::cout << "\n";
  }
  std::cout << "students with no pages (" << r["students_without_pages"].size() << "):\n";
  for (const json& s : r["students_without_pages"])
    std::cout << "  " << id(s.value("id", "")) << "  " << s.value("name", "") << "  " << s.value("class", "") << "\n";
  std::cout << "review (" << r["review"].size() << "):\n";
  for (const json& v : r["review"]) {
    std::cout << "  " << v.value("page", "") << (v.value("assigned", false) ? "  filed to " + id(v.value("student", "")) : "  not filed");
    for (const auto& w : v["why"]) std::cout << "  — " << id(w.get<std::string>());
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

BatchCommands add_batch_commands(CLI::App& app, BatchArgs& a) {
  BatchCommands c;
  c.batch = app.add_subcommand("batch", "a whole grade's stack: scan or import, split per student, file, report");
  c.batch->require_subcommand(1);
  c.import = c.batch->add_subcommand("import", "import a folder of page images (natural order) as one stack");
  c.import->add_option("DIR", a.dir, "folder of page images")->required();
  c.scan = c.batch->add_subcommand("scan", "scan a stack through the feeder");
  c.scan->add_option("--device", a.device, "SANE device name (see: xueji devices)")->required();
  c.scan->add_option("--source", a.source, "adf (default), duplex or flatbed")->check(CLI::IsMember({"flatbed", "adf", "duplex"}));
  c.scan->add_option("--dpi", a.dpi, "resolution (default 300)");
  c.scan->add_option("--mode", a.mode, "color (default), gray or bw")->check(CLI::IsMember({"color", "gray", "bw"}));
  c.scan->add_option("--set", a.set, "OPTION=VALUE: any backend option by its SANE name (repeatable)");
  for (CLI::App* sub : {c.import, c.scan}) {
    sub->add_option("--grade", a.grade, "the grade the stack belongs to (its roster)")->required();
    sub->add_option("--class", a.class_name, "the class (default: the whole grade)");
    sub->add_option("--split", a.split, "sheets (separator sheets, default) or text (the 学籍号 read on the pages)")
        ->check(CLI::IsMember({"sheets", "text"}));
    sub->add_option("--job", a.job, "name of the batch job (default: batch-<date>-<time>)");
    sub->add_flag("--keep-blank", a.keep_blank, "keep blank pages in the documents (dropped and recorded by default)");
    sub->add_option("--max-pages", a.max_pages, "flag documents longer than this (a separator missing?)")->check(CLI::NonNegativeNumber);
  }
  c.resume = c.batch->add_subcommand("resume", "go on with an interrupted or paused batch");
  c.resume->add_option("JOB", a.job, "batch job name")->required();
  for (CLI::App* sub : {c.import, c.scan, c.resume}) {
    sub->add_option("--workers", a.workers, "pages cleaned and recognized in parallel (default 2)")->check(CLI::Range(1, 64));
    sub->add_option("--progress", a.progress, "text (default), json (JSON lines on stdout) or none")
        ->check(CLI::IsMember({"text", "json", "none"}));
  }
  c.report = c.batch->add_subcommand("report", "what a batch made: students, documents, review list, totals");
  c.report->add_option("JOB", a.job, "batch job name")->required();
  c.report->add_flag("--json", a.json, "as JSON");
  for (CLI::App* sub : {c.import, c.scan, c.resume, c.report}) sub->add_option("--archive", a.archive, "archive folder");
  return c;
}

int cmd_batch(const BatchCommands& c, const BatchArgs& a, bool show_ids) {
  Catalog catalog(archive_dir(a.archive), a.op);
  if (*c.report) return print_report(batch_report(catalog, a.job), a.json, show_ids);

  BatchRequest req;
  req.job = a.job;
  req.resume = c.resume->parsed();
  req.grade = a.grade;
  req.class_name = a.class_name;
  req.split.mode = a.split == "text" ? SplitMode::Text : SplitMode::Sheets;
  req.split.keep_blank = a.keep_blank;
  req.split.max_pages_per_document = a.max_pages;
  std::unique_ptr<SaneLibrary> sane;
  if (*c.import) req.import_dir = a.dir;
  if (*c.scan) {
    req.device = a.device;
    ScanOptions o;
    o.source = a.source == "adf" ? ScanSource::Adf : a.source == "duplex" ? ScanSource::Duplex : ScanSource::Flatbed;
    o.mode = a.mode == "gray" ? ScanMode::Gray : a.mode == "bw" ? ScanMode::BlackWhite : ScanMode::Color;
    o.dpi = a.dpi;
    for (const std::string& s : a.set) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) throw Error(ErrorCode::InvalidArgument, "--set needs OPTION=VALUE, not '" + s + "'");
      o.set.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    req.options = o;
  }
  if (*c.scan || *c.resume) sane = std::make_unique<SaneLibrary>();
  PipelineParams params;
  params.workers = a.workers;
  params.ocr = a.ocr;
  CancelToken cancel;
  InterruptGuard guard(cancel);
  const BatchResult r = run_batch(catalog, sane.get(), req, params, progress_printer(a.progress, show_ids), &cancel);
  if (a.progress == "text") std::cerr << "\n";
  const BatchProgress& t = r.totals;
  std::cerr << "batch " << r.job << ": " << r.state << " — " << t.committed_pages << " pages filed in " << t.documents
            << " documents, " << t.sheets << " separator sheets, " << t.blank << " blank dropped, " << t.review
            << " waiting for review\n";
  if (r.state == "paused") {
    std::cerr << "paused: go on with `xueji batch resume " << r.job << "`\n";
    return code(Exit::Cancelled);
  }
  if (r.state == "review") std::cerr << "pages to review: `xueji batch report " << r.job << "`\n";
  if (a.progress != "json") std::cout << r.job << "\n";
  return 0;
}

}  // namespace xueji::cli
