#pragma once
// The shared analysis copy of a page: every analysis (skew, orientation, blank, boxes, colour)
// works on one downscaled image and one ink mask, computed once per page.
//
// Design notes: the gray copy is divided by the local paper brightness (uneven light, yellowed
// paper); ink is what Otsu separates from the paper there, but never less than a clear margin
// darker than the paper, so faint bleed-through and paper texture are not ink. Dark scanner
// borders are found first (rows and columns that are mostly dark, from the edges inward) and
// nothing outside the paper counts as ink. Connected components of the ink are classified once: scanner borders (touching the
// image edge), punch holes (dark round blobs near an edge), dust specks (tiny), ruling lines
// (long and thin) and marks (everything else: text, stamps, handwriting, photos).
#include <vector>

#include <opencv2/core.hpp>

namespace xueji {

struct WorkImageParams {
  double dpi = 150;         // resolution of the analysis copy
  double ink_margin = 50;   // ink is at least this much darker than the paper (gray levels)
  double speck_mm = 0.5;    // components smaller than this (both sides) are dust
  double line_min_mm = 25;  // a ruling line is at least this long...
  double line_max_mm = 1.2; // ...and at most this thick
  double border_strip_mm = 20;  // scanner borders and shadows lie within this of the edge
};

enum class InkKind { Border, Hole, Speck, Line, Mark };

struct InkComponent {
  cv::Rect box;  // in work-image pixels
  int area = 0;
  InkKind kind = InkKind::Mark;
};

struct WorkImage {
  cv::Mat gray;    // 8-bit gray, downscaled
  cv::Mat normalized;  // gray divided by the local paper brightness (paper ~ 255)
  cv::Mat color;   // 8-bit BGR, downscaled (empty for gray input)
  cv::Mat labels;  // CV_32S component labels of `ink`
  cv::Mat ink;     // 255 where ink
  std::vector<InkComponent> components;  // index = label - 1
  double scale = 1;      // work = input * scale
  double dpi = 150;      // of the work image
  double paper = 255;    // paper gray level
  cv::Scalar paper_color;  // per channel (BGR, or gray in [0])
  cv::Rect paper_box;    // inside any dark scanner border (work pixels)
  cv::Size input_size;

  double px_per_mm() const { return dpi / 25.4; }
  cv::Rect to_input(const cv::Rect& r) const;  // work-image box -> input pixels (clamped)
};

WorkImage make_work_image(const cv::Mat& input, double input_dpi, const WorkImageParams& params = {});

}  // namespace xueji
