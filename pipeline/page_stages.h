#pragma once
// The per-page processing stages. The pipeline runs a list of stages over each page; no stage
// calls the next one, so a stage can be added, replaced or skipped by editing the list.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "models/ocr_page.h"
#include "models/progress.h"
#include "ocr/ocr_engine.h"
#include "ocr/orientation_check.h"

namespace xueji {

struct PageWork {
  LoadedImage input;
  CleanedPage cleaned;
  UprightCheck upright;          // filled when the orientation was verified with OCR
  OrientationReport layout_orientation;  // the cheap layout analysis, before any OCR check
  bool upright_checked = false;
  OcrPage ocr;
  std::map<std::string, double> stage_ms;  // time per stage
};

struct PageStage {
  std::string name;
  std::function<void(PageWork&)> run;
};

struct StageParams {
  CleanupParams cleanup;
  double verify_orientation_below = 0.2;  // OCR-verify pages whose layout orientation confidence is lower
};

using EngineProvider = std::function<OcrEngine&()>;  // created on first use

// Starts Tesseract on first use only: pages (or commands) that need no OCR never pay for it.
class LazyEngine {
 public:
  explicit LazyEngine(OcrParams params = {}) : params_(std::move(params)) {}
  OcrEngine& get() {
    if (!engine_) engine_ = std::make_unique<OcrEngine>(params_);
    return *engine_;
  }
  EngineProvider provider() {
    return [this]() -> OcrEngine& { return get(); };
  }

 private:
  OcrParams params_;
  std::unique_ptr<OcrEngine> engine_;
};

// clean -> verify orientation (only unsure pages) -> ocr
std::vector<PageStage> default_page_stages(const StageParams& params, const EngineProvider& engine,
                                           const CancelToken* cancel);
// clean -> verify orientation: what `xueji analyze` and `xueji clean` run.
std::vector<PageStage> cleanup_stages(const StageParams& params, const EngineProvider& engine);

// Runs the stages in order, timing each.
void run_stages(const std::vector<PageStage>& stages, PageWork& work, const CancelToken* cancel);

// Loads every image (all frames of multi-page files), runs the stages on each page in order
// and hands the finished page to `sink`; one page in memory at a time.
void process_images(const std::vector<std::filesystem::path>& images, const LoadParams& load,
                    const std::vector<PageStage>& stages, const CancelToken* cancel,
                    const std::function<void(PageWork&)>& sink, const ProgressFn& progress = {});

}  // namespace xueji
