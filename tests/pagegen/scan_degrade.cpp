#include "tests/pagegen/scan_degrade.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace xueji::testing {
namespace {

double uniform(std::mt19937& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
int randint(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// A photocopy of the page (gray, at the page's own resolution): toner fills in the strokes and
// drops light tones, the copy paper is grey, specks of toner lie around, and the copier lid's
// shadow darkens one edge.
cv::Mat photocopy(const cv::Mat& gray_page, double dpi, std::mt19937& rng) {
  const double px_mm = dpi / 25.4;
  cv::Mat m;
  cv::GaussianBlur(gray_page, m, cv::Size(), 0.25 * px_mm);
  const double lo = uniform(rng, 40, 80), hi = uniform(rng, 170, 215);  // levels: contrast raised
  const double cast = uniform(rng, 205, 232);                           // the copy's "white"
  cv::Mat lut(1, 256, CV_8U);
  for (int v = 0; v < 256; ++v) {
    const double t = std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
    lut.at<uchar>(v) = cv::saturate_cast<uchar>(8 + t * (cast - 8));
  }
  cv::LUT(m, lut, m);
  // Toner specks and a few short streaks.
  const int specks = static_cast<int>(uniform(rng, 300, 1500) * m.total() / (2480.0 * 3508.0));
  for (int i = 0; i < specks; ++i) {
    const cv::Point c(randint(rng, 0, m.cols - 1), randint(rng, 0, m.rows - 1));
    const int r = std::max(1, static_cast<int>(std::lround(uniform(rng, 0.04, 0.18) * px_mm)));
    cv::circle(m, c, r, cv::Scalar(randint(rng, 15, 90)), cv::FILLED, cv::LINE_AA);
  }
  for (int i = randint(rng, 0, 3); i > 0; --i) {
    const int x = randint(rng, 0, m.cols - 1), y = randint(rng, 0, m.rows - 1);
    const int len = static_cast<int>(uniform(rng, 5, 40) * px_mm);
    cv::line(m, {x, y}, {x + randint(rng, -2, 2), std::min(m.rows - 1, y + len)}, cv::Scalar(randint(rng, 60, 140)), 1,
             cv::LINE_AA);
  }
  // The dark edge: a band along one side, darkest at the paper's edge.
  const int side = randint(rng, 0, 3);
  const int band = std::max(2, static_cast<int>(uniform(rng, 2, 8) * px_mm));
  const double dark = uniform(rng, 25, 80);
  for (int k = 0; k < band; ++k) {
    const double f = std::pow(1.0 - static_cast<double>(k) / band, 1.5);  // 1 at the edge
    cv::Mat line = side == 0 ? m.row(k) : side == 1 ? m.row(m.rows - 1 - k) : side == 2 ? m.col(k) : m.col(m.cols - 1 - k);
    cv::Mat shaded;
    line.convertTo(shaded, CV_8U, 1.0 - f * (1.0 - dark / cast), 0);
    shaded.copyTo(line);
  }
  return m;
}

}  // namespace

ScanDegradation random_scan_degradation(unsigned seed, double in_dpi, double out_dpi, bool photocopy, bool gray) {
  std::mt19937 rng(seed * 2654435761u + 17);
  ScanDegradation d;
  d.seed = seed;
  d.orientation = 90 * randint(rng, 0, 3);
  d.skew_deg = uniform(rng, -4, 4);
  d.in_dpi = in_dpi;
  d.out_dpi = out_dpi;
  d.blur_sigma = uniform(rng, 0.3, 1.1);
  d.noise_sigma = uniform(rng, 2, 10);
  d.jpeg_quality = randint(rng, 0, 1) ? randint(rng, 55, 90) : 0;
  d.photocopy = photocopy;
  d.gray = gray;
  return d;
}

cv::Mat degrade_scan(const cv::Mat& page, const ScanDegradation& d) {
  if (page.empty() || page.depth() != CV_8U || (page.channels() != 1 && page.channels() != 3))
    throw std::invalid_argument("degrade_scan: an 8-bit gray or BGR image is needed");
  if (d.in_dpi <= 0 || d.out_dpi <= 0) throw std::invalid_argument("degrade_scan: dpi must be positive");
  if (d.orientation % 90 != 0) throw std::invalid_argument("degrade_scan: orientation must be 0, 90, 180 or 270");
  std::mt19937 rng(d.seed * 40503u + 7);
  // A gray page stays gray until the end (a quarter of the work at 600 dpi), then gets the
  // colour scan's faint warm tint.
  cv::Mat m;
  if (d.photocopy) {
    cv::Mat gray = page;
    if (page.channels() == 3) cv::cvtColor(page, gray, cv::COLOR_BGR2GRAY);
    m = photocopy(gray, d.in_dpi, rng);
  } else if (d.gray && page.channels() == 3) {
    cv::cvtColor(page, m, cv::COLOR_BGR2GRAY);
  } else {
    m = page.clone();
  }
  const double blue = uniform(rng, 0.90, 0.97);
  // Skew about the centre (the scanner's background is light, like the lid), then orientation.
  const cv::Scalar fill = m.channels() == 1 ? cv::Scalar(235) : cv::Scalar(228, 235, 238);
  if (d.skew_deg != 0) {
    const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(m.cols / 2.f, m.rows / 2.f), d.skew_deg, 1.0);
    cv::warpAffine(m, m, r, m.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, fill);
  }
  const int turn = ((d.orientation % 360) + 360) % 360;
  if (turn) cv::rotate(m, m, turn == 90 ? cv::ROTATE_90_CLOCKWISE : turn == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
  if (d.out_dpi != d.in_dpi) {
    const double f = d.out_dpi / d.in_dpi;
    cv::resize(m, m, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  }
  if (d.blur_sigma > 0) cv::GaussianBlur(m, m, cv::Size(), d.blur_sigma);
  if (d.noise_sigma > 0) {
    cv::Mat noise(m.size(), CV_16SC(m.channels()));
    cv::RNG cv_rng(d.seed * 69069u + 1);
    cv_rng.fill(noise, cv::RNG::NORMAL, 0, d.noise_sigma);
    cv::add(m, noise, m, cv::noArray(), CV_8U);
  }
  if (!d.gray && m.channels() == 1) {
    cv::Mat b;
    m.convertTo(b, CV_8U, blue);
    cv::merge(std::vector<cv::Mat>{b, m, m}, m);
  }
  if (d.jpeg_quality > 0) {
    std::vector<uchar> buf;
    cv::imencode(".jpg", m, buf, {cv::IMWRITE_JPEG_QUALITY, d.jpeg_quality});
    m = cv::imdecode(buf, d.gray ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  }
  return m;
}

nlohmann::json to_json(const ScanDegradation& d) {
  return {{"seed", d.seed},           {"orientation", d.orientation}, {"skew_deg", d.skew_deg},
          {"in_dpi", d.in_dpi},       {"dpi", d.out_dpi},             {"blur_sigma", d.blur_sigma},
          {"noise_sigma", d.noise_sigma}, {"jpeg_quality", d.jpeg_quality}, {"photocopy", d.photocopy},
          {"gray", d.gray}};
}

}  // namespace xueji::testing
