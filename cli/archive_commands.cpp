#include "cli/archive_commands.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "archive/fixity.h"
#include "archive/output_file.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/plural.h"
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
namespace {

// After a cancelled import the rollback has run; says so, and asks for `xueji recover` when
// the student's folders still hold files the catalog does not know.
void report_cancelled_import(Catalog& catalog, const std::string& student) {
  std::cerr << "xueji: error: import cancelled (Ctrl-C): nothing was filed\n";
  std::vector<Finding> left;
  try {
    const StudentIdCheck id = check_student_id(student);
    for (Finding& f : verify_archive(catalog, id.valid ? std::optional<std::string>(id.normalized) : std::nullopt))
      if (f.kind == "unexpected") left.push_back(std::move(f));
  } catch (const Error&) {
    left.push_back({"unexpected", "", "the archive could not be checked"});
  }
  if (left.empty()) return;
  for (const Finding& f : left) std::cerr << "xueji: left behind: " << (f.path.empty() ? f.detail : f.path) << "\n";
  std::cerr << "xueji: run `xueji recover` to remove what the cancelled import left behind\n";
}

std::string reject_lines(const RosterReject& r) {
  if (r.end_line > r.line) return "lines " + std::to_string(r.line) + "-" + std::to_string(r.end_line);
  return "line " + std::to_string(r.line);
}

}  // namespace

fs::path archive_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("XUEJI_ARCHIVE"); env && *env) return env;
  throw Error(ErrorCode::InvalidArgument, "no archive given: use --archive DIR or set XUEJI_ARCHIVE");
}

int cmd_init(const std::string& dir) {
  Catalog::create(dir);
  Catalog catalog(dir);
  Catalog::Write w(catalog);
  PageIndex index(catalog);  // creates the index tables
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
    std::cout << "  " << reject_lines(rej) << ": " << rej.reason << "\n";
  if (r.rejected.empty()) return code(Exit::Ok);
  std::cerr << "xueji: error: " << count(static_cast<long long>(r.rejected.size()), "row", "rows") << " of " << file
            << " rejected" << (dry_run ? "" : "; the other rows were imported") << "\n";
  return code(Exit::BadInput);
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
      if (p.kind == ProgressKind::PageDone)
        std::cerr << "  page " << p.index << " done" << (p.page.blank ? " (blank)" : "")
                  << (p.page.review.empty() ? "" : " — to review: " + p.page.review.front()) << "\n";
    };
  PipelineParams params;
  params.workers = workers;
  params.ocr = ocr;
  CancelToken cancel;
  InterruptGuard guard(cancel);
  try {
    ImportResult r = import_document(catalog, req, params, progress, &cancel);
    std::cout << r.pdf_path.generic_string() << "\n";
    if (guard.interrupted()) std::cerr << "xueji: Ctrl-C came after the document was filed: it is kept\n";
    return code(Exit::Ok);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Cancelled && !guard.interrupted()) throw;
    report_cancelled_import(catalog, student);
    return code(Exit::Cancelled);
  }
}

std::string search_query(const std::vector<std::string>& args, const std::vector<std::string>& words,
                         const std::vector<std::string>& extras) {
  std::multiset<std::string> wanted(words.begin(), words.end());
  for (const std::string& x : extras) {
    if (x == "--") continue;
    if (x.size() > 2 && x.compare(0, 2, "--") == 0)
      throw Error(ErrorCode::InvalidArgument, "search: unknown option " + x +
                                                  " (a query that begins with - may also be given after --)");
    wanted.insert(x);
  }
  if (wanted.empty())
    throw Error(ErrorCode::InvalidArgument, "search: QUERY is required, e.g. xueji search 张伟 or xueji search -type:体检表");
  // In command-line order ("-转学 OR 休学" stays as written).
  std::string query;
  auto from = std::find(args.begin(), args.end(), "search");
  for (auto it = from == args.end() ? args.begin() : from + 1; it != args.end() && !wanted.empty(); ++it) {
    const auto w = wanted.find(*it);
    if (w == wanted.end()) continue;
    query += (query.empty() ? "" : " ") + *it;
    wanted.erase(w);
  }
  for (const std::string& rest : wanted) query += (query.empty() ? "" : " ") + rest;
  return query;
}

int cmd_search(const std::string& archive, const std::string& query, int limit, int offset,
               bool json) {
  Catalog catalog(archive_dir(archive));
  PageIndex index(catalog);
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
  else std::cout << (results.total_exact ? "" : "about ") << pages(results.total) << "\n";
  for (const SearchHit& h : hits)
    std::cout << h.student_id << "  " << h.name << "  " << h.document << "  p." << h.page << "\n    "
              << h.snippet << "\n";
  return 0;
}

int cmd_index_rebuild(const std::string& archive, const std::string& op) {
  Catalog catalog(archive_dir(archive), op);
  Catalog::Write tx(catalog);
  PageIndex index(catalog);
  const int n = index.rebuild();
  catalog.audit("index-rebuild", "index", "", std::to_string(n) + " pages");
  tx.commit();
  std::cout << "index rebuilt: " << pages(n) << "\n";
  return 0;
}

int cmd_pdf(const std::string& archive, const std::vector<std::string>& images, const std::string& out,
            const std::string& level, const std::string& title, const std::string& student, int workers,
            int jpeg_quality, const OcrParams& ocr, bool force) {
  check_output_path(out, force);  // refused before the OCR, not after
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
  int n = 0;
  write_output_file(out, force, [&](const fs::path& temp) { n = make_pdf(files, temp, params); });
  std::cout << out << " (" << pages(n) << ", PDF/A-" << level << ")\n";
  return 0;
}

int cmd_check_pdf(const std::string& file, const std::string& level) {
  if (!fs::is_regular_file(file)) throw Error(ErrorCode::NotFound, "no such file: " + file);
  int n = 0;
  const auto problems = check_pdfa(file, level == "1b" ? PdfaLevel::A1b : PdfaLevel::A2b, &n);
  for (const auto& p : problems) std::cout << file << ": " << p << "\n";
  if (problems.empty()) std::cout << file << ": PDF/A-" << level << " rules met (" << pages(n) << ")\n";
  return code(problems.empty() ? Exit::Ok : Exit::Findings);
}

}  // namespace xueji::cli
