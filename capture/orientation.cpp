#include "capture/orientation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "capture/deskew.h"

namespace xueji {
namespace {

struct Band {
  int top, bottom;  // bins, inclusive
};

// Text-line bands of points (already in upright-candidate coordinates).
std::vector<Band> line_bands(const std::vector<cv::Point2f>& pts, int height, std::vector<int>& hist) {
  hist.assign(static_cast<size_t>(height) + 2, 0);
  for (const auto& p : pts) {
    const int y = static_cast<int>(p.y);
    if (y >= 0 && y < height) ++hist[static_cast<size_t>(y)];
  }
  int peak = *std::max_element(hist.begin(), hist.end());
  const int threshold = std::max(1, peak / 20);
  std::vector<Band> bands;
  int start = -1;
  for (int y = 0; y < static_cast<int>(hist.size()); ++y) {
    const bool on = hist[static_cast<size_t>(y)] >= threshold;
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      if (y - start >= 3) bands.push_back({start, y - 1});
      start = -1;
    }
  }
  return bands;
}

}  // namespace

OrientationReport estimate_orientation(const WorkImage& work, double skew_deg) {
  OrientationReport r;
  // Text marks only: centres and sizes of Mark components, with the skew removed.
  const double a = skew_deg * CV_PI / 180.0;
  const double ca = std::cos(a), sa = std::sin(a);
  const double cx = work.ink.cols / 2.0, cy = work.ink.rows / 2.0;
  auto unskew = [&](double x, double y) {
    // Rotate by -skew (clockwise on screen) around the centre: the inverse of the skew.
    const double dx = x - cx, dy = y - cy;
    return cv::Point2f(static_cast<float>(cx + dx * ca - dy * sa), static_cast<float>(cy + dx * sa + dy * ca));
  };
  std::vector<cv::Point2f> pts = ink_points(work, true, false, 200000);
  if (pts.size() < 200) return r;
  for (auto& p : pts) p = unskew(p.x, p.y);
  const double row_score = profile_score(pts, 0);
  const double col_score = profile_score(pts, 90);
  r.line_ratio = row_score / std::max(1e-9, col_score);
  const bool vertical_lines = r.line_ratio < 1.0;

  // Candidate upright frames: for horizontal lines 0 or 180, for vertical lines 90 or 270.
  // Map points so that lines run horizontally with the candidate "0 or 90" reading up.
  const int W = work.ink.cols, H = work.ink.rows;
  struct Mark {
    cv::Point2f c;
    float w, h;
  };
  std::vector<Mark> marks;
  for (const InkComponent& c : work.components) {
    if (c.kind != InkKind::Mark) continue;
    cv::Point2f centre = unskew(c.box.x + c.box.width / 2.0, c.box.y + c.box.height / 2.0);
    float w = static_cast<float>(c.box.width), h = static_cast<float>(c.box.height);
    if (vertical_lines) {  // candidate 90: the upright page was turned clockwise; undo it
      centre = cv::Point2f(centre.y, static_cast<float>(W) - centre.x);
      std::swap(w, h);
    }
    marks.push_back({centre, w, h});
  }
  if (vertical_lines)
    for (auto& p : pts) p = cv::Point2f(p.y, static_cast<float>(W) - p.x);
  const int height = vertical_lines ? W : H;
  std::vector<int> hist;
  const std::vector<Band> bands = line_bands(pts, height, hist);
  if (bands.empty()) return r;

  // Median line height.
  std::vector<int> heights;
  for (const Band& b : bands) heights.push_back(b.bottom - b.top + 1);
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2), heights.end());
  const double line_h = heights[heights.size() / 2];

  // Segments of each text line (runs of marks separated by gaps wider than a character):
  // their left and right edges. Chinese forms and prose are left-aligned (cell labels and
  // values, paragraph starts) and ragged on the right; upside down it is the other way round.
  std::vector<std::vector<std::pair<float, float>>> per_band(bands.size());
  for (const Mark& m : marks) {
    const int y = static_cast<int>(m.c.y);
    for (size_t b = 0; b < bands.size(); ++b)
      if (y >= bands[b].top && y <= bands[b].bottom) {
        per_band[b].push_back({m.c.x - m.w / 2, m.c.x + m.w / 2});
        break;
      }
  }
  std::vector<float> lefts, rights;
  const float gap = static_cast<float>(1.2 * line_h);
  for (auto& items : per_band) {
    if (items.empty()) continue;
    std::sort(items.begin(), items.end());
    float seg_l = items[0].first, seg_r = items[0].second;
    for (size_t i = 1; i <= items.size(); ++i) {
      if (i == items.size() || items[i].first - seg_r > gap) {
        if (seg_r - seg_l > line_h) {  // at least a character wide
          lefts.push_back(seg_l);
          rights.push_back(seg_r);
        }
        if (i < items.size()) {
          seg_l = items[i].first;
          seg_r = items[i].second;
        }
      } else {
        seg_r = std::max(seg_r, items[i].second);
      }
    }
  }
  const float tol = static_cast<float>(std::max(2.0, 0.6 * work.px_per_mm()));
  auto aligned = [tol](std::vector<float> v) {
    std::sort(v.begin(), v.end());
    int count = 0;  // edges that have another edge within the tolerance
    for (size_t i = 0; i < v.size(); ++i)
      if ((i > 0 && v[i] - v[i - 1] <= tol) || (i + 1 < v.size() && v[i + 1] - v[i] <= tol)) ++count;
    return count;
  };
  r.left_aligned = aligned(lefts);    // evidence for upright
  r.right_aligned = aligned(rights);  // evidence for upside down
  const int votes = r.left_aligned - r.right_aligned;
  const int total = r.left_aligned + r.right_aligned;
  const double evidence = total > 0 ? double(votes) / total * std::min(1.0, total / 10.0) : 0.0;
  const bool upside_down = evidence < 0;
  r.orientation = vertical_lines ? (upside_down ? 270 : 90) : (upside_down ? 180 : 0);
  const double direction_conf = std::min(1.0, std::abs(std::log(r.line_ratio)) / 0.3);
  r.confidence = std::clamp(std::min(direction_conf, std::abs(evidence)), 0.0, 1.0);
  return r;
}

}  // namespace xueji
