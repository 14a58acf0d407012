#include "cli/archive_commands.h"

#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "indexer/page_index.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/roster.h"
#include "models/student_id.h"
#include "pipeline/import_job.h"
#include "archive/pdfa_check.h"
#include "pipeline/pdf_job.h"
#include "cli/records_commands.h"

namespace fs = std::filesystem;

namespace xueji::cli {

fs::path archive_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("XUEJI_ARCHIVE"); env && *env) return env;
  throw Error(ErrorCode::InvalidArgument, "no archive given: use --archive DIR or set XUEJI_ARCHIVE");
}

int cmd_init(const std::string& dir) {
  Catalog::create(dir);
  Catalog catalog(dir);
  Catalog::Write w(catalog);
  PageIndex index(catalog.db());  // creates the index tables
  w.commit();
  std::cout << "created archive " << fs::absolute(dir).string() << "\n";
  return 0;
}

int cmd_roster_import(const std::string& archive, const std::string& op, const std::string& file, bool dry_run) {
  Catalog catalog(archive_dir(archive), op);
  RosterImportResult r = import_roster(catalog, file, dry_run);
  if (dry_run) {
    std::cout << "dry run, nothing changed:\n";
    for (const RosterChange& c : r.changes) std::cout << "  line " << c.line << ": would " << c.action << " " << c.student_id << "\n";
  }
  std::cout << "roster " << file << " (" << to_string(r.encoding) << "): " << r.added
            << " added, " << r.updated << " updated, " << r.unchanged << " unchanged, "
            << r.rejected.size() << " rejected\n";
  for (const RosterReject& rej : r.rejected)
    std::cout << "  line " << rej.line << ": " << rej.reason << "\n";
  return 0;
}

int cmd_import(const std::string& archive, const std::string& op, const std::string& student,
               const std::string& doctype, const std::vector<std::string>& images, bool quiet, int declared,
               const std::string& date, int workers, const OcrParams& ocr, bool allow_duplicate) {
  Catalog catalog(archive_dir(archive), op);
  ImportRequest req;
  if (declared > 0) req.declared_pages = declared;
  if (!date.empty()) {
    req.doc_date = normalize_date(date);
    if (req.doc_date.empty()) throw Error(ErrorCode::InvalidArgument, "not a valid date: " + date);
  }
  req.student_id = student;
  req.doc_type = doctype;
  req.allow_duplicate = allow_duplicate;
  for (const auto& i : images) req.images.emplace_back(i);
  ProgressFn progress;
  if (!quiet)
    progress = [](const Progress& p) {
      if (p.stage == "page") std::cerr << "  page " << p.done << " done\n";
    };
  PipelineParams params;
  params.workers = workers;
  params.ocr = ocr;
  ImportResult r = import_document(catalog, req, params, progress);
  std::cout << r.pdf_path.generic_string() << "\n";
  return 0;
}

int cmd_search(const std::string& archive, const std::string& query, int limit, int offset,
               bool json) {
  Catalog catalog(archive_dir(archive));
  PageIndex index(catalog.db());
  const SearchResults results = index.search_with_total(query, {limit, offset});
  const std::vector<SearchHit>& hits = results.hits;
  note_access(catalog, "search", "index", "", query + " (" + std::to_string(results.total) + " pages)");
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const SearchHit& h : hits)
      out.push_back({{"student_id", h.student_id},
                     {"name", h.name},
                     {"document", h.document},
                     {"doc_type", h.doc_type},
                     {"page", h.page},
                     {"snippet", h.snippet},
                     {"score", h.score},
                     {"boxes", [&] {
                        nlohmann::json b = nlohmann::json::array();
                        for (const Box& x : h.boxes) b.push_back({x.x, x.y, x.w, x.h});
                        return b;
                      }()}});
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (hits.empty() && results.total == 0) std::cout << "no results\n";
  else std::cout << (results.total_exact ? "" : "about ") << results.total << (results.total == 1 ? " page\n" : " pages\n");
  for (const SearchHit& h : hits)
    std::cout << h.student_id << "  " << h.name << "  " << h.document << "  p." << h.page << "\n    "
              << h.snippet << "\n";
  return 0;
}

int cmd_index_rebuild(const std::string& archive, const std::string& op) {
  Catalog catalog(archive_dir(archive), op);
  Catalog::Write tx(catalog);
  PageIndex index(catalog.db());
  const int pages = index.rebuild();
  catalog.audit("index-rebuild", "index", "", std::to_string(pages) + " pages");
  tx.commit();
  std::cout << "index rebuilt: " << pages << " pages\n";
  return 0;
}

int cmd_pdf(const std::string& archive, const std::vector<std::string>& images, const std::string& out,
            const std::string& level, const std::string& title, const std::string& student, int workers,
            int jpeg_quality, const OcrParams& ocr) {
  PdfJobParams params;
  params.workers = workers;
  params.ocr = ocr;
  params.pdf.jpeg.quality = jpeg_quality;
  params.pdf.level = level == "1b" ? PdfaLevel::A1b : PdfaLevel::A2b;
  params.pdf.meta.title = title.empty() ? fs::path(out).stem().string() : title;
  if (!student.empty()) {
    const StudentIdCheck id = check_student_id(student);
    if (!id.valid) throw Error(ErrorCode::InvalidArgument, "invalid student number '" + student + "': " + id.reason);
    params.pdf.meta.student_id = id.normalized;
    const char* env = std::getenv("XUEJI_ARCHIVE");
    if (!archive.empty() || (env && *env)) {
      Catalog catalog(archive_dir(archive));
      if (const auto s = catalog.find_student(id.normalized)) {
        params.pdf.meta.student_name = s->name;
        params.pdf.meta.class_name = s->grade + " " + s->class_name;
        note_access(catalog, "export", "pdf " + out, s->id, "the student's name and class written into a standalone PDF");
      }
    }
  }
  std::vector<fs::path> files(images.begin(), images.end());
  const int pages = make_pdf(files, out, params);
  std::cout << out << " (" << pages << " pages, PDF/A-" << level << ")\n";
  return 0;
}

int cmd_check_pdf(const std::string& file, const std::string& level) {
  if (!fs::is_regular_file(file)) throw Error(ErrorCode::NotFound, "no such file: " + file);
  int pages = 0;
  const auto problems = check_pdfa(file, level == "1b" ? PdfaLevel::A1b : PdfaLevel::A2b, &pages);
  for (const auto& p : problems) std::cout << file << ": " << p << "\n";
  if (problems.empty()) std::cout << file << ": PDF/A-" << level << " rules met (" << pages << " pages)\n";
  return problems.empty() ? 0 : 3;
}

}  // namespace xueji::cli
