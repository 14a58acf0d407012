#include "capture/page_boxes.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace xueji {
PageBoxes find_page_boxes(const WorkImage& work, const BoxParams& params) {
  PageBoxes out;
  out.paper = work.to_input(work.paper_box);

  cv::Rect content;
  double area = 0;
  const double mm2 = work.px_per_mm() * work.px_per_mm();
  for (const InkComponent& c : work.components) {
    if (c.kind == InkKind::Hole) out.holes.push_back(work.to_input(c.box));
    if (c.kind != InkKind::Mark && c.kind != InkKind::Line) continue;
    content = content.area() ? (content | c.box) : c.box;
    area += c.area / mm2;
  }
  out.ink_area_mm2 = area;
  out.faint = work.faint;
  out.ink_contrast = work.ink_contrast;
  out.print_contrast = work.print_contrast;
  out.blank = area < params.blank_max_area_mm2;
  // Confidence grows with the distance from the threshold (in log terms).
  out.confidence = std::clamp(std::abs(std::log((area + 0.5) / params.blank_max_area_mm2)) / 1.5, 0.0, 1.0);
  if (!out.blank) {
    // A safety margin: the analysis copy is coarser than the page, and blur or faint strokes
    // can end a little outside what the threshold sees; the box must never cut text.
    const int pad = static_cast<int>(std::ceil(params.content_pad_mm * work.px_per_mm()));
    content = cv::Rect(content.x - pad, content.y - pad, content.width + 2 * pad, content.height + 2 * pad) &
              work.paper_box;
    out.content = work.to_input(content);
  }
  return out;
}

}  // namespace xueji
