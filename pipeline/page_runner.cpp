#include "pipeline/page_runner.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include <opencv2/core/utility.hpp>

#include "models/error.h"

namespace xueji {
namespace {

constexpr std::chrono::milliseconds kCancelPoll{50};

Progress file_loaded(int index) {
  Progress p;
  p.kind = ProgressKind::FileLoaded;
  p.index = index;
  return p;
}

Progress page_done(const PageWork& work, int index) {
  Progress p;
  p.kind = ProgressKind::PageDone;
  p.index = index;
  p.page.blank = work.cleaned.analysis.boxes.blank;
  p.page.orientation = work.cleaned.analysis.orientation.orientation;
  p.page.ocr_confidence = work.ocr.mean_confidence();
  for (const OcrLine& line : work.ocr.lines)
    for (const OcrWord& w : line.words)
      for (unsigned char c : w.text) p.page.characters += (c & 0xC0) != 0x80;  // UTF-8 lead bytes
  p.page.review = work.review;
  p.page.stage_ms = work.stage_ms;
  return p;
}

// The shared state of one run.
class Run {
 public:
  Run(const ImageSource& images, const LoadParams& load, const CancelToken* cancel, int max_in_flight,
      const ProgressFn& progress)
      : images_(images), load_(load), cancel_(cancel), max_in_flight_(max_in_flight), progress_(progress) {}

  bool stopped() const { return stop_ || (cancel_ && cancel_->cancelled()); }

  // The next page to work on, or false when there is none (or the run stopped). Files are
  // decoded one at a time, in order, by whichever worker needs a page first.
  bool next(PageWork& work, int& index) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (stopped()) return false;
      const bool room = in_flight_ < max_in_flight_;
      if (room && !frames_.empty()) break;
      if (room && !loading_ && !source_done_) {
        loading_ = true;
        lock.unlock();
        std::vector<LoadedImage> loaded;
        std::exception_ptr error;
        try {
          if (const std::optional<std::filesystem::path> file = images_()) {
            ++file_;
            loaded = load_image_file(*file, load_);
          } else {
            source_done_ = true;
          }
        } catch (...) {
          error = std::current_exception();
        }
        lock.lock();
        loading_ = false;
        room_.notify_all();
        if (error) {
          fail_locked(error);
          return false;
        }
        for (LoadedImage& f : loaded) frames_.push_back(std::move(f));
        if (progress_ && !loaded.empty()) progress_(file_loaded(file_));
        continue;
      }
      if (frames_.empty() && !loading_ && source_done_) return false;
      room_.wait_for(lock, kCancelPoll);  // a cancel from another thread is seen within kCancelPoll
    }
    work = PageWork{};
    work.input = std::move(frames_.front());
    frames_.pop_front();
    index = next_index_++;
    ++in_flight_;
    return true;
  }

  void done(int index, PageWork&& work) {
    std::lock_guard lock(mutex_);
    finished_.emplace(index, std::move(work));
    ready_.notify_all();
  }

  void fail(std::exception_ptr e) {
    std::lock_guard lock(mutex_);
    fail_locked(e);
  }

  void worker_exit() {
    std::lock_guard lock(mutex_);
    ++exited_;
    ready_.notify_all();
  }

  // Called by the sink thread: hands pages to `sink` in order until all workers are done.
  void drain(int workers, const std::function<void(PageWork&)>& sink) {
    int delivered = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait_for(lock, kCancelPoll, [&] { return finished_.count(delivered) || exited_ == workers || stopped(); });
      if (stopped()) return;
      auto it = finished_.find(delivered);
      if (it == finished_.end()) {
        if (exited_ == workers) return;
        continue;
      }
      PageWork work = std::move(it->second);
      finished_.erase(it);
      lock.unlock();
      try {
        sink(work);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      lock.lock();
      ++delivered;
      --in_flight_;
      room_.notify_all();
      if (progress_) progress_(page_done(work, delivered));
    }
  }

  void rethrow() {
    if (error_) std::rethrow_exception(error_);
    if (cancel_ && cancel_->cancelled()) throw Error(ErrorCode::Cancelled, "cancelled");
  }

 private:
  void fail_locked(std::exception_ptr e) {
    if (!error_) error_ = e;
    stop_ = true;
    room_.notify_all();
    ready_.notify_all();
  }

  const ImageSource& images_;
  const LoadParams& load_;
  const CancelToken* cancel_;
  const int max_in_flight_;
  const ProgressFn& progress_;

  std::mutex mutex_;
  std::condition_variable room_, ready_;
  std::deque<LoadedImage> frames_;
  int file_ = 0;
  bool source_done_ = false;
  bool loading_ = false;
  int next_index_ = 0, in_flight_ = 0, exited_ = 0;
  std::map<int, PageWork> finished_;
  std::exception_ptr error_;
  bool stop_ = false;
};

void work_loop(Run& run, const std::vector<PageStage>& stages, const CancelToken* cancel) {
  PageWork work;
  int index = 0;
  while (run.next(work, index)) {
    try {
      run_stages(stages, work, cancel);
    } catch (...) {
      run.fail(std::current_exception());
      break;
    }
    run.done(index, std::move(work));
  }
  run.worker_exit();
}

}  // namespace

void lower_this_thread_priority(int nice) {
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(19, current + nice));  // best effort
}

void process_images(const std::vector<std::filesystem::path>& images, const LoadParams& load,
                    const StageFactory& stages, EnginePool& engines, const CancelToken* cancel,
                    const std::function<void(PageWork&)>& sink, const ProgressFn& progress) {
  size_t next = 0;
  const ImageSource source = [&]() -> std::optional<std::filesystem::path> {
    if (next < images.size()) return images[next++];
    return std::nullopt;
  };
  process_images(source, load, stages, engines, cancel, sink, [&](const Progress& p) {
    if (!progress) return;
    Progress q = p;
    if (q.kind == ProgressKind::FileLoaded) q.total = static_cast<int>(images.size());
    progress(q);
  });
}

void process_images(const ImageSource& images, const LoadParams& load, const StageFactory& stages,
                    EnginePool& engines, const CancelToken* cancel, const std::function<void(PageWork&)>& sink,
                    const ProgressFn& progress) {
  const int workers = engines.size();
  // The workers are the parallelism: OpenCV's own thread pool would oversubscribe the cores
  // (measured: cleanup 50 % slower per page with two workers), and one worker is one core. Restored afterwards.
  struct OpenCvThreads {
    int saved = cv::getNumThreads();
    OpenCvThreads() { cv::setNumThreads(1); }
    ~OpenCvThreads() { cv::setNumThreads(saved); }
  } single_threaded_opencv;
  if (workers == 1) {  // everything on the calling thread, one page at a time
    const std::vector<PageStage> list = stages(engines.provider(0));
    int file_index = 0, pages = 0;
    while (const std::optional<std::filesystem::path> file = images()) {
      if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "cancelled");
      std::vector<LoadedImage> frames = load_image_file(*file, load);
      if (progress) progress(file_loaded(++file_index));
      for (LoadedImage& frame : frames) {
        PageWork work;
        work.input = std::move(frame);
        run_stages(list, work, cancel);
        sink(work);
        if (progress) progress(page_done(work, ++pages));
      }
    }
    return;
  }
  Run run(images, load, cancel, 2 * workers, progress);
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([&, i] { work_loop(run, stages(engines.provider(i)), cancel); });
  run.drain(workers, sink);
  run.fail(nullptr);  // wakes any worker still waiting for room
  for (std::thread& t : threads) t.join();
  run.rethrow();
}

}  // namespace xueji
