#include "capture/cleanup.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace xueji {

CleanedPage clean_page(const cv::Mat& input, const CleanupParams& params) {
  CleanedPage out;
  out.report.skew = estimate_skew(input, params.deskew);
  const SkewReport& s = out.report.skew;
  out.report.skew_corrected = s.confidence >= params.deskew.min_confidence &&
                              std::abs(s.angle_deg) >= params.deskew.fine_step_deg;
  out.master = out.report.skew_corrected
                   ? rotate_page(input, s.angle_deg, estimate_paper_color(input))
                   : input.clone();
  out.report.confidence = s.confidence;
  if (out.master.channels() == 1) {
    out.ocr_image = out.master;
  } else {
    cv::cvtColor(out.master, out.ocr_image, cv::COLOR_BGR2GRAY);
  }
  return out;
}

}  // namespace xueji
