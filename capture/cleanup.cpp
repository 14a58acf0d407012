#include "capture/cleanup.h"

#include <cmath>


namespace xueji {

CleanedPage clean_page(const cv::Mat& input, double dpi, const CleanupParams& params) {
  CleanedPage out;
  out.report.skew = estimate_skew(input, params.deskew);
  const SkewReport& s = out.report.skew;
  out.report.skew_corrected = s.confidence >= params.deskew.min_confidence &&
                              std::abs(s.angle_deg) >= params.deskew.fine_step_deg;
  out.master = out.report.skew_corrected
                   ? rotate_page(input, s.angle_deg, estimate_paper_color(input))
                   : input.clone();
  out.report.confidence = s.confidence;
  out.ocr_image = make_ocr_image(out.master, dpi, params.ocr_image);
  return out;
}

}  // namespace xueji
