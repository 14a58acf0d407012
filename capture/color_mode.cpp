#include "capture/color_mode.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace xueji {

const char* to_string(ColorMode m) {
  switch (m) {
    case ColorMode::Color: return "color";
    case ColorMode::Gray: return "gray";
    case ColorMode::Bilevel: return "bw";
  }
  return "gray";
}

double seal_red_threshold(double chroma, double print_contrast, const ColorParams& params) {
  return chroma * std::clamp(print_contrast / params.full_print_contrast, params.min_faded_scale, 1.0);
}

double paper_red_excess(const cv::Scalar& paper_bgr) {
  return std::max(0.0, paper_bgr[2] - std::max(paper_bgr[0], paper_bgr[1]));
}

ColorReport analyze_color(const WorkImage& work, const ColorParams& params) {
  ColorReport r;
  // Colour is judged at half the analysis resolution: seals and coloured marks are large.
  const double f = 0.5;
  const double mm = work.px_per_mm() * f, mm2 = mm * mm;
  if (!work.color.empty()) {
    cv::Mat color;
    cv::resize(work.color, color, cv::Size(), f, f, cv::INTER_AREA);
    cv::Mat colored(color.size(), CV_8U), red(color.size(), CV_8U);
    // Red ink is judged against the paper: on a dim scan a seal's red channel is dim too.
    const int red_min = static_cast<int>(std::lround(params.red_min_of_paper * work.paper));
    const int red_chroma = static_cast<int>(std::lround(
        paper_red_excess(work.paper_color) + seal_red_threshold(params.red_chroma_min, work.print_contrast, params)));
    for (int y = 0; y < color.rows; ++y) {
      const cv::Vec3b* p = color.ptr<cv::Vec3b>(y);
      uchar* c = colored.ptr<uchar>(y);
      uchar* rd = red.ptr<uchar>(y);
      for (int x = 0; x < color.cols; ++x) {
        const int b = p[x][0], g = p[x][1], rr = p[x][2];
        const int mx = std::max({b, g, rr}), mn = std::min({b, g, rr});
        c[x] = (mx - mn) >= params.chroma_min ? 255 : 0;
        rd[x] = (rr - std::max(g, b)) >= red_chroma && rr > red_min ? 255 : 0;
      }
    }
    // Ignore isolated coloured pixels (noise, JPEG fringes around black text) in the colour
    // area; the red mask keeps thin strokes (seal rings) and is judged by group size below.
    const cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT, {3, 3});
    cv::morphologyEx(colored, colored, cv::MORPH_OPEN, k);
    r.colored_area_mm2 = cv::countNonZero(colored) / mm2;
    r.red_area_mm2 = cv::countNonZero(red) / mm2;
    cv::Mat red_open;
    cv::morphologyEx(red, red_open, cv::MORPH_OPEN, k);
    r.colored_area_mm2 = std::max(r.colored_area_mm2, cv::countNonZero(red_open) / mm2);

    // A seal: a roughly round red group (ring, star and text joined by closing).
    cv::Mat joined;
    const int close = std::max(3, static_cast<int>(2 * mm) | 1);
    cv::morphologyEx(red, joined, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_ELLIPSE, {close, close}));
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(joined, labels, stats, centroids, 8, CV_32S);
    double best = 0;
    for (int i = 1; i < n; ++i) {
      const double w = stats.at<int>(i, cv::CC_STAT_WIDTH) / mm, h = stats.at<int>(i, cv::CC_STAT_HEIGHT) / mm;
      const double aspect = std::max(w, h) / std::max(1e-6, std::min(w, h));
      if (w < params.seal_min_mm || h < params.seal_min_mm || w > params.seal_max_mm ||
          h > params.seal_max_mm || aspect > params.seal_max_aspect)
        continue;
      const double area = stats.at<int>(i, cv::CC_STAT_AREA);
      if (area > best) {
        best = area;
        r.seal = true;
        const cv::Rect b(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                         stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        r.seal_box = work.to_input(cv::Rect(static_cast<int>(b.x / f), static_cast<int>(b.y / f),
                                            static_cast<int>(b.width / f), static_cast<int>(b.height / f)));
      }
    }
  }
  if (r.seal || r.colored_area_mm2 >= params.color_min_area_mm2) {
    r.mode = ColorMode::Color;
    r.confidence = r.seal ? 1.0 : std::clamp(r.colored_area_mm2 / (4 * params.color_min_area_mm2), 0.5, 1.0);
    return r;
  }
  // Monochrome: bilevel only for clean pages (even paper, crisp ink with few mid-tones).
  cv::Mat paper_mask, mid_mask;
  cv::compare(work.gray, work.paper - 25, paper_mask, cv::CMP_GT);
  cv::Scalar mean, stddev;
  cv::meanStdDev(work.gray, mean, stddev, paper_mask);
  cv::inRange(work.gray, cv::Scalar(60), cv::Scalar(std::max(61.0, work.paper - 60)), mid_mask);
  const double ink = std::max(1, cv::countNonZero(work.ink));
  const double mid_ratio = cv::countNonZero(mid_mask) / ink;
  const bool clean = stddev[0] < 6 && mid_ratio < 0.6;
  r.mode = clean ? ColorMode::Bilevel : ColorMode::Gray;
  r.confidence = clean ? std::clamp(1.0 - mid_ratio, 0.3, 1.0) : std::clamp(std::max(stddev[0] / 12, mid_ratio), 0.3, 1.0);
  return r;
}

}  // namespace xueji
