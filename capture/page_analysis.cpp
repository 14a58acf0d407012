#include "capture/page_analysis.h"

#include <algorithm>

namespace xueji {

PageAnalysis analyze_page(const cv::Mat& input, double dpi, const AnalyzeParams& params) {
  PageAnalysis a;
  const WorkImage work = make_work_image(input, dpi, params.work);
  a.boxes = find_page_boxes(work, params.boxes);
  a.color = analyze_color(work, params.color);
  a.paper_color = work.paper_color;
  if (a.boxes.blank) {
    a.confidence = a.boxes.confidence;
    return a;
  }
  a.skew = estimate_skew(work, params.deskew);
  a.orientation = estimate_orientation(work, a.skew.angle_deg);
  a.confidence = overall_confidence(a);
  return a;
}

double overall_confidence(const PageAnalysis& a) {
  if (a.boxes.blank) return a.boxes.confidence;
  return std::min({a.boxes.confidence, a.skew.confidence * 2, a.orientation.confidence, a.color.confidence, 1.0});
}

}  // namespace xueji
