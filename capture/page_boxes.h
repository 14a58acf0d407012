#pragma once
// Where the paper and the content are, and whether there is any content at all.
#include <vector>

#include <opencv2/core.hpp>

#include "capture/work_image.h"

namespace xueji {

struct BoxParams {
  double blank_max_area_mm2 = 12;  // less ink than this (dust, bleed-through excluded) is blank
  double content_pad_mm = 1;       // added around the content box
};

struct PageBoxes {
  cv::Rect paper;    // the paper inside any dark scanner border (input pixels)
  cv::Rect content;  // all marks of the document: text, rules, stamps (input pixels; empty if blank)
  bool blank = false;
  double ink_area_mm2 = 0;
  std::vector<cv::Rect> holes;  // punch holes (input pixels): kept in the master, not read
  bool faint = false;        // faded ink (see WorkImage::faint): the OCR image boosts its contrast
  double ink_contrast = 0;   // gray levels between the paper and the ink's core
  double print_contrast = 0; // gray levels between the paper and the darkest 5 % of the ink (WorkImage)
  double confidence = 0;  // of the blank decision, 0..1
};

PageBoxes find_page_boxes(const WorkImage& work, const BoxParams& params = {});

}  // namespace xueji
