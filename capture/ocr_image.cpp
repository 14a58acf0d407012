#include "capture/ocr_image.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xueji {
namespace {

// Horizontal runs of at least `len` set pixels: the same as a morphological opening with a
// 1 x len rectangle, in one pass.
cv::Mat horizontal_runs(const cv::Mat& mask, int len) {
  cv::Mat out = cv::Mat::zeros(mask.size(), CV_8U);
  const int W = mask.cols;
  for (int y = 0; y < mask.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    uchar* o = out.ptr<uchar>(y);
    int x = 0;
    while (x < W) {
      while (x < W && !m[x]) ++x;
      const int start = x;
      while (x < W && m[x]) ++x;
      if (x - start >= len) std::memset(o + start, 255, static_cast<size_t>(x - start));
    }
  }
  return out;
}

// Vertical runs of at least `len`: row by row with a run counter per column (cache friendly,
// no transposes); a long run is written back when it ends.
cv::Mat vertical_runs(const cv::Mat& mask, int len) {
  cv::Mat out = cv::Mat::zeros(mask.size(), CV_8U);
  std::vector<int> run(static_cast<size_t>(mask.cols), 0);
  auto flush = [&](int x, int end_row) {
    for (int y = end_row - run[static_cast<size_t>(x)]; y < end_row; ++y) out.at<uchar>(y, x) = 255;
  };
  for (int y = 0; y < mask.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < mask.cols; ++x) {
      int& r = run[static_cast<size_t>(x)];
      if (m[x]) {
        ++r;
      } else if (r) {
        if (r >= len) flush(x, y);
        r = 0;
      }
    }
  }
  for (int x = 0; x < mask.cols; ++x)
    if (run[static_cast<size_t>(x)] >= len) flush(x, mask.rows);
  return out;
}

// Divides out uneven light (a lid shadow, a curled page): each pixel is scaled so that the
// local paper becomes white. `background` is the paper level at quarter size. Skipped when the
// paper is even (range below `min_range` gray levels), which is most pages.
void normalize_background(cv::Mat& gray, const cv::Mat& background, int min_range) {
  // Range between the 5th and 95th percentile: a thin strip of scanner border kept in the
  // margin does not count as uneven light.
  int hist[256] = {0};
  for (int y = 0; y < background.rows; ++y)
    for (int x = 0; x < background.cols; ++x) ++hist[background.at<uchar>(y, x)];
  const int total = background.rows * background.cols;
  int lo = 0, hi = 255, acc = 0;
  while (lo < 255 && (acc += hist[lo]) < total / 20) ++lo;
  acc = 0;
  while (hi > 0 && (acc += hist[hi]) < total / 20) --hi;
  if (hi - lo < min_range) return;
  uint32_t inv[256];
  for (int b = 0; b < 256; ++b) inv[b] = static_cast<uint32_t>(255.0 * 65536.0 / std::max(b, 16));
  std::vector<uint32_t> factor(static_cast<size_t>(gray.cols));
  for (int y = 0; y < gray.rows; ++y) {
    if (y % 4 == 0) {
      const uchar* bg = background.ptr<uchar>(std::min(y / 4, background.rows - 1));
      for (int x = 0; x < gray.cols; ++x) factor[static_cast<size_t>(x)] = inv[bg[std::min(x / 4, background.cols - 1)]];
    }
    uchar* g = gray.ptr<uchar>(y);
    const uint32_t* f = factor.data();
    for (int x = 0; x < gray.cols; ++x) {
      const uint32_t v = (g[x] * f[x]) >> 16;
      g[x] = static_cast<uchar>(v > 255 ? 255 : v);
    }
  }
}

int count_components(const cv::Mat& mask) {
  cv::Mat labels;
  return std::max(0, cv::connectedComponents(mask, labels, 8, CV_32S) - 1);
}

}  // namespace

cv::Mat make_ocr_image(const cv::Mat& master, double dpi, const OcrImageParams& params,
                       OcrImageReport* report) {
  cv::Mat gray;
  if (master.channels() == 1) gray = master.clone();
  else cv::cvtColor(master, gray, cv::COLOR_BGR2GRAY);
  if (!params.remove_lines) return gray;

  // Ruling lines are found at half resolution (a quarter of the pixels, half the kernel
  // length): dark pixels relative to the local background, opened with long thin kernels.
  cv::Mat half, ink;
  cv::resize(gray, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  const int block = std::max(15, static_cast<int>(dpi / 12) | 1);
  cv::adaptiveThreshold(half, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 15);
  const int len = std::max(10, static_cast<int>(params.min_line_length_in * dpi / 2));
  const cv::Mat horiz = horizontal_runs(ink, len), vert = vertical_runs(ink, len);
  if (report) {
    report->horizontal_lines = count_components(horiz);
    report->vertical_lines = count_components(vert);
  }
  cv::Mat half_lines = horiz | vert;
  cv::dilate(half_lines, half_lines, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  // Paint the lines with the local paper colour, taken from a blurred quarter-size copy without
  // ink; only the line pixels are touched (the background varies slowly).
  cv::Mat background;
  cv::resize(half, background, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  cv::dilate(background, background, cv::getStructuringElement(cv::MORPH_RECT, {7, 7}));
  cv::blur(background, background, {9, 9});
  for (int y = 0; y < half_lines.rows; ++y) {
    const uchar* l = half_lines.ptr<uchar>(y);
    const uchar* bg = background.ptr<uchar>(std::min(y / 2, background.rows - 1));
    for (int x = 0; x < half_lines.cols; ++x) {
      if (!l[x]) continue;
      const uchar v = bg[std::min(x / 2, background.cols - 1)];
      for (int dy = 0; dy < 2 && 2 * y + dy < gray.rows; ++dy) {
        uchar* g = gray.ptr<uchar>(2 * y + dy);
        for (int dx = 0; dx < 2 && 2 * x + dx < gray.cols; ++dx) g[2 * x + dx] = v;
      }
    }
  }
  if (params.faint_contrast > 0) {
    // Faded ink: the paper divided out everywhere, the paper's grain smoothed (a stretch would
    // amplify it into specks the layout pass takes for text), what is barely darker than paper
    // made paper, and the rest stretched. Only this OCR copy changes; the master stays as scanned.
    normalize_background(gray, background, 0);
    cv::medianBlur(gray, gray, 3);
    const double dead = params.faint_deadzone * params.faint_contrast;
    const double k = std::clamp(params.target_contrast / (params.faint_contrast - dead), 1.0, 8.0);
    cv::Mat lut(1, 256, CV_8U);
    for (int v = 0; v < 256; ++v) lut.at<uchar>(v) = cv::saturate_cast<uchar>(255.0 - std::max(0.0, 255.0 - v - dead) * k);
    cv::LUT(gray, lut, gray);
  } else {
    normalize_background(gray, background, params.normalize_min_range);
  }
  return gray;
}

}  // namespace xueji
