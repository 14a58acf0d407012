#pragma once
// A batch: one stack for a whole grade or class — from a scanner's feeder or a folder of
// images — split per student (separator sheets or the 学籍号 read on the pages) and filed as
// each student's documents.
//
// Design notes (crash recovery, ordering)
// - One producer (the scanner's capture thread, or the copy of the folder's files in natural
//   order) writes every page to the job's capture journal first (pipeline/capture_journal.h);
//   N workers clean and recognize journaled pages (pipeline/page_runner.h); one ordered writer
//   (the calling thread) reads each page's facts, asks the splitter (pipeline/batch_split.h)
//   where it goes and builds the documents, committing catalog and index one document per
//   transaction (pipeline/document_builder.h). Queues are bounded by the page runner (pages in
//   flight) and by the journal's disk budget (the producer waits only when the journaled pages
//   not yet settled exceed it), so memory does not grow with the stack.
// - The batch log (pipeline/batch_log.h) records every page's facts and decision as it is
//   settled, and every document after its commit. A page is settled when it is logged and,
//   if it was assigned, its document is committed. Resume replays the settled pages' facts
//   through a new splitter (deterministic: same state, same document numbers), processes the
//   others again, and finds a document committed just before a crash (its line missing) by its
//   pages' SHA-256 in the catalog. A document being built when the process died was never
//   committed: its files are reclaimed by recover_archive() before the resume, and it is built
//   again from its journaled pages. So a page is never lost, filed twice or filed to two places.
// - Ctrl-C (the cancel token) stops at the next page boundary: the open document is rolled
//   back, the job is "paused", and resume goes on from the settled pages.
// - Pages in review stay in the journal with their reasons; settled pages' images are removed
//   from the journal when the job ends (committed documents hold their masters).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "capture/sane_scanner.h"
#include "models/catalog.h"
#include "pipeline/batch_split.h"
#include "pipeline/import_job.h"

namespace xueji {

struct BatchRequest {
  std::string job;                   // new: empty gives batch-<date>-<time>-<pid>; resume: required
  bool resume = false;
  std::filesystem::path import_dir;  // batch import: the folder (its image files, natural order)
  std::string device;                // batch scan: the SANE device
  std::optional<ScanOptions> options;
  std::string grade, class_name;     // the roster the stack belongs to (class may be empty)
  SplitParams split;
  long long journal_budget_bytes = 4LL << 30;  // unsettled journal pages the producer may run ahead
};

// Progress as values (the CLI prints it; the desktop reads it as JSON lines).
struct BatchProgress {
  int captured = 0;   // pages in the journal
  int processed = 0;  // pages settled (this run and earlier runs)
  int committed_pages = 0, documents = 0, review = 0, blank = 0, sheets = 0;
  bool capture_done = false;
  double elapsed_s = 0;       // this run
  double pages_per_min = 0;   // pages processed in this run per minute
  double eta_s = -1;          // < 0: unknown (capture still running)
  std::string student;        // the student being filed (学籍号)
  std::string event;          // "page" | "committed" | "captured" | "done"
};
using BatchProgressFn = std::function<void(const BatchProgress&)>;

struct BatchResult {
  std::string job;
  std::string state;  // done | review (pages wait for review) | paused
  BatchProgress totals;
};

// `sane` may be null for an import. Throws Error (bad request, unknown grade, …), ScanError.
BatchResult run_batch(Catalog& catalog, const SaneLibrary* sane, const BatchRequest& request,
                      const PipelineParams& params = {}, const BatchProgressFn& progress = {},
                      const CancelToken* cancel = nullptr);

// The folder's image files (PNG, JPEG, TIFF, PNM, BMP, WebP), in natural order (page2 < page10).
std::vector<std::filesystem::path> batch_input_files(const std::filesystem::path& dir);

// "a" < "b", with runs of digits compared by value.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace xueji
