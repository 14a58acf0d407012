#pragma once
// The per-page processing stages. The pipeline runs a list of stages over each page; no stage
// calls the next one, so a stage can be added, replaced or skipped by editing the list.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archive/page_image.h"
#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "models/ocr_page.h"
#include "models/progress.h"
#include "ocr/engine_pool.h"
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
  // In the OCR pipeline the page is recognized first; an unsure page whose reading is at least
  // this confident (mean word confidence) is upright and needs no separate check.
  double upright_reading_confidence = 75;
};

// clean -> ocr (blank pages give an empty result) -> verify orientation (only unsure pages
// whose reading was poor; a flipped page is rebuilt and read again)
std::vector<PageStage> default_page_stages(const StageParams& params, const EngineProvider& engine,
                                           const CancelToken* cancel);
// clean -> verify orientation: what `xueji analyze` and `xueji clean` run.
std::vector<PageStage> cleanup_stages(const StageParams& params, const EngineProvider& engine);

// How the page's master goes into the PDF: bilevel (CCITT G4) when the colour analysis found
// clean monochrome text; the input JPEG unchanged when cleanup left its pixels as they were.
PageImage archive_image(const PageWork& work);

// Runs the stages in order, timing each.
void run_stages(const std::vector<PageStage>& stages, PageWork& work, const CancelToken* cancel);

}  // namespace xueji
