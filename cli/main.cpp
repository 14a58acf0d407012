// The `xueji` command: archive set-up, roster import, document import and search.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "indexer/page_index.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/roster.h"
#include "cli/page_commands.h"
#include "pipeline/import_job.h"

namespace fs = std::filesystem;
using namespace xueji;

namespace {

// Tesseract's OpenMP reads OMP_THREAD_LIMIT when the library loads, before main() could set
// it; without the limit OCR runs several times slower on small machines. Re-exec once with it.
void ensure_thread_limit(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT")) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure; then go on without the limit
}

fs::path archive_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("XUEJI_ARCHIVE"); env && *env) return env;
  throw Error(ErrorCode::InvalidArgument, "no archive given: use --archive DIR or set XUEJI_ARCHIVE");
}

int cmd_init(const std::string& dir) {
  Catalog::create(dir);
  Catalog catalog(dir);
  PageIndex index(catalog.db());  // creates the index tables
  std::cout << "created archive " << fs::absolute(dir).string() << "\n";
  return 0;
}

int cmd_roster_import(const std::string& archive, const std::string& file) {
  Catalog catalog(archive_dir(archive));
  RosterImportResult r = import_roster(catalog, file);
  std::cout << "roster " << file << " (" << to_string(r.encoding) << "): " << r.added
            << " added, " << r.updated << " updated, " << r.unchanged << " unchanged, "
            << r.rejected.size() << " rejected\n";
  for (const RosterReject& rej : r.rejected)
    std::cout << "  line " << rej.line << ": " << rej.reason << "\n";
  return 0;
}

int cmd_import(const std::string& archive, const std::string& student, const std::string& doctype,
               const std::vector<std::string>& images, bool quiet) {
  Catalog catalog(archive_dir(archive));
  ImportRequest req;
  req.student_id = student;
  req.doc_type = doctype;
  for (const auto& i : images) req.images.emplace_back(i);
  ProgressFn progress;
  if (!quiet)
    progress = [](const Progress& p) {
      if (p.stage == "page") std::cerr << "  page " << p.done << " done\n";
    };
  ImportResult r = import_document(catalog, req, {}, progress);
  std::cout << r.pdf_path.generic_string() << "\n";
  return 0;
}

int cmd_search(const std::string& archive, const std::string& query, int limit, int offset,
               bool json) {
  Catalog catalog(archive_dir(archive));
  PageIndex index(catalog.db());
  const std::vector<SearchHit> hits = index.search(query, {limit, offset});
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const SearchHit& h : hits)
      out.push_back({{"student_id", h.student_id},
                     {"name", h.name},
                     {"document", h.document},
                     {"doc_type", h.doc_type},
                     {"page", h.page},
                     {"snippet", h.snippet},
                     {"score", h.score}});
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (hits.empty()) std::cout << "no results\n";
  for (const SearchHit& h : hits)
    std::cout << h.student_id << "  " << h.name << "  " << h.document << "  p." << h.page << "\n    "
              << h.snippet << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ensure_thread_limit(argv);
  CLI::App app{"Xueji (学籍) — digitize and search student-record archives"};
  app.require_subcommand(1);
  std::string archive;
  app.add_option("--archive", archive, "archive folder (default: $XUEJI_ARCHIVE)");

  std::string init_dir;
  auto* init = app.add_subcommand("init", "create a new archive folder");
  init->add_option("DIR", init_dir, "folder to create")->required();

  auto* roster = app.add_subcommand("roster", "student roster");
  roster->require_subcommand(1);
  std::string roster_file;
  auto* roster_import = roster->add_subcommand("import", "import or update students from a CSV/TSV");
  roster_import->add_option("FILE", roster_file, "roster CSV (UTF-8 or GB18030)")->required();

  std::string student, doctype = "其他";
  std::vector<std::string> images;
  bool quiet = false;
  auto* imp = app.add_subcommand("import", "make one document of a student from image files");
  imp->add_option("--student", student, "学籍号 of the student")->required();
  imp->add_option("--doctype", doctype, "学籍卡|成绩单|体检表|奖惩记录|毕业生登记表|其他");
  imp->add_option("IMAGE", images, "page images (PNG, JPEG, TIFF), in page order")->required();
  imp->add_flag("-q,--quiet", quiet, "no progress output");

  std::string query;
  int limit = 20, offset = 0;
  bool json = false;
  auto* search = app.add_subcommand("search", "full-text search over all pages");
  search->add_option("QUERY", query, "words or phrases; Chinese matches as exact substrings")->required();
  search->add_option("--limit", limit, "number of hits")->check(CLI::Range(1, 10000));
  search->add_option("--offset", offset, "skip this many hits")->check(CLI::Range(0, 100000000));
  search->add_flag("--json", json, "print a JSON array");

  std::vector<std::string> analyze_images;
  bool analyze_json = false;
  auto* analyze = app.add_subcommand("analyze", "report skew, orientation, blank, content box, colour and seal");
  analyze->add_option("IMAGE", analyze_images, "page images")->required();
  analyze->add_flag("--json", analyze_json, "one JSON object per line per page");

  std::string clean_image, clean_master, clean_ocr;
  auto* clean = app.add_subcommand("clean", "write the archival master (and the OCR image) of a scan");
  clean->add_option("IMAGE", clean_image, "page image")->required();
  clean->add_option("-o,--output", clean_master, "master image file (.png, .tif, .jpg)")->required();
  clean->add_option("--ocr-image", clean_ocr, "also write the OCR image here");

  for (auto* sub : {roster_import, imp, search}) sub->add_option("--archive", archive, "archive folder");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*init) return cmd_init(init_dir);
    if (*roster_import) return cmd_roster_import(archive, roster_file);
    if (*imp) return cmd_import(archive, student, doctype, images, quiet);
    if (*search) return cmd_search(archive, query, limit, offset, json);
    if (*analyze) return cli::cmd_analyze(analyze_images, analyze_json);
    if (*clean) return cli::cmd_clean(clean_image, clean_master, clean_ocr);
  } catch (const Error& e) {
    std::cerr << "xueji: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "xueji: unexpected error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
