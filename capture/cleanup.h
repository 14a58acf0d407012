#pragma once
// Page cleanup: turns a raw scan into the archival master and the OCR image.
// The master keeps the paper as it is (stains, holes, seals stay; DA/T 31-2017) and is only
// deskewed; the OCR image is a gray copy that may be cleaned as hard as helps recognition.
#include <opencv2/core.hpp>

#include "capture/deskew.h"
#include "capture/ocr_image.h"

namespace xueji {

struct CleanupParams {
  DeskewParams deskew;
  OcrImageParams ocr_image;
};

struct CleanupReport {
  SkewReport skew;
  bool skew_corrected = false;
  double confidence = 0;  // overall, 0..1
};

struct CleanedPage {
  cv::Mat master;     // BGR or gray, deskewed
  cv::Mat ocr_image;  // 8-bit gray, same geometry as the master
  CleanupReport report;
};

CleanedPage clean_page(const cv::Mat& input, double dpi, const CleanupParams& params = {});

}  // namespace xueji
