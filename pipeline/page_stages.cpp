#include "pipeline/page_stages.h"

#include <algorithm>
#include <chrono>

#include "models/error.h"
#include "ocr/ocr_engine.h"

namespace xueji {
namespace {

// Takes the strip check's verdict into the analysis; a flipped page is rebuilt (master and
// OCR image) from the input with the corrected orientation.
void apply_upright_check(PageWork& w, const StageParams& params) {
  PageAnalysis& a = w.cleaned.analysis;
  const double hi = std::max(w.upright.score_as_is, w.upright.score_flipped);
  const double lo = std::min(w.upright.score_as_is, w.upright.score_flipped);
  const double ocr_conf = hi > 0 ? std::clamp((hi - lo) / hi, 0.0, 1.0) : 0.0;
  a.orientation.confidence = std::max(a.orientation.confidence, ocr_conf);
  a.confidence = overall_confidence(a);
  if (!w.upright.flipped) return;
  a.orientation.orientation = (a.orientation.orientation + 180) % 360;
  w.cleaned = clean_page_with(w.input.image, w.input.dpi, a, params.cleanup);
}

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
            apply_upright_check(w, params);
          }};
}

PageStage ocr_stage(const EngineProvider& engine, const CancelToken* cancel) {
  return {"ocr", [engine, cancel](PageWork& w) {
            const PageAnalysis& a = w.cleaned.analysis;
            if (!a.boxes.blank) {
              w.ocr = engine().recognize(w.cleaned.ocr_image, w.input.dpi, cancel);
              return;
            }
            // Blank: Tesseract would spend seconds reading paper noise as text.
            w.ocr = OcrPage{};
            w.ocr.width = w.cleaned.ocr_image.cols;
            w.ocr.height = w.cleaned.ocr_image.rows;
            w.ocr.dpi = w.input.dpi;
            w.ocr.no_text_confidence = 100.0 * a.boxes.confidence;
          }};
}

// The orientation check for the OCR pipeline: the page has been read already, and a confident
// reading proves it upright, so the two-way strip check runs only for unsure pages that read
// poorly; when they turn out upside down they are rebuilt and read again.
PageStage ocr_orientation_stage(const StageParams& params, const EngineProvider& engine, const CancelToken* cancel) {
  return {"verify-orientation", [params, engine, cancel](PageWork& w) {
            PageAnalysis& a = w.cleaned.analysis;
            w.layout_orientation = a.orientation;
            if (a.boxes.blank || a.orientation.confidence >= params.verify_orientation_below) return;
            if (w.ocr.mean_confidence() >= params.upright_reading_confidence) {
              a.orientation.confidence = std::max(a.orientation.confidence, w.ocr.mean_confidence() / 100.0);
              a.confidence = overall_confidence(a);
              return;
            }
            const PageAnalysis upright = analyze_page(w.cleaned.ocr_image, w.input.dpi, params.cleanup.analyze);
            w.upright = check_upright(engine(), w.cleaned.ocr_image, w.input.dpi, upright.boxes.content);
            w.upright_checked = true;
            apply_upright_check(w, params);
            if (w.upright.flipped) w.ocr = engine().recognize(w.cleaned.ocr_image, w.input.dpi, cancel);
          }};
}

}  // namespace

std::vector<PageStage> cleanup_stages(const StageParams& params, const EngineProvider& engine) {
  return {clean_stage(params), verify_orientation_stage(params, engine)};
}

std::vector<PageStage> default_page_stages(const StageParams& params, const EngineProvider& engine,
                                           const CancelToken* cancel) {
  return {clean_stage(params), ocr_stage(engine, cancel), ocr_orientation_stage(params, engine, cancel)};
}

PageImage archive_image(const PageWork& work) {
  PageImage image;
  image.pixels = work.cleaned.master;
  image.dpi = work.input.dpi;
  image.bilevel = work.cleaned.analysis.color.mode == ColorMode::Bilevel;
  const cv::Matx23d& m = work.cleaned.input_to_master;
  const bool unchanged = m(0, 0) == 1 && m(0, 1) == 0 && m(0, 2) == 0 && m(1, 0) == 0 && m(1, 1) == 1 &&
                         m(1, 2) == 0 && work.cleaned.master.size() == work.input.image.size();
  if (unchanged && !work.input.jpeg.empty()) image.jpeg = work.input.jpeg;
  return image;
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
