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
// A page with hardly any ink at that margin is looked at again for faded ink (see
// WorkImageParams): text whose strokes are only 15-45 % as dark as usual is still text, while
// bleed-through and paper texture stay below the faded-ink contrast.
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
  // Faded ink: a page with less mark area than this at the usual contrast is searched for
  // marks at least `faint_margin` darker than the paper; when at least `faint_min_marks`
  // text-sized ones reach `faint_min_contrast` at their darkest (median), they are the ink.
  double faint_check_area_mm2 = 40;
  double faint_margin = 14;
  double faint_min_contrast = 32;
  int faint_min_marks = 12;
  // Fainter still (an overexposed scan, pencil-light ink): marks down to `sharp_min_contrast`
  // count as ink when their edges are sharp, the steepest step at their edge at least
  // `sharp_min_edge` of their contrast per pixel (median over the marks). Bleed-through from
  // the other side is blurred by the paper and has soft edges.
  double sharp_min_contrast = 18;
  double sharp_min_edge = 0.35;
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
  bool faint = false;        // the ink was found at the faded-ink contrast
  double ink_contrast = 0;   // gray levels between the paper and what counts as ink's core
  double print_contrast = 0; // gray levels between the paper and the darkest 5 % of the ink (255 without ink)

  double px_per_mm() const { return dpi / 25.4; }
  cv::Rect to_input(const cv::Rect& r) const;  // work-image box -> input pixels (clamped)
};

WorkImage make_work_image(const cv::Mat& input, double input_dpi, const WorkImageParams& params = {});

}  // namespace xueji
