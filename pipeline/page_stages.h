#pragma once
// The per-page processing stages. The pipeline runs a list of stages over each page; no stage
// calls the next one, so a stage can be added, replaced or skipped by editing the list.
#include <functional>
#include <string>
#include <vector>

#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "models/ocr_page.h"
#include "models/progress.h"

namespace xueji {

class OcrEngine;

struct PageWork {
  LoadedImage input;
  CleanedPage cleaned;
  OcrPage ocr;
};

struct PageStage {
  std::string name;
  std::function<void(PageWork&)> run;
};

std::vector<PageStage> default_page_stages(const CleanupParams& cleanup, OcrEngine& ocr,
                                           const CancelToken* cancel);

}  // namespace xueji
