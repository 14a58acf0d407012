#pragma once
// Derivation of the OCR image from the master: gray, with table ruling lines removed
// (Tesseract reads ruled lines as 一/丨/口 and merges cells across them) and uneven light
// divided out; binarization is left to Tesseract, which does it well on a clean gray page.
#include <opencv2/core.hpp>

namespace xueji {

struct OcrImageParams {
  double min_line_length_in = 0.35;  // ruling lines at least this long (inches) are removed
  bool remove_lines = true;
  int normalize_min_range = 20;  // background range (gray levels) above which it is divided out
  // Faded ink (PageBoxes::faint): the ink's contrast to the paper, in gray levels; the OCR
  // image is stretched so that it reaches `target_contrast` (0: no stretch).
  double faint_contrast = 0;
  double target_contrast = 180;
  double faint_deadzone = 0.3;  // darkening below this share of the ink's contrast becomes paper
};

struct OcrImageReport {
  int horizontal_lines = 0, vertical_lines = 0;
};

// `master`: 8-bit gray or BGR. Returns an 8-bit gray image of the same size.
cv::Mat make_ocr_image(const cv::Mat& master, double dpi, const OcrImageParams& params = {},
                       OcrImageReport* report = nullptr);

}  // namespace xueji
