#include "capture/deskew.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xueji {
namespace {

cv::Mat to_gray(const cv::Mat& m) {
  if (m.channels() == 1) return m;
  cv::Mat g;
  cv::cvtColor(m, g, m.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return g;
}

struct Points {
  std::vector<float> x, y;
};

Points dark_points(const cv::Mat& gray_small) {
  // Ink is what Otsu separates from the paper, but never less than a clear margin darker than
  // the paper: faint bleed-through and paper texture are not content.
  cv::Mat bw;
  const double otsu = cv::threshold(gray_small, bw, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const double paper = estimate_paper_color(gray_small)[0];
  const double level = std::min(otsu, paper - 50.0);
  cv::threshold(gray_small, bw, level, 255, cv::THRESH_BINARY_INV);
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(bw, labels, stats, centroids, 8, CV_32S);
  const int W = bw.cols, H = bw.rows;
  std::vector<uint8_t> keep(static_cast<size_t>(n), 1);
  keep[0] = 0;
  for (int i = 1; i < n; ++i) {
    int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
    int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    bool touches_edge = x <= 0 || y <= 0 || x + w >= W || y + h >= H;
    bool huge = w > W * 0.9 && h > H * 0.9;  // page frame or a dark background
    if (touches_edge || huge) keep[static_cast<size_t>(i)] = 0;
  }
  Points p;
  for (int y = 0; y < H; ++y) {
    const int* lr = labels.ptr<int>(y);
    for (int x = 0; x < W; ++x)
      if (keep[static_cast<size_t>(lr[x])]) {
        p.x.push_back(static_cast<float>(x));
        p.y.push_back(static_cast<float>(y));
      }
  }
  // Keep the work bounded on dense pages.
  const size_t kMax = 400000;
  if (p.x.size() > kMax) {
    size_t step = p.x.size() / kMax + 1;
    Points s;
    for (size_t i = 0; i < p.x.size(); i += step) {
      s.x.push_back(p.x[i]);
      s.y.push_back(p.y[i]);
    }
    return s;
  }
  return p;
}

double profile_score(const Points& p, double angle_deg, int diag, std::vector<int>& hist) {
  const double a = angle_deg * CV_PI / 180.0;
  const float s = static_cast<float>(std::sin(a)), c = static_cast<float>(std::cos(a));
  hist.assign(static_cast<size_t>(2 * diag + 1), 0);
  for (size_t i = 0; i < p.x.size(); ++i) {
    int r = static_cast<int>(std::lround(p.y[i] * c + p.x[i] * s)) + diag;
    ++hist[static_cast<size_t>(r)];
  }
  double score = 0;
  for (int v : hist) score += static_cast<double>(v) * v;
  return score;
}

}  // namespace

cv::Scalar estimate_paper_color(const cv::Mat& image) {
  cv::Mat small;
  double f = std::min(1.0, 400.0 / std::max(image.cols, image.rows));
  cv::resize(image, small, cv::Size(), f, f, cv::INTER_AREA);
  std::vector<cv::Mat> ch;
  cv::split(small, ch);
  cv::Scalar out;
  for (size_t k = 0; k < ch.size() && k < 4; ++k) {
    std::vector<uchar> v(ch[k].begin<uchar>(), ch[k].end<uchar>());
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    out[static_cast<int>(k)] = v[v.size() / 2];
  }
  return out;
}

SkewReport estimate_skew(const cv::Mat& image, const DeskewParams& params) {
  SkewReport report;
  cv::Mat gray = to_gray(image);
  const double f = std::min(1.0, double(params.work_size) / std::max(gray.cols, gray.rows));
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), f, f, cv::INTER_AREA);
  Points pts = dark_points(small);
  report.samples = static_cast<int>(pts.x.size());
  if (pts.x.size() < 200) return report;  // blank or nearly blank: nothing to measure

  const int diag = static_cast<int>(std::ceil(std::hypot(small.cols, small.rows))) + 2;
  std::vector<int> hist;
  std::vector<double> coarse;
  double best = -1, best_angle = 0;
  for (double a = -params.max_angle_deg; a <= params.max_angle_deg + 1e-9;
       a += params.coarse_step_deg) {
    double s = profile_score(pts, a, diag, hist);
    coarse.push_back(s);
    if (s > best) {
      best = s;
      best_angle = a;
    }
  }
  const double lo = best_angle - params.coarse_step_deg, hi = best_angle + params.coarse_step_deg;
  for (double a = lo; a <= hi + 1e-9; a += params.fine_step_deg) {
    double s = profile_score(pts, a, diag, hist);
    if (s > best) {
      best = s;
      best_angle = a;
    }
  }
  std::vector<double> sorted = coarse;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2),
                   sorted.end());
  const double median = sorted[sorted.size() / 2];
  report.angle_deg = std::round(best_angle * 100.0) / 100.0;
  report.confidence = std::clamp(1.0 - median / best, 0.0, 1.0);
  return report;
}

cv::Mat rotate_page(const cv::Mat& image, double angle_deg, const cv::Scalar& fill) {
  if (std::abs(angle_deg) < 1e-6) return image.clone();
  const cv::Point2f centre(image.cols / 2.0f, image.rows / 2.0f);
  cv::Mat m = cv::getRotationMatrix2D(centre, -angle_deg, 1.0);
  const double a = std::abs(angle_deg) * CV_PI / 180.0;
  const int w = static_cast<int>(std::ceil(image.cols * std::cos(a) + image.rows * std::sin(a)));
  const int h = static_cast<int>(std::ceil(image.cols * std::sin(a) + image.rows * std::cos(a)));
  m.at<double>(0, 2) += (w - image.cols) / 2.0;
  m.at<double>(1, 2) += (h - image.rows) / 2.0;
  cv::Mat out;
  cv::warpAffine(image, out, m, cv::Size(w, h), cv::INTER_CUBIC, cv::BORDER_CONSTANT, fill);
  return out;
}

}  // namespace xueji
