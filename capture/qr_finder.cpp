#include "capture/qr_finder.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xueji {
namespace {

struct Pattern {
  cv::Point2f centre;
  double side = 0;
};

double dist(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

// The dark component of contour `i` is a finder pattern: squarish, one hole of about 25/49 of
// its area, and in the hole a centred dark square of about 9/49.
bool finder_like(int i, const std::vector<std::vector<cv::Point>>& contours, const std::vector<cv::Vec4i>& tree,
                 double min_px, Pattern& out) {
  const double area = cv::contourArea(contours[i]);
  if (area < min_px * min_px) return false;
  const cv::RotatedRect box = cv::minAreaRect(contours[i]);
  const double w = box.size.width, h = box.size.height;
  if (w <= 0 || h <= 0 || std::max(w, h) / std::min(w, h) > 1.4 || area < 0.7 * w * h) return false;
  const int hole = tree[i][2];
  if (hole < 0 || tree[hole][0] >= 0) return false;  // exactly one hole
  const double hole_share = cv::contourArea(contours[hole]) / area;
  if (hole_share < 0.25 || hole_share > 0.75) return false;
  // The largest dark component in the hole (noise may add specks beside it).
  int core = -1;
  double core_area = 0;
  for (int c = tree[hole][2]; c >= 0; c = tree[c][0]) {
    const double a = cv::contourArea(contours[c]);
    if (a > core_area) core = c, core_area = a;
  }
  if (core < 0 || core_area / area < 0.08 || core_area / area > 0.35) return false;
  const cv::Moments m = cv::moments(contours[core]);
  if (m.m00 <= 0) return false;
  const cv::Point2f core_centre(static_cast<float>(m.m10 / m.m00), static_cast<float>(m.m01 / m.m00));
  const double side = std::sqrt(area);
  if (dist(core_centre, box.center) > 0.15 * side) return false;
  out = {box.center, side};
  return true;
}

int quarter_turn(cv::Point2f from, cv::Point2f to) {
  const double a = std::atan2(to.y - from.y, to.x - from.x) * 180.0 / M_PI;
  const int q = static_cast<int>(std::lround(a / 90.0));
  return ((q % 4) + 4) % 4 * 90;
}

}  // namespace

QrFinderGuess find_qr_finder_triangle(const cv::Mat& gray, double min_pattern_px) {
  QrFinderGuess guess;
  if (gray.empty() || gray.type() != CV_8UC1) return guess;
  cv::Mat dark;
  const int block = std::max(15, static_cast<int>(min_pattern_px * 1.5) | 1);
  cv::adaptiveThreshold(gray, dark, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 12);
  cv::medianBlur(dark, dark, 3);
  std::vector<std::vector<cv::Point>> contours;
  std::vector<cv::Vec4i> tree;
  cv::findContours(dark, contours, tree, cv::RETR_TREE, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Pattern> patterns;
  for (int i = 0; i < static_cast<int>(contours.size()); ++i) {
    Pattern p;
    if (finder_like(i, contours, tree, min_pattern_px, p)) patterns.push_back(p);
  }
  if (patterns.size() < 3) return guess;
  std::sort(patterns.begin(), patterns.end(), [](const Pattern& a, const Pattern& b) { return a.side > b.side; });
  if (patterns.size() > 40) patterns.resize(40);
  for (size_t i = 0; i < patterns.size(); ++i)
    for (size_t j = i + 1; j < patterns.size(); ++j)
      for (size_t k = j + 1; k < patterns.size(); ++k) {
        const Pattern* p[3] = {&patterns[i], &patterns[j], &patterns[k]};
        const double big = std::max({p[0]->side, p[1]->side, p[2]->side});
        const double small = std::min({p[0]->side, p[1]->side, p[2]->side});
        if (big > 1.5 * small) continue;
        const double side = (p[0]->side + p[1]->side + p[2]->side) / 3;
        for (int c = 0; c < 3; ++c) {  // p[c] at the right angle: the symbol's top-left corner
          const Pattern& tl = *p[c];
          const Pattern& u = *p[(c + 1) % 3];
          const Pattern& v = *p[(c + 2) % 3];
          const double a = dist(tl.centre, u.centre), b = dist(tl.centre, v.centre);
          if (std::abs(a - b) > 0.2 * std::max(a, b)) continue;
          const double leg = (a + b) / 2;
          if (leg < 1.8 * side || leg > 7.5 * side) continue;
          const cv::Point2f du = u.centre - tl.centre, dv = v.centre - tl.centre;
          const double cosine = (du.x * dv.x + du.y * dv.y) / (a * b);
          if (std::abs(cosine) > 0.26) continue;  // 75-105 degrees
          // Image y points down: on an upright symbol top-right x bottom-left > 0.
          const bool u_is_right = du.x * dv.y - du.y * dv.x > 0;
          guess.found = true;
          guess.symbol_side = leg + side;
          guess.orientation = quarter_turn(tl.centre, u_is_right ? u.centre : v.centre);
          return guess;
        }
      }
  return guess;
}

}  // namespace xueji
