#include "archive/page_image.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "models/error.h"

namespace xueji {
namespace {

std::vector<uchar> encode_jpeg(const cv::Mat& m, int quality) {
  std::vector<uchar> out;
  if (!cv::imencode(".jpg", m, out, {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1, cv::IMWRITE_JPEG_PROGRESSIVE, 1}))
    throw Error(ErrorCode::Pdf, "PDF writer: cannot encode the page image as JPEG");
  return out;
}

// The busiest tiles of the page side by side: what JPEG artefacts would show on.
cv::Mat busy_mosaic(const cv::Mat& image, const JpegParams& p) {
  const int t = std::max(16, p.tile);
  if (image.cols < t || image.rows < t) return image;
  cv::Mat gray;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else gray = image;
  struct Tile { double score; cv::Rect r; };
  std::vector<Tile> tiles;
  for (int y = 0; y + t <= image.rows; y += t)
    for (int x = 0; x + t <= image.cols; x += t) {
      cv::Scalar mean, sd;
      cv::meanStdDev(gray(cv::Rect(x, y, t, t)), mean, sd);
      tiles.push_back({sd[0], cv::Rect(x, y, t, t)});
    }
  const size_t n = std::min<size_t>(tiles.size(), size_t(std::max(1, p.tiles)));
  std::partial_sort(tiles.begin(), tiles.begin() + long(n), tiles.end(),
                    [](const Tile& a, const Tile& b) { return a.score > b.score; });
  const int per_row = 4;
  const int rows = int((n + per_row - 1) / per_row);
  cv::Mat mosaic(rows * t, per_row * t, image.type(), cv::Scalar::all(255));
  for (size_t i = 0; i < n; ++i)
    image(tiles[i].r).copyTo(mosaic(cv::Rect(int(i % per_row) * t, int(i / per_row) * t, t, t)));
  return mosaic;
}

// PSNR of the luminance: JPEG's chroma subsampling halves colour resolution by design (red
// seal edges would never reach a full-colour target at any quality), the eye judges luma.
double luma_psnr(const cv::Mat& a, const cv::Mat& b) {
  if (a.channels() == 1) return cv::PSNR(a, b);
  cv::Mat ga, gb;
  cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  return cv::PSNR(ga, gb);
}

}  // namespace

double estimate_noise_sigma(const cv::Mat& image) {
  cv::Mat gray;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else gray = image;
  // A central crop is enough and keeps this cheap on large pages.
  const int w = std::min(gray.cols, 1024), h = std::min(gray.rows, 1024);
  const cv::Mat crop = gray(cv::Rect((gray.cols - w) / 2, (gray.rows - h) / 2, w, h));
  const cv::Matx33f kernel(1, -2, 1, -2, 4, -2, 1, -2, 1);
  cv::Mat response;
  cv::filter2D(crop, response, CV_32F, kernel);
  response = cv::abs(response);
  // Median of |response| through a histogram (values 0..4080).
  std::vector<int> hist(4081, 0);
  for (int y = 1; y + 1 < response.rows; ++y) {
    const float* r = response.ptr<float>(y);
    for (int x = 1; x + 1 < response.cols; ++x) ++hist[size_t(std::min(4080, int(r[x])))];
  }
  const long long total = static_cast<long long>(response.rows - 2) * (response.cols - 2);
  long long acc = 0;
  int median = 0;
  for (; median < 4080; ++median)
    if ((acc += hist[size_t(median)]) * 2 >= total) break;
  // For Gaussian noise the operator's output has sigma 6 sigma; median |X| = 0.6745 sigma_X.
  return median / (0.6745 * 6.0);
}

int choose_jpeg_quality(const cv::Mat& image, const JpegParams& p) {
  if (p.quality > 0) return std::clamp(p.quality, 1, 100);
  double target = p.target_psnr_db;
  const double noise = estimate_noise_sigma(image) * p.noise_fraction;
  if (noise > 0) target = std::min(target, 20 * std::log10(255.0 / noise));
  const cv::Mat mosaic = busy_mosaic(image, p);
  int lo = std::clamp(p.min_quality, 1, 100), hi = std::clamp(p.max_quality, lo, 100);
  // The lowest quality in [lo, hi] that reaches the target (hi when none does).
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    const cv::Mat back = cv::imdecode(encode_jpeg(mosaic, mid), cv::IMREAD_UNCHANGED);
    if (luma_psnr(mosaic, back) >= target) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

EncodedImage encode_page_image(const PageImage& page, const JpegParams& params) {
  const cv::Mat& m = page.pixels;
  if (m.empty() || m.depth() != CV_8U || (m.channels() != 1 && m.channels() != 3))
    throw Error(ErrorCode::Pdf, "PDF writer: the page image must be 8-bit gray or colour");
  EncodedImage e;
  e.width = m.cols;
  e.height = m.rows;
  if (!page.jpeg.empty()) {
    e.jpeg = page.jpeg;
    e.passed_through = true;
    return e;
  }
  if (page.bilevel) {
    cv::Mat gray;
    if (m.channels() == 3) cv::cvtColor(m, gray, cv::COLOR_BGR2GRAY);
    else gray = m;
    cv::Mat black;  // 255 where ink
    cv::threshold(gray, black, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    e.kind = EncodedImage::Kind::Bilevel;
    e.stride = (m.cols + 7) / 8;
    e.bits.assign(size_t(e.stride) * size_t(m.rows), 0);
    for (int y = 0; y < m.rows; ++y) {
      const uchar* src = black.ptr<uchar>(y);
      unsigned char* dst = e.bits.data() + size_t(y) * size_t(e.stride);
      for (int x = 0; x < m.cols; ++x)
        if (src[x]) dst[x >> 3] |= static_cast<unsigned char>(0x80 >> (x & 7));
    }
    return e;
  }
  e.quality = choose_jpeg_quality(m, params);
  const std::vector<uchar> jpeg = encode_jpeg(m, e.quality);
  e.jpeg.assign(jpeg.begin(), jpeg.end());
  return e;
}

}  // namespace xueji
