#include "pipeline/page_stages.h"

#include <algorithm>
#include <chrono>

#include "models/error.h"
#include "ocr/ocr_engine.h"

namespace xueji {
namespace {

PageStage clean_stage(const StageParams& params) {
  return {"clean", [cleanup = params.cleanup](PageWork& w) {
            w.cleaned = clean_page(w.input.image, w.input.dpi, cleanup);
          }};
}

PageStage verify_orientation_stage(const StageParams& params, const EngineProvider& engine) {
  return {"verify-orientation", [params, engine](PageWork& w) {
            PageAnalysis& a = w.cleaned.analysis;
            w.layout_orientation = a.orientation;
            if (a.boxes.blank || a.orientation.confidence >= params.verify_orientation_below) return;
            // The content box in the upright master: the master's own analysis is cheap.
            const PageAnalysis upright = analyze_page(w.cleaned.ocr_image, w.input.dpi, params.cleanup.analyze);
            w.upright = check_upright(engine(), w.cleaned.ocr_image, w.input.dpi, upright.boxes.content);
            w.upright_checked = true;
            const double hi = std::max(w.upright.score_as_is, w.upright.score_flipped);
            const double lo = std::min(w.upright.score_as_is, w.upright.score_flipped);
            const double ocr_conf = hi > 0 ? std::clamp((hi - lo) / hi, 0.0, 1.0) : 0.0;
            a.orientation.confidence = std::max(a.orientation.confidence, ocr_conf);
            a.confidence = overall_confidence(a);
            if (!w.upright.flipped) return;
            a.orientation.orientation = (a.orientation.orientation + 180) % 360;
            // Rebuild master and OCR image from the input with the corrected orientation.
            w.cleaned = clean_page_with(w.input.image, w.input.dpi, a, params.cleanup);
          }};
}

}  // namespace

std::vector<PageStage> cleanup_stages(const StageParams& params, const EngineProvider& engine) {
  return {clean_stage(params), verify_orientation_stage(params, engine)};
}

std::vector<PageStage> default_page_stages(const StageParams& params, const EngineProvider& engine,
                                           const CancelToken* cancel) {
  std::vector<PageStage> stages = cleanup_stages(params, engine);
  stages.push_back({"ocr", [engine, cancel](PageWork& w) {
                      w.ocr = engine().recognize(w.cleaned.ocr_image, w.input.dpi, cancel);
                    }});
  return stages;
}

void process_images(const std::vector<std::filesystem::path>& images, const LoadParams& load,
                    const std::vector<PageStage>& stages, const CancelToken* cancel,
                    const std::function<void(PageWork&)>& sink, const ProgressFn& progress) {
  int file_index = 0, pages = 0;
  for (const std::filesystem::path& file : images) {
    if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "cancelled");
    std::vector<LoadedImage> frames = load_image_file(file, load);
    if (progress) progress({"load", ++file_index, static_cast<int>(images.size())});
    for (LoadedImage& frame : frames) {
      PageWork work;
      work.input = std::move(frame);
      run_stages(stages, work, cancel);
      sink(work);
      if (progress) progress({"page", ++pages, 0});
    }
  }
}

void run_stages(const std::vector<PageStage>& stages, PageWork& work, const CancelToken* cancel) {
  for (const PageStage& stage : stages) {
    if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "cancelled");
    const auto t0 = std::chrono::steady_clock::now();
    stage.run(work);
    work.stage_ms[stage.name] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
}

}  // namespace xueji
