#pragma once
// Runs the page stages over many pages with N workers, each with its own OCR engine, and hands
// the finished pages to the sink one at a time in input order.
//
// Design notes
// - One loader (the first worker to need a page loads the next file, under a lock; multi-frame
//   files are split into pages), N workers, and the calling thread as the sink. Pages in flight
//   are bounded (2 per worker) so memory does not grow with the number of pages.
// - Order: finished pages wait in a small reorder buffer until every earlier page has been
//   handed to the sink; the sink (PDF writer, catalog) never runs concurrently with itself.
// - Errors: the first error (from a worker or the sink) stops the other workers at their next
//   stage boundary and is rethrown on the calling thread; cancellation works the same way.
// - With one worker everything runs on the calling thread.
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "capture/image_loader.h"
#include "models/progress.h"
#include "ocr/engine_pool.h"
#include "pipeline/page_stages.h"

namespace xueji {

// Builds a worker's stage list around its engine.
using StageFactory = std::function<std::vector<PageStage>(const EngineProvider&)>;

// The next image file, blocking until one is available; nothing at the end. May throw (e.g. a
// scanner fault), which stops the run like any other error.
using ImageSource = std::function<std::optional<std::filesystem::path>()>;

void process_images(const ImageSource& images, const LoadParams& load, const StageFactory& stages,
                    EnginePool& engines, const CancelToken* cancel, const std::function<void(PageWork&)>& sink,
                    const ProgressFn& progress = {});

// Lowers the calling thread's scheduling priority by `nice` steps (Linux: per thread). Used for
// page workers that must give way to a scanner's capture thread.
void lower_this_thread_priority(int nice);

void process_images(const std::vector<std::filesystem::path>& images, const LoadParams& load,
                    const StageFactory& stages, EnginePool& engines, const CancelToken* cancel,
                    const std::function<void(PageWork&)>& sink, const ProgressFn& progress = {});

}  // namespace xueji
