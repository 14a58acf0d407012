#pragma once
// The capture journal: every scanned page is written here, losslessly and with its scan
// parameters, as soon as its last line has arrived and before any processing; processing reads
// from here. A job lives in <archive>/.journal/<job>/:
//   job.json          device, options asked for and accepted, student, document type, state
//   page-0001.tif     the page as the device sent it (Deflate TIFF, 1/8/16 bit, resolution tags)
//   page-0001.json    its scan parameters (depth, three-pass, unknown height, time, SHA-256)
//
// Design notes (crash recovery): each file is written under a temporary name, flushed and
// renamed (archive/atomic_file.h), so a crash or power cut leaves either a complete page or
// none: at most the page being read is lost. A page image without its .json (a crash between
// the two renames) is still a complete page. job.json is rewritten atomically on every change
// of state; the pages themselves are the truth about what was captured.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capture/scanner.h"
#include "models/archive_lock.h"

namespace xueji {

class CaptureJournal {
 public:
  // Opens an existing job (`must_exist`) or creates a new one. Job names are safe path segments.
  CaptureJournal(const std::filesystem::path& archive_root, const std::string& job, bool must_exist);

  const std::string& name() const { return name_; }
  const std::filesystem::path& dir() const { return dir_; }
  nlohmann::json& meta() { return meta_; }  // job.json's content; save() writes it
  void save();

  // Writes the next page durably; returns its path.
  // `source`: where the page came from, when not a scanner (a frame of an imported file).
  std::filesystem::path add_page(const ScanFrame& frame, const std::string& source = {});
  // Copies an image file in as the next page, byte for byte (a batch import's producer), with
  // its source path and SHA-256 beside it; returns its path.
  std::filesystem::path add_file(const std::filesystem::path& source);
  std::vector<std::filesystem::path> pages() const;  // in capture order

  // Removes the page images once their document is committed (job.json stays as the record,
  // with the highest page number given: numbers are never given twice in a job). `which`:
  // only the pages it accepts (all when empty).
  void release_pages(const std::function<bool(const std::filesystem::path&)>& which = {});

  // Pages whose image no longer matches the SHA-256 recorded when it was scanned (changed), and
  // pages without their .json (a crash between the two renames: complete, but not checkable).
  struct PageCheck {
    std::string page, message;
    bool changed = false;
  };
  std::vector<PageCheck> check_pages() const;

  static std::vector<std::string> jobs(const std::filesystem::path& archive_root);

  // Removes the job's folder; only for a job that holds no page (nothing captured is lost).
  void remove_if_empty();

  // Marks the job as in use by this process until it ends (a lock in .xueji/journal-locks/):
  // a second scan of the same job, and `journal prune`, keep off it. Error(Busy) if in use.
  void lock_for_capture();
  static std::filesystem::path lock_file(const std::filesystem::path& archive_root, const std::string& job);

 private:
  std::string name_;
  int next_number() const;  // after every page in the folder and every page released
  std::filesystem::path root_, dir_;
  nlohmann::json meta_;
  std::shared_ptr<FileLock> capture_lock_;
};

struct JournalJob {
  std::string name, state, student, doc_type, created, updated;
  int pages = 0;           // page images still in the journal (not yet filed)
  long long document_id = 0;  // the document the pages became, once filed
};

std::vector<JournalJob> journal_jobs(const std::filesystem::path& archive_root);

// Removes jobs whose pages were filed into a document (state "done") and jobs that hold no
// page, when last changed more than `older_than_days` ago; never a job holding pages.
// Returns the names removed.
std::vector<std::string> prune_journal(const std::filesystem::path& archive_root, int older_than_days);

}  // namespace xueji
