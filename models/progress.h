#pragma once
// Cancellation and progress, reported as values: library code never calls into a UI.
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace xueji {

class CancelToken {
 public:
  void cancel() noexcept { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

// What became of one page: the figures a batch view or the desktop shows per page.
struct PageOutcome {
  bool blank = false;
  int orientation = 0;                       // degrees turned to make it upright
  double ocr_confidence = 0;                 // mean word confidence, 0..100
  int characters = 0;                        // characters read
  std::vector<std::string> review;           // why a person should look at it (empty: no need)
  std::map<std::string, double> stage_ms;    // time per page stage
};

enum class ProgressKind {
  FileLoaded,         // an input file was read (index: the file, 1-based; total: files, 0 when unknown)
  PageScanned,        // the scanner delivered a page into the journal (index: the page)
  PageDone,           // a page went through every stage and was placed (index: the page; `page`)
  DocumentCommitted,  // the document was committed to the catalog (`document_id`)
};
const char* to_string(ProgressKind kind);  // "file-loaded", "page-scanned", "page-done", "committed"

struct Progress {
  ProgressKind kind = ProgressKind::PageDone;
  int index = 0;  // 1-based: the file or page the event is about
  int total = 0;  // how many there will be; 0 when not known (a scan in progress)
  PageOutcome page;  // PageDone
  long long document_id = 0;  // DocumentCommitted
  double elapsed_ms = 0;  // since the job began
};

using ProgressFn = std::function<void(const Progress&)>;

}  // namespace xueji
