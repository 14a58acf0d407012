#pragma once
// Page cleanup: turns a raw scan into the archival master and the OCR image.
//
// Design notes: the master keeps the paper as it is (stains, holes, seals stay; DA/T 31-2017):
// it is only cropped to the paper with a margin (removing dark scanner borders), turned upright
// and deskewed, with areas uncovered by the rotation filled with the paper colour; a page with
// seals or coloured marks stays in colour. The OCR image is derived from the master and may be
// cleaned as hard as helps recognition (ruling lines removed, a seal's ink unmixed from the print
// beneath it: see unmix_seal in cleanup.cpp). Every step reads the one PageAnalysis; none calls another.
#include <opencv2/core.hpp>

#include "capture/ocr_image.h"
#include "capture/page_analysis.h"

namespace xueji {

struct CleanupParams {
  AnalyzeParams analyze;
  OcrImageParams ocr_image;
  double margin_mm = 2.5;  // kept around the paper edge when cropping scanner borders
  double content_margin_mm = 3;  // kept around the content if the deskewed canvas is cut
  double seal_red_chroma = 35;  // seal pages: pixels this much redder than green and blue are paper in the OCR image
};

struct CleanedPage {
  cv::Mat master;     // BGR (colour pages) or gray, upright and deskewed
  cv::Mat ocr_image;  // 8-bit gray, same geometry as the master
  PageAnalysis analysis;
  bool skew_corrected = false;
  cv::Matx23d input_to_master = cv::Matx23d(1, 0, 0, 0, 1, 0);  // maps input pixels to master pixels
  ColorMode stored_mode = ColorMode::Gray;  // how the master is stored
  double ocr_image_ms = 0;  // time spent deriving the OCR image from the master
};

CleanedPage clean_page(const cv::Mat& input, double dpi, const CleanupParams& params = {});

// Master and OCR image from a given analysis (e.g. one corrected by an OCR orientation check).
CleanedPage clean_page_with(const cv::Mat& input, double dpi, PageAnalysis analysis,
                            const CleanupParams& params = {});

// The master alone from an existing analysis (used by clean_page).
cv::Mat make_master(const cv::Mat& input, double dpi, const PageAnalysis& analysis,
                    const CleanupParams& params, bool* skew_corrected = nullptr,
                    cv::Matx23d* input_to_master = nullptr);

}  // namespace xueji
