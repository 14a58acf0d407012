#include "capture/deskew.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xueji {

std::vector<cv::Point2f> ink_points(const WorkImage& work, bool marks, bool lines,
                                    size_t max_points) {
  std::vector<uint8_t> keep(work.components.size() + 1, 0);
  size_t total = 0;
  for (size_t i = 0; i < work.components.size(); ++i) {
    const InkKind k = work.components[i].kind;
    if ((marks && k == InkKind::Mark) || (lines && k == InkKind::Line)) {
      keep[i + 1] = 1;
      total += static_cast<size_t>(work.components[i].area);
    }
  }
  const size_t step = total > max_points ? total / max_points + 1 : 1;
  std::vector<cv::Point2f> pts;
  pts.reserve(total / step + 1);
  size_t counter = 0;
  for (int y = 0; y < work.labels.rows; ++y) {
    const int* row = work.labels.ptr<int>(y);
    for (int x = 0; x < work.labels.cols; ++x)
      if (keep[static_cast<size_t>(row[x])] && (counter++ % step) == 0)
        pts.emplace_back(static_cast<float>(x), static_cast<float>(y));
  }
  return pts;
}

double profile_score(const std::vector<cv::Point2f>& pts, double angle_deg, double bin) {
  if (pts.empty()) return 0;
  const double a = angle_deg * CV_PI / 180.0;
  const float s = static_cast<float>(std::sin(a) / bin), c = static_cast<float>(std::cos(a) / bin);
  float lo = 1e9f, hi = -1e9f;
  for (const auto& p : pts) {
    const float r = p.y * c + p.x * s;
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  std::vector<int> hist(static_cast<size_t>(hi - lo) + 3, 0);
  for (const auto& p : pts) ++hist[static_cast<size_t>(p.y * c + p.x * s - lo + 0.5f)];
  double score = 0;
  for (int v : hist) score += static_cast<double>(v) * v;
  return score / static_cast<double>(pts.size());
}

SkewReport estimate_skew(const WorkImage& work, const DeskewParams& params) {
  SkewReport report;
  const std::vector<cv::Point2f> pts = ink_points(work, true, true, 150000);
  report.samples = static_cast<int>(pts.size());
  if (pts.size() < 200) return report;  // blank or nearly blank: nothing to measure

  // Coarse search on a subsample with 2-pixel bins, for horizontal lines (around 0) and
  // vertical lines (around 90: a page scanned sideways); the angle is reported relative to the
  // winning family.
  std::vector<cv::Point2f> sub;
  const size_t step = std::max<size_t>(1, pts.size() / 25000);
  for (size_t i = 0; i < pts.size(); i += step) sub.push_back(pts[i]);
  std::vector<double> coarse;
  double best = -1, best_angle = 0;
  for (double base : {0.0, 90.0})
    for (double a = -params.max_angle_deg; a <= params.max_angle_deg + 1e-9; a += params.coarse_step_deg) {
      const double s = profile_score(sub, base + a, 2.0);
      coarse.push_back(s);
      if (s > best) {
        best = s;
        best_angle = base + a;
      }
    }
  std::vector<double> sorted = coarse;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const double coarse_best = best;

  // Fine search on all points, then a parabola through the peak and its neighbours.
  const double f = params.fine_step_deg;
  const int n = static_cast<int>(std::round(params.coarse_step_deg / f));
  std::vector<double> fine;
  int best_i = 0;
  best = -1;
  for (int i = -n; i <= n; ++i) {
    const double s = profile_score(pts, best_angle + i * f);
    fine.push_back(s);
    if (s > best) {
      best = s;
      best_i = i + n;
    }
  }
  double angle = best_angle + (best_i - n) * f;
  if (best_i > 0 && best_i + 1 < static_cast<int>(fine.size())) {
    const double y0 = fine[static_cast<size_t>(best_i - 1)], y1 = fine[static_cast<size_t>(best_i)],
                 y2 = fine[static_cast<size_t>(best_i + 1)];
    const double denom = y0 - 2 * y1 + y2;
    if (denom < 0) angle += f * 0.5 * (y0 - y2) / denom;
  }
  report.vertical_lines = angle > 45;
  if (report.vertical_lines) angle -= 90;
  report.angle_deg = std::round(angle * 1000.0) / 1000.0;
  report.confidence = std::clamp(1.0 - median / coarse_best, 0.0, 1.0);
  return report;
}

SkewReport estimate_skew(const cv::Mat& image, const DeskewParams& params) {
  return estimate_skew(make_work_image(image, 300), params);
}

cv::Matx23d rotation_into(const cv::Size& size, double angle_deg, const cv::Rect& target) {
  const cv::Point2f centre(size.width / 2.0f, size.height / 2.0f);
  cv::Matx23d m(cv::getRotationMatrix2D(centre, -angle_deg, 1.0));
  m(0, 2) -= target.x;
  m(1, 2) -= target.y;
  return m;
}

cv::Rect rotated_bounds(const cv::Size& size, double angle_deg) {
  const double a = std::abs(angle_deg) * CV_PI / 180.0;
  const int w = static_cast<int>(std::ceil(size.width * std::cos(a) + size.height * std::sin(a)));
  const int h = static_cast<int>(std::ceil(size.width * std::sin(a) + size.height * std::cos(a)));
  return cv::Rect((size.width - w) / 2, (size.height - h) / 2, w, h);
}

cv::Mat rotate_page(const cv::Mat& image, double angle_deg, const cv::Scalar& fill, const cv::Rect& target) {
  cv::Mat out;
  cv::warpAffine(image, out, cv::Mat(rotation_into(image.size(), angle_deg, target)), target.size(),
                 cv::INTER_LINEAR, cv::BORDER_CONSTANT, fill);
  return out;
}

}  // namespace xueji
