#pragma once
// Cancellation and progress, reported as values: library code never calls into a UI.
#include <atomic>
#include <functional>
#include <string>

namespace xueji {

class CancelToken {
 public:
  void cancel() noexcept { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

struct Progress {
  std::string stage;  // "load", "clean", "ocr", "pdf", "commit"
  int done = 0;       // pages finished in this stage
  int total = 0;
};

using ProgressFn = std::function<void(const Progress&)>;

}  // namespace xueji
