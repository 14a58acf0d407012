#pragma once
// Skew estimation and correction.
//
// Design notes: the angle is found by projection profiles. Dark pixels of a downscaled,
// binarized copy (components touching the image edge — scanner borders — left out) are
// projected onto the axis normal to a candidate text direction; text lines and ruled table
// lines give the sharpest profile (largest sum of squared bin counts) at the true angle.
// A coarse search over the whole range is refined around the best angle in fine steps.
// Convention: skew_deg > 0 means the content appears rotated counter-clockwise on screen;
// correcting turns the image clockwise by that angle.
#include <opencv2/core.hpp>

namespace xueji {

struct DeskewParams {
  double max_angle_deg = 20;    // search range +-
  double coarse_step_deg = 0.5;
  double fine_step_deg = 0.05;
  int work_size = 1600;         // longest side of the analysis copy, pixels
  double min_confidence = 0.15; // below this the page is left as it is
};

struct SkewReport {
  double angle_deg = 0;
  double confidence = 0;  // 0..1: how much sharper the best profile is than a typical angle
  int samples = 0;        // dark pixels used
};

SkewReport estimate_skew(const cv::Mat& image, const DeskewParams& params = {});

// Rotates by -angle_deg (clockwise for positive angles) around the centre onto a canvas that
// holds the whole rotated page; uncovered areas are filled with `fill` (the paper colour).
cv::Mat rotate_page(const cv::Mat& image, double angle_deg, const cv::Scalar& fill);

// The paper colour: per-channel median of a downscaled copy.
cv::Scalar estimate_paper_color(const cv::Mat& image);

}  // namespace xueji
