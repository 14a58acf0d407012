// The `xueji` command: the command line and its dispatch; the commands live in
// archive_commands (archive, roster, import, search, pdf), page_commands (analyze, clean, ocr)
// and records_commands (students, documents, verification, log, reports).
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/archive_commands.h"
#include "cli/batch_commands.h"
#include "cli/integrity_commands.h"
#include "cli/masked_output.h"
#include "cli/exit_codes.h"
#include "cli/help.h"
#include "cli/page_commands.h"
#include "cli/records_commands.h"
#include "cli/scan_commands.h"
#include "cli/sheet_commands.h"
#include "models/error.h"
#include "ocr/engine_pool.h"

using namespace xueji;
using namespace xueji::cli;

namespace {

// Tesseract's OpenMP reads OMP_THREAD_LIMIT when the library loads, before main() could set
// it; without the limit OCR runs several times slower on small machines. OpenBLAS (when it is
// the system's BLAS, which OpenCV links) likewise starts spinning threads unless
// OPENBLAS_NUM_THREADS says otherwise (measured: a fifth of a core lost to sched_yield). The
// workers are our parallelism: re-exec once with both limits.
void ensure_thread_limit(char** argv) {
  bool missing = false;
  for (const char* var : {"OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS"})
    if (!std::getenv(var)) {
      ::setenv(var, "1", 1);
      missing = true;
    }
  if (!missing) return;
  ::execv("/proc/self/exe", argv);  // returns only on failure; then go on without the limits
}

}  // namespace

int main(int argc, char** argv) {
  ensure_thread_limit(argv);
  CLI::App app{"Xueji (学籍) — digitize and search student-record archives"};
  app.require_subcommand(1);
  std::vector<std::string> help_words;
  auto* help = add_help_command(app, help_words);
  std::string archive, op;
  app.add_option("--archive", archive, "archive folder (default: $XUEJI_ARCHIVE)");
  app.add_option("--operator", op, "who is making the change, for the audit trail (default: the OS user)");
  bool show_ids = false;
  app.add_flag("--show-ids", show_ids, "show 学籍号 and 身份证号 in full (masked by default; recorded in the access log)");
  auto open = [&]() { return Catalog(archive_dir(archive), op); };
  auto archive_opt = [&](CLI::App* sub) { sub->add_option("--archive", archive, "archive folder"); };

  std::string init_dir;
  auto* init = app.add_subcommand("init", "create a new archive folder");
  init->add_option("DIR", init_dir, "folder to create")->required();

  auto* roster = app.add_subcommand("roster", "student roster");
  roster->require_subcommand(1);
  std::string roster_file;
  bool dry_run = false;
  auto* roster_import = roster->add_subcommand("import", "import or update students from a CSV/TSV");
  roster_import->add_option("FILE", roster_file, "roster CSV (UTF-8 or GB18030)")->required();
  roster_import->add_flag("--dry-run", dry_run, "report what would change, change nothing");

  std::string student, doctype = "其他";
  std::vector<std::string> images;
  bool quiet = false;
  int declared = 0;
  std::string doc_date;
  auto* imp = app.add_subcommand("import", "make one document of a student from image files");
  imp->add_option("--student", student, "学籍号 of the student")->required();
  imp->add_option("--doctype", doctype, "学籍卡|成绩单|体检表|奖惩记录|毕业生登记表|其他 (see: xueji doctype list)");
  imp->add_option("--declared-pages", declared, "page count written on the paper (for the completeness report)");
  imp->add_option("--date", doc_date, "date written on the document (2015-09-01, 2015/9/1, 20150901 …)");
  imp->add_option("IMAGE", images, "page images (PNG, JPEG, TIFF, PNM), in page order")->required();
  imp->add_flag("-q,--quiet", quiet, "no progress output");
  bool allow_duplicate = false;
  imp->add_flag("--allow-duplicate", allow_duplicate, "import images that are already in the archive");

  std::vector<std::string> query;
  int limit = 20, offset = 0;
  bool json = false;
  auto* search = app.add_subcommand("search", "full-text search over all pages");
  search->add_option("QUERY", query,
                     "words, \"phrases\", a OR b, -word, student: name: grade: class: type: year: (Chinese matches "
                     "as exact substrings, Traditional and Simplified alike)");
  search->allow_extras();  // a query may begin with '-' (-type:体检表): see search_query()
  search->add_option("--limit", limit, "number of hits")->check(CLI::Range(1, 10000));
  search->add_option("--offset", offset, "skip this many hits")->check(CLI::Range(0, 100000000));

  auto* index_cmd = app.add_subcommand("index", "the full-text index");
  index_cmd->require_subcommand(1);
  auto* index_rebuild = index_cmd->add_subcommand("rebuild", "rebuild the search index from the catalog");
  archive_opt(index_rebuild);

  std::vector<std::string> analyze_images;
  auto* analyze = app.add_subcommand("analyze", "report skew, orientation, blank, content box, colour and seal");
  analyze->add_option("IMAGE", analyze_images, "page images")->required();

  std::string clean_image, clean_master, clean_ocr;
  bool force = false;
  auto* clean = app.add_subcommand("clean", "write the archival master (and the OCR image) of a scan");
  clean->add_option("IMAGE", clean_image, "page image")->required();
  clean->add_option("-o,--output", clean_master, "master image file (.png, .tif, .jpg)")->required();
  clean->add_option("--ocr-image", clean_ocr, "also write the OCR image here");

  std::vector<std::string> ocr_images;
  std::string ocr_out, ocr_format = "text";
  auto* ocr = app.add_subcommand("ocr", "recognize pages: <stem>.txt and <stem>.json per page (cleanup as in import)");
  ocr->add_option("IMAGE", ocr_images, "page images")->required();
  ocr->add_option("--out", ocr_out, "output folder")->required();
  ocr->add_option("--format", ocr_format, "also write hOCR or ALTO XML")->check(CLI::IsMember({"text", "hocr", "alto"}));

  int workers = default_workers();
  for (auto* sub : {imp, ocr})
    sub->add_option("--workers", workers, "pages recognized in parallel (default: the number of cores)")
        ->check(CLI::Range(1, 64));

  std::string engine_name = "ppocr", model_dir, line_finder = "detector";
  auto add_engine_options = [&](CLI::App* sub) {
    sub->add_option("--engine", engine_name, "recognizer: ppocr (default) or tesseract")
        ->check(CLI::IsMember({"ppocr", "tesseract"}));
    sub->add_option("--lines", line_finder, "where the ppocr engine's text lines come from: detector (default) or tesseract (its layout pass)")
        ->check(CLI::IsMember({"detector", "tesseract"}));
    sub->add_option("--model-dir", model_dir, "folder of the installed OCR models (default: $XUEJI_MODEL_DIR or /usr/local/share/xueji/models)");
  };
  auto ocr_options = [&] {
    OcrParams p;
    p.recognizer = parse_recognizer(engine_name);
    p.lines = parse_line_finder(line_finder);
    p.model_dir = model_dir;
    return p;
  };

  cli::ScanArgs scan_args;
  scan_args.workers = default_workers();
  bool devices_json = false;
  auto* devices = app.add_subcommand("devices", "list the scanners libsane finds");
  devices->add_flag("--json", devices_json, "JSON output");
  auto* scan = app.add_subcommand("scan", "scan pages into the capture journal and (with --student and --doctype) a document");
  scan->add_option("--device", scan_args.device, "SANE device name (see: xueji devices)");
  auto* scan_source = scan->add_option("--source", scan_args.source, "flatbed, adf or duplex")
                          ->check(CLI::IsMember({"flatbed", "adf", "duplex"}));
  auto* scan_dpi = scan->add_option("--dpi", scan_args.dpi, "resolution (default 300; at least 200)");
  auto* scan_mode = scan->add_option("--mode", scan_args.mode, "color (default), gray or bw")
                        ->check(CLI::IsMember({"color", "gray", "bw"}));
  scan->add_option("--set", scan_args.set, "OPTION=VALUE: any backend option by its SANE name (repeatable)");
  scan->add_option("--width-mm", scan_args.width_mm, "scan area width from the left edge");
  scan->add_option("--height-mm", scan_args.height_mm, "scan area height from the top edge");
  scan->add_option("--student", scan_args.student, "学籍号: make a document of the scanned pages for this student");
  scan->add_option("--doctype", scan_args.doctype, "document type of that document");
  scan->add_option("--job", scan_args.job, "name of a new capture job (default: scan-<date>-<time>)");
  scan->add_option("--continue", scan_args.resume, "continue this job (after a fault or an interruption)");
  scan->add_option("--max-pages", scan_args.max_pages, "stop after this many pages")->check(CLI::PositiveNumber);
  scan->add_option("--workers", scan_args.workers, "pages recognized in parallel while scanning")->check(CLI::Range(1, 64));
  scan->add_flag("-q,--quiet", scan_args.quiet, "no progress output");
  scan->add_flag("--json", scan_args.json, "print the job's result as JSON (pages, timing, PDF)");
  archive_opt(scan);

  cli::BatchArgs batch_args;
  const cli::BatchCommands batch = cli::add_batch_commands(app, batch_args);

  std::vector<std::string> pdf_images;
  std::string pdf_out, pdf_level = "2b", pdf_title, pdf_student;
  auto* pdf = app.add_subcommand("pdf", "make a standalone searchable PDF/A from images (cleanup and OCR as in import)");
  pdf->add_option("IMAGE", pdf_images, "page images, in page order")->required();
  pdf->add_option("-o,--output", pdf_out, "PDF file to write")->required();
  pdf->add_option("--pdfa", pdf_level, "conformance level: 1b or 2b")->check(CLI::IsMember({"1b", "2b"}));
  pdf->add_option("--title", pdf_title, "document title");
  pdf->add_option("--student", pdf_student, "学籍号 (name and class are taken from the archive when one is given)");
  pdf->add_option("--workers", workers, "pages recognized in parallel (default: the number of cores)")->check(CLI::Range(1, 64));
  int pdf_jpeg_quality = 0;
  pdf->add_option("--jpeg-quality", pdf_jpeg_quality,
                  "JPEG quality of gray and colour pages (default: chosen per page for 40 dB on its busiest parts)")
      ->check(CLI::Range(1, 100));
  for (auto* sub : {imp, ocr, scan, pdf, batch.import, batch.scan, batch.resume}) add_engine_options(sub);
  for (auto* sub : {clean, pdf})
    sub->add_flag("--force", force, "replace an existing output file (never a device, FIFO or folder)");
  std::string check_file, check_level = "2b";
  auto* check_pdf = app.add_subcommand("check-pdf", "check a PDF against the PDF/A rules Xueji writes to");
  check_pdf->add_option("FILE", check_file, "PDF file")->required();
  check_pdf->add_option("--pdfa", check_level, "conformance level: 1b or 2b")->check(CLI::IsMember({"1b", "2b"}));

  cli::SheetsArgs sheets_args;
  auto* sheets = cli::add_sheets_command(app, sheets_args);

  // Students.
  std::string grade, class_name, id;
  cli::StudentEdits edits;
  auto* stu = app.add_subcommand("student", "students");
  stu->require_subcommand(1);
  auto* stu_list = stu->add_subcommand("list", "list students");
  stu_list->add_option("--grade", grade);
  stu_list->add_option("--class", class_name);
  auto* stu_show = stu->add_subcommand("show", "one student and their documents");
  stu_show->add_option("ID", id, "学籍号")->required();
  auto* stu_add = stu->add_subcommand("add", "add a student");
  auto* stu_edit = stu->add_subcommand("edit", "change a student's fields");
  for (auto* sub : {stu_add, stu_edit}) {
    sub->add_option("ID", id, "学籍号")->required();
    sub->add_option("--name", edits.name, "姓名");
    sub->add_option("--gender", edits.gender, "性别");
    sub->add_option("--birth", edits.birth_date, "出生日期");
    sub->add_option("--grade", edits.grade, "年级");
    sub->add_option("--class", edits.class_name, "班级");
    sub->add_option("--ethnicity", edits.ethnicity, "民族");
    sub->add_option("--school", edits.school, "学校");
    sub->add_option("--status", edits.status, "在读|毕业|转出|休学");
  }

  // Documents.
  long long doc_id = 0;
  std::string to_student;
  bool deleted = false;
  auto* doc = app.add_subcommand("document", "filed documents");
  doc->require_subcommand(1);
  auto* doc_list = doc->add_subcommand("list", "list documents");
  doc_list->add_option("--student", student, "学籍号");
  doc_list->add_flag("--deleted", deleted, "list the trash");
  auto* doc_show = doc->add_subcommand("show", "one document: pages and files");
  auto* doc_move = doc->add_subcommand("move", "re-file a misfiled document under the right student");
  auto* doc_delete = doc->add_subcommand("delete", "move a document to the trash");
  for (auto* sub : {doc_show, doc_move, doc_delete}) sub->add_option("ID", doc_id, "document id")->required();
  doc_move->add_option("--to", to_student, "学籍号 of the right student")->required();
  auto* doc_purge = doc->add_subcommand("purge", "remove the trash for good");

  // Document types.
  std::string type_name, type_code;
  std::optional<bool> required;
  auto* dt = app.add_subcommand("doctype", "document types");
  dt->require_subcommand(1);
  auto* dt_list = dt->add_subcommand("list", "list document types");
  auto* dt_set = dt->add_subcommand("set", "add or change a document type");
  dt_set->add_option("NAME", type_name, "name, e.g. 综合素质评价")->required();
  dt_set->add_option("--code", type_code, "file-name code, 1-8 upper-case letters or digits");
  dt_set->add_option("--required", required, "counted by the completeness report (true|false)");

  auto* ver = app.add_subcommand("verify", "re-hash every file, report missing/changed/unexpected files and audit-trail damage");
  ver->add_option("--student", student, "only this student's files");
  auto* rec = app.add_subcommand("recover", "clear what an interrupted import, move or delete left behind (unlisted files go to .quarantine/)");
  auto* lg = app.add_subcommand("log", "the audit trail");
  lg->add_option("--student", student, "only this student's entries");
  bool access_log = false;
  lg->add_flag("--access", access_log, "the access log: views, searches and exports, instead of the changes");
  auto* aud = app.add_subcommand("audit", "the audit trail's head");
  aud->require_subcommand(1);
  auto* aud_head = aud->add_subcommand("head", "print the audit trail's newest entry and hash, for an outside witness");
  auto* cat = app.add_subcommand("catalog", "the catalog database");
  cat->require_subcommand(1);
  bool rebuild_replace = false;
  auto* cat_rebuild = cat->add_subcommand("rebuild", "rebuild a lost catalog from the archive's PDFs, manifests and masters");
  cat_rebuild->add_flag("--replace", rebuild_replace, "set the existing catalog aside (never deleted) and rebuild");
  auto* jr = app.add_subcommand("journal", "the capture journal (scanned pages before they are filed)");
  jr->require_subcommand(1);
  auto* jr_list = jr->add_subcommand("list", "capture jobs, their state and the pages not yet filed");
  int prune_days = 30;
  auto* jr_prune = jr->add_subcommand("prune", "remove jobs whose pages were filed (and empty jobs); never unfiled pages");
  jr_prune->add_option("--older-than", prune_days, "days since the job last changed (default 30)")->check(CLI::Range(0, 100000));
  auto* rep = app.add_subcommand("report", "reports");
  rep->require_subcommand(1);
  auto* rep_comp = rep->add_subcommand("completeness", "required document types present, missing or incomplete");
  rep_comp->add_option("--grade", grade);
  rep_comp->add_option("--class", class_name);

  for (auto* sub : {search, analyze, stu_list, stu_show, doc_list, doc_show, dt_list, ver, lg, rep_comp, aud_head, jr_list})
    sub->add_flag("--json", json, "JSON output");
  for (auto* sub : {roster_import, imp, search, pdf, stu_list, stu_show, stu_add, stu_edit, doc_list, doc_show, doc_move,
                    doc_delete, doc_purge, dt_list, dt_set, ver, rec, lg, rep_comp, aud_head, cat_rebuild, jr_list, jr_prune})
    archive_opt(sub);

  try {
    app.parse(argc, argv);
  } catch (...) {
    return report_current_exception(app);
  }
  std::optional<cli::MaskedStdout> masked;
  if (!show_ids) masked.emplace();
  try {
    if (*help) return cmd_help(app, help_words);
    if (show_ids && (!archive.empty() || std::getenv("XUEJI_ARCHIVE")) && !*cat_rebuild && !*init) {
      Catalog c = open();
      std::string command;
      for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
        sub = sub->get_subcommands().front();
        command += (command.empty() ? "" : " ") + sub->get_name();
      }
      cli::note_access(c, "show-ids", "command " + command, "", "identity numbers shown in full");
    }
    if (*init) return cmd_init(init_dir);
    if (*roster_import) return cmd_roster_import(archive, op, roster_file, dry_run);
    const OcrParams ocr_params = ocr_options();
    if (*imp) return cmd_import(archive, op, student, doctype, images, quiet, declared, doc_date, workers, ocr_params, allow_duplicate);
    if (*index_rebuild) return cmd_index_rebuild(archive, op);
    if (*search)
      return cmd_search(archive, search_query({argv + 1, argv + argc}, query, search->remaining()), limit, offset, json);
    if (*analyze) return cli::cmd_analyze(analyze_images, json);
    if (*clean) return cli::cmd_clean(clean_image, clean_master, clean_ocr, force);
    if (*ocr) return cli::cmd_ocr(ocr_images, ocr_out, ocr_format, workers, ocr_params);
    if (*devices) return cli::cmd_devices(devices_json);
    if (*scan) {
      scan_args.archive = archive;
      scan_args.op = op;
      scan_args.source_given = scan_source->count() > 0;
      scan_args.mode_given = scan_mode->count() > 0;
      scan_args.dpi_given = scan_dpi->count() > 0;
      scan_args.ocr = ocr_params;
      return cli::cmd_scan(scan_args);
    }
    if (*batch.batch) {
      if (batch_args.archive.empty()) batch_args.archive = archive;
      batch_args.op = op;
      batch_args.ocr = ocr_params;
      return cli::cmd_batch(batch, batch_args, show_ids);
    }
    if (*pdf) return cmd_pdf(archive, pdf_images, pdf_out, pdf_level, pdf_title, pdf_student, workers, pdf_jpeg_quality, ocr_params, force);
    if (*check_pdf) return cmd_check_pdf(check_file, check_level);
    if (*sheets) {
      if (sheets_args.archive.empty()) sheets_args.archive = archive;
      sheets_args.op = op;
      return cli::cmd_sheets(sheets_args);
    }
    if (*stu_list) { Catalog c = open(); return cli::student_list(c, grade, class_name, json, show_ids); }
    if (*stu_show) { Catalog c = open(); return cli::student_show(c, id, json, show_ids); }
    if (*stu_add) { Catalog c = open(); return cli::student_add(c, id, edits); }
    if (*stu_edit) { Catalog c = open(); return cli::student_edit(c, id, edits); }
    if (*doc_list) { Catalog c = open(); return cli::document_list(c, student, deleted, json); }
    if (*doc_show) { Catalog c = open(); return cli::document_show(c, doc_id, json); }
    if (*doc_move) { Catalog c = open(); return cli::document_move(c, doc_id, to_student); }
    if (*doc_delete) { Catalog c = open(); return cli::document_delete(c, doc_id); }
    if (*doc_purge) { Catalog c = open(); return cli::document_purge(c); }
    if (*dt_list) { Catalog c = open(); return cli::doctype_list(c, json); }
    if (*dt_set) { Catalog c = open(); return cli::doctype_set(c, type_name, type_code, required); }
    if (*ver) { Catalog c = open(); return cli::verify(c, student, json); }
    if (*rec) { Catalog c = open(); return cli::recover(c); }
    if (*lg) { Catalog c = open(); return cli::log(c, student, access_log, json); }
    if (*aud_head) { Catalog c = open(); return cli::audit_head(c, json); }
    if (*jr_list) { Catalog c = open(); return cli::journal_list(c, json); }
    if (*jr_prune) { Catalog c = open(); return cli::journal_prune(c, prune_days); }
    if (*cat_rebuild) return cli::catalog_rebuild(archive, op, rebuild_replace);
    if (*rep_comp) { Catalog c = open(); return cli::report_completeness(c, grade, class_name, json); }
  } catch (...) {
    return report_current_exception(app);
  }
  return 0;
}
