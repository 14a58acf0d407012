#pragma once
// Journaled pages handed from a producer thread (a scanner's capture, a batch import's copy)
// to processing: push as pages arrive, close at the end (with the producer's error, if any);
// pop blocks until a page or the end, and rethrows the producer's error after the last page.
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>

namespace xueji {

class PageQueue {
 public:
  void push(std::filesystem::path p) {
    std::lock_guard lock(m_);
    q_.push_back(std::move(p));
    cv_.notify_all();
  }
  void close(std::exception_ptr error) {
    std::lock_guard lock(m_);
    closed_ = true;
    error_ = error;
    cv_.notify_all();
  }
  std::optional<std::filesystem::path> pop() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (!q_.empty()) {
      std::filesystem::path p = std::move(q_.front());
      q_.pop_front();
      return p;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::filesystem::path> q_;
  bool closed_ = false;
  std::exception_ptr error_;
};

}  // namespace xueji
