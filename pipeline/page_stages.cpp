#include "pipeline/page_stages.h"

#include "ocr/ocr_engine.h"

namespace xueji {

std::vector<PageStage> default_page_stages(const CleanupParams& cleanup, OcrEngine& ocr,
                                           const CancelToken* cancel) {
  return {
      {"clean", [cleanup](PageWork& w) { w.cleaned = clean_page(w.input.image, w.input.dpi, cleanup); }},
      {"ocr",
       [&ocr, cancel](PageWork& w) {
         w.ocr = ocr.recognize(w.cleaned.ocr_image, w.input.dpi, cancel);
       }},
  };
}

}  // namespace xueji
