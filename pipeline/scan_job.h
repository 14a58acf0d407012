#pragma once
// A scan job: pages from a scanner into the capture journal at the device's pace, and (when a
// student and document type are given) through the same cleanup, OCR and PDF path as an
// import, recognition running behind the capture on the other cores.
//
// Design notes
// - The capture thread only reads from the device and journals; it never waits for OCR.
//   Processing takes journaled pages from a queue. A fault ends the capture: the pages so far
//   stay in the journal, the document is not made (nothing half-made reaches the archive), the
//   job is marked with the fault, and `--continue JOB` scans on and then makes the document of
//   all the job's pages, old and new.
// - On --continue with pages already journaled, an empty feeder at the first page means
//   "nothing more to scan": the document is made of what the journal holds.
#include <optional>
#include <string>

#include "capture/sane_scanner.h"
#include "models/catalog.h"
#include "pipeline/capture_journal.h"
#include "pipeline/import_job.h"

namespace xueji {

struct ScanJobRequest {
  std::string device;          // empty with resume: the job's device
  std::optional<ScanOptions> options;  // empty with resume: the job's options
  std::string job;             // empty: a name from the date and time
  bool resume = false;         // --continue
  std::string student_id, doc_type;    // both empty: capture only
  std::optional<int> max_pages;        // stop after this many pages in this run
};

struct ScanJobResult {
  std::string job;
  int pages_scanned = 0;  // in this run
  int pages_in_job = 0;
  double capture_seconds = 0;            // start to last page journaled
  double total_seconds = 0;              // start to document committed
  std::vector<double> page_journaled_at;  // seconds from the start, per page of this run
  std::optional<ImportResult> document;
};

// Throws ScanError on scanner faults after marking the job; other errors as Error.
ScanJobResult run_scan_job(Catalog& catalog, const SaneLibrary& sane, const ScanJobRequest& request,
                           const PipelineParams& params = {}, const ProgressFn& progress = {},
                           const CancelToken* cancel = nullptr);

// A job name from the date and time: scan-20261128-185100.
std::string new_job_name();

nlohmann::json to_json(const ScanOptions& o);
ScanOptions scan_options_from_json(const nlohmann::json& j);

}  // namespace xueji
