#pragma once
// Tesseract recognition behind our own result model (OcrPage). One OcrEngine wraps one
// TessBaseAPI, initialized once and reused for many pages; use one engine per thread.
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "models/chinese_fold.h"
#include "models/progress.h"
#include "ocr/result_cleanup.h"

namespace tesseract {
class TessBaseAPI;
}

namespace xueji {

struct OcrParams {
  std::string languages = "chi_sim";
  std::string tessdata_dir;  // empty: Tesseract's default (TESSDATA_PREFIX or the system path)
  int page_seg_mode = 6;     // single uniform block: keeps form rows in reading order
  ResultCleanupParams cleanup;
  bool reread_split_lines = true;  // read overlapping lines (split large titles) again as one line
};

class OcrEngine {
 public:
  explicit OcrEngine(const OcrParams& params = {});
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognizes an 8-bit gray (or BGR) image; boxes are in that image's pixels.
  OcrPage recognize(const cv::Mat& image, double dpi, const CancelToken* cancel = nullptr);

 private:
  cv::Mat thresholded_ink();

  OcrParams params_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  ChineseFolder folder_;
};

}  // namespace xueji
