#pragma once
// All analyses of one scanned page, computed from one shared analysis copy.
#include <opencv2/core.hpp>

#include "capture/color_mode.h"
#include "capture/deskew.h"
#include "capture/orientation.h"
#include "capture/page_boxes.h"
#include "capture/work_image.h"

namespace xueji {

struct AnalyzeParams {
  WorkImageParams work;
  DeskewParams deskew;
  BoxParams boxes;
  ColorParams color;
};

struct PageAnalysis {
  SkewReport skew;               // in the scan's frame
  OrientationReport orientation;
  PageBoxes boxes;               // input pixels
  ColorReport color;
  cv::Scalar paper_color;        // per channel of the input (BGR or gray)
  double confidence = 0;         // the weakest of the decisions, 0..1
};

PageAnalysis analyze_page(const cv::Mat& input, double dpi, const AnalyzeParams& params = {});

// The weakest of the decisions (recomputed after a part was revised, e.g. by an OCR check).
double overall_confidence(const PageAnalysis& a);

}  // namespace xueji
