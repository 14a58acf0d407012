#include "ocr/box_snap.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace xueji {
namespace {

// The candidate edge nearest `x` within `tol`; `x` itself when there is none.
int nearest(const std::vector<int>& edges, int x, int tol) {
  int best = x, dist = tol + 1;
  for (int e : edges)
    if (std::abs(e - x) < dist) dist = std::abs(e - x), best = e;
  return best;
}

}  // namespace

void snap_boxes_to_ink(OcrPage& page, const cv::Mat& ink) {
  const cv::Rect bounds(0, 0, ink.cols, ink.rows);
  for (OcrLine& line : page.lines) {
    const cv::Rect lb = cv::Rect(line.box.x, line.box.y, line.box.w, line.box.h) & bounds;
    if (lb.empty()) continue;
    // Ink per column of the line, and where ink starts and ends between clear columns.
    std::vector<int> column(static_cast<size_t>(lb.width), 0);
    for (int y = lb.y; y < lb.y + lb.height; ++y) {
      const uchar* p = ink.ptr<uchar>(y) + lb.x;
      for (int x = 0; x < lb.width; ++x) column[static_cast<size_t>(x)] += p[x] != 0;
    }
    std::vector<int> starts, ends;  // page x of the first / one past the last ink column of a run
    for (int x = 0; x < lb.width; ++x) {
      const bool on = column[static_cast<size_t>(x)] > 0;
      const bool before = x > 0 && column[static_cast<size_t>(x - 1)] > 0;
      const bool after = x + 1 < lb.width && column[static_cast<size_t>(x + 1)] > 0;
      if (on && !before) starts.push_back(lb.x + x);
      if (on && !after) ends.push_back(lb.x + x + 1);
    }
    if (starts.empty()) continue;
    const int tol = std::max(2, lb.height / 2);
    for (OcrWord& w : line.words) {
      const int left = nearest(starts, w.box.x, tol);
      int right = nearest(ends, left + w.box.w, tol);
      if (right <= left) right = std::max(left + 1, w.box.x + w.box.w);
      // Top and bottom: the ink rows between the new edges, within the line.
      const cv::Rect cols = cv::Rect(left, lb.y, right - left, lb.height) & bounds;
      if (cols.empty()) continue;
      int top = -1, bottom = -1;
      for (int y = cols.y; y < cols.y + cols.height; ++y)
        if (cv::countNonZero(ink(cv::Rect(cols.x, y, cols.width, 1))) > 0) {
          if (top < 0) top = y;
          bottom = y + 1;
        }
      if (top < 0) continue;  // nothing there: keep Tesseract's box
      w.box = Box{cols.x, top, cols.width, bottom - top};
    }
  }
}

}  // namespace xueji
