#pragma once
// Skew estimation and correction.
//
// Design notes: the angle is found by projection profiles. Ink pixels of the analysis copy
// (scanner borders, punch holes and dust left out; text, rules and stamps kept) are projected
// onto the axis normal to a candidate text direction; text lines and ruled table lines give
// the sharpest profile (largest sum of squared bin counts) at the true angle. A coarse search
// over the whole range on a subsample is refined around the best angle in fine steps on all
// points, and a parabola through the best fine step and its neighbours gives the sub-step
// angle. Convention: skew_deg > 0 means the content appears rotated counter-clockwise on
// screen; correcting turns the image clockwise by that angle.
#include <opencv2/core.hpp>

#include "capture/work_image.h"

namespace xueji {

struct DeskewParams {
  double max_angle_deg = 20;    // search range +-
  double coarse_step_deg = 0.5;
  double fine_step_deg = 0.05;
  double min_confidence = 0.15; // below this the page is left as it is
};

struct SkewReport {
  double angle_deg = 0;
  double confidence = 0;  // 0..1: how much sharper the best profile is than a typical angle
  int samples = 0;        // ink pixels used
  bool vertical_lines = false;  // the sharpest lines run vertically (page turned 90 or 270)
};

SkewReport estimate_skew(const WorkImage& work, const DeskewParams& params = {});
// Convenience for a whole image at 300 dpi.
SkewReport estimate_skew(const cv::Mat& image, const DeskewParams& params = {});

// Deskew rotation: by -angle_deg (clockwise for positive angles) around the image centre.
// `target` is the output canvas in the frame where the unrotated image lies at (0, 0, w, h):
// the image's own rectangle keeps its size, rotated_bounds() holds the whole rotated page.
// Uncovered areas are filled with `fill` (the paper colour).
cv::Matx23d rotation_into(const cv::Size& size, double angle_deg, const cv::Rect& target);
cv::Rect rotated_bounds(const cv::Size& size, double angle_deg);
cv::Mat rotate_page(const cv::Mat& image, double angle_deg, const cv::Scalar& fill, const cv::Rect& target);

// Profile sharpness of points (x, y) projected at `angle_deg` (bins of `bin` pixels), divided
// by the number of points: shared by skew and orientation analysis.
double profile_score(const std::vector<cv::Point2f>& pts, double angle_deg, double bin = 1.0);

// Points of the ink components of the given kinds (work-image pixels).
std::vector<cv::Point2f> ink_points(const WorkImage& work, bool marks, bool lines,
                                    size_t max_points = 400000);

}  // namespace xueji
