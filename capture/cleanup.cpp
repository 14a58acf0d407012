#include "capture/cleanup.h"

#include <chrono>

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xueji {
namespace {

cv::Rect expand(const cv::Rect& r, int by, const cv::Size& limit) {
  return cv::Rect(r.x - by, r.y - by, r.width + 2 * by, r.height + 2 * by) &
         cv::Rect(0, 0, limit.width, limit.height);
}

int rotate_code_to_upright(int orientation) {
  // The scan is the upright page turned clockwise by `orientation`: turn it back.
  switch (orientation) {
    case 90: return cv::ROTATE_90_COUNTERCLOCKWISE;
    case 180: return cv::ROTATE_180;
    case 270: return cv::ROTATE_90_CLOCKWISE;
  }
  return -1;
}

cv::Rect rotate_rect_to_upright(const cv::Rect& r, int orientation, const cv::Size& s) {
  switch (orientation) {
    case 90: return cv::Rect(r.y, s.width - r.x - r.width, r.height, r.width);
    case 180: return cv::Rect(s.width - r.x - r.width, s.height - r.y - r.height, r.width, r.height);
    case 270: return cv::Rect(s.height - r.y - r.height, r.x, r.height, r.width);
  }
  return r;
}

}  // namespace

namespace {

cv::Matx33d to3(const cv::Matx23d& m) {
  return {m(0, 0), m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2), 0, 0, 1};
}

// The quarter turn done by cv::rotate with `code` on an image of size `s`, as an affine map.
cv::Matx33d quarter_turn(int code, const cv::Size& s) {
  const double w = s.width - 1, h = s.height - 1;
  switch (code) {
    case cv::ROTATE_90_COUNTERCLOCKWISE: return {0, 1, 0, -1, 0, w, 0, 0, 1};
    case cv::ROTATE_180: return {-1, 0, w, 0, -1, h, 0, 0, 1};
    case cv::ROTATE_90_CLOCKWISE: return {0, -1, h, 1, 0, 0, 0, 0, 1};
  }
  return cv::Matx33d::eye();
}

}  // namespace

cv::Mat make_master(const cv::Mat& input, double dpi, const PageAnalysis& a,
                    const CleanupParams& params, bool* skew_corrected, cv::Matx23d* input_to_master) {
  const double px_per_mm = dpi / 25.4;
  cv::Matx33d map = cv::Matx33d::eye();  // input pixels -> master pixels, built step by step
  auto report = [&] {
    if (input_to_master) *input_to_master = cv::Matx23d(map(0, 0), map(0, 1), map(0, 2), map(1, 0), map(1, 1), map(1, 2));
  };
  // 1. Crop to the paper, keeping a margin of what lies outside it.
  const cv::Rect paper = expand(a.boxes.paper, static_cast<int>(params.margin_mm * px_per_mm), input.size());
  cv::Mat m = input(paper);
  map = cv::Matx33d(1, 0, -paper.x, 0, 1, -paper.y, 0, 0, 1);
  cv::Rect content = a.boxes.content.area() ? (a.boxes.content - paper.tl()) & cv::Rect(0, 0, m.cols, m.rows)
                                            : cv::Rect();
  // 2. Upright (exact quarter turns).
  const int code = rotate_code_to_upright(a.orientation.orientation);
  if (code >= 0) {
    content = rotate_rect_to_upright(content, a.orientation.orientation, m.size());
    map = quarter_turn(code, m.size()) * map;
    cv::Mat r;
    cv::rotate(m, r, code);
    m = r;
  }
  // 3. Deskew around the centre; the canvas keeps its size unless content would be cut.
  const bool rotate = !a.boxes.blank && a.skew.confidence >= params.analyze.deskew.min_confidence &&
                      std::abs(a.skew.angle_deg) >= 0.02;
  if (skew_corrected) *skew_corrected = rotate;
  if (!rotate) {
    report();
    return code >= 0 ? m : m.clone();
  }
  // Where the content box's corners land.
  cv::Rect target(0, 0, m.cols, m.rows);
  if (content.area()) {
    std::vector<cv::Point2f> corners = {content.tl(), {float(content.br().x), float(content.y)},
                                        {float(content.x), float(content.br().y)}, content.br()};
    cv::transform(corners, corners, cv::Mat(rotation_into(m.size(), a.skew.angle_deg, cv::Rect())));
    const cv::Rect moved = cv::boundingRect(corners);
    const int margin = static_cast<int>(params.content_margin_mm * px_per_mm);
    target |= cv::Rect(moved.x - margin, moved.y - margin, moved.width + 2 * margin, moved.height + 2 * margin);
  }
  map = to3(rotation_into(m.size(), a.skew.angle_deg, target)) * map;
  report();
  return rotate_page(m, a.skew.angle_deg, a.paper_color, target);
}

namespace {

// The OCR source of a page with a seal: the print with the seal's ink taken out of it.
//
// Design notes: seal ink lies over the print like a coloured filter (multiplied): per channel c,
// value = paper_c * (1 - a * (1 - t_c)) * (1 - k), where a is how much seal ink covers the
// pixel (0..1, also the soft edges of its strokes), t_c the seal ink's transmittance (its colour
// over the paper's, measured on the page: the median of its clearly red pixels, so a faded seal
// has its own, paler t) and k the print's coverage (black or gray ink takes the same share of
// every channel). Red and green give two equations: their ratio q = x_r / x_g (x = value over
// paper) fixes a = (q - 1) / (q (1 - t_g) - (1 - t_r)), then 1 - k = x_r / (1 - a (1 - t_r)).
// Where no seal lies, q = 1 and a = 0: the red channel as it is (blue ink stays dark, its q
// is below 1). Where print lies under the seal, it stays as dark as it is; where the seal
// alone lies, also at its soft edges, paper. Dropping clearly red pixels only (the earlier
// way) left each seal stroke's outline and its text's outlines in the OCR image, read on
// stress pages as stray strokes beside the characters under the seal. (Also making paper of
// what stays faint beside the strokes, JPEG's smeared colour, was tried: no gain over 122
// sealed stress pages, and it thinned faint print crossing the ring.)
cv::Mat unmix_seal(const cv::Mat& bgr, const cv::Scalar& paper, double chroma) {
  std::vector<cv::Mat> ch;
  cv::split(bgr, ch);
  cv::Mat red = ch[2] - cv::max(ch[0], ch[1]);  // saturating
  cv::Mat mask = red >= chroma;
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  // the seal ink's colour: the median of its clearly red pixels, per channel
  auto median_of = [&](const cv::Mat& c) {
    int hist[256] = {0}, n = 0;
    for (int y = 0; y < c.rows; ++y) {
      const uchar* v = c.ptr<uchar>(y);
      const uchar* m = mask.ptr<uchar>(y);
      for (int x = 0; x < c.cols; ++x)
        if (m[x]) ++hist[v[x]], ++n;
    }
    int v = 0;
    for (int acc = 0; v < 255 && (acc += hist[v]) <= n / 2;) ++v;
    return std::make_pair(v, n);
  };
  const auto [seal_r, n] = median_of(ch[2]);
  const int seal_g = median_of(ch[1]).first;
  const double pr = std::max(1.0, paper[2]), pg = std::max(1.0, paper[1]);
  const double tr = std::clamp(seal_r / pr, 0.0, 1.0), tg = std::clamp(seal_g / pg, 0.0, 1.0);
  cv::Mat out = ch[2].clone();
  // Too little seal ink to measure, or hardly redder than the paper: the red channel with the
  // clearly red pixels made paper. (Unmixing down to t_r - t_g = 0.03 was tried: on faded sealed
  // stress pages whose red mask also took paper and print, it washed out the print: 59 errors
  // against 10 on four pages.)
  if (n < 50 || tr - tg < 0.1) {
    out.setTo(cv::saturate_cast<uchar>(paper[2]), mask);
    return out;
  }
  // per (red, green) pair the answer is the same: a table over green, a row per red value
  std::vector<uchar> table(256 * 256);
  for (int r = 0; r < 256; ++r)
    for (int g = 0; g < 256; ++g) {
      const double xr = std::min(1.0, r / pr), xg = std::min(1.0, g / pg);
      double a = 0;
      const double q = xr / std::max(xg, 0.02);  // above 1 where red passes and green does not: seal ink
      if (q > 1) a = std::clamp((q - 1) / (q * (1 - tg) - (1 - tr)), 0.0, 1.0);
      const double print = std::min(1.0, xr / (1 - a * (1 - tr)));
      table[static_cast<size_t>(r) * 256 + static_cast<size_t>(g)] = cv::saturate_cast<uchar>(print * pr);
    }
  for (int y = 0; y < out.rows; ++y) {
    const uchar* r = ch[2].ptr<uchar>(y);
    const uchar* g = ch[1].ptr<uchar>(y);
    uchar* o = out.ptr<uchar>(y);
    for (int x = 0; x < out.cols; ++x) o[x] = table[static_cast<size_t>(r[x]) * 256 + g[x]];
  }
  return out;
}

}  // namespace

CleanedPage clean_page(const cv::Mat& input, double dpi, const CleanupParams& params) {
  return clean_page_with(input, dpi, analyze_page(input, dpi, params.analyze), params);
}

CleanedPage clean_page_with(const cv::Mat& input, double dpi, PageAnalysis analysis,
                            const CleanupParams& params) {
  CleanedPage out;
  out.analysis = std::move(analysis);
  out.master = make_master(input, dpi, out.analysis, params, &out.skew_corrected, &out.input_to_master);
  out.stored_mode = out.analysis.color.mode == ColorMode::Color ? ColorMode::Color : ColorMode::Gray;
  if (out.master.channels() == 3 && out.stored_mode != ColorMode::Color) {
    cv::Mat gray;
    cv::cvtColor(out.master, gray, cv::COLOR_BGR2GRAY);
    out.master = gray;
  }
  const auto t0 = std::chrono::steady_clock::now();
  cv::Mat ocr_source = out.master;
  if (out.master.channels() == 3 && out.analysis.color.seal) {
    const PageBoxes& b = out.analysis.boxes;
    const double chroma = paper_red_excess(out.analysis.paper_color) +
                          seal_red_threshold(params.seal_red_chroma, b.print_contrast, params.analyze.color);
    ocr_source = unmix_seal(out.master, out.analysis.paper_color, chroma);
  }
  OcrImageParams ocr_params = params.ocr_image;
  if (out.analysis.boxes.faint) ocr_params.faint_contrast = out.analysis.boxes.ink_contrast;
  out.ocr_image = make_ocr_image(ocr_source, dpi, ocr_params);
  // Punch holes stay in the master (DA/T 31-2017) but are no text: Tesseract's layout pass
  // reads them as a ● and makes a line as tall as the hole.
  for (const cv::Rect& h : out.analysis.boxes.holes) {
    const int m = std::max(2, h.width / 6);
    std::vector<cv::Point2f> c = {{float(h.x - m), float(h.y - m)}, {float(h.br().x + m), float(h.y - m)},
                                  {float(h.br().x + m), float(h.br().y + m)}, {float(h.x - m), float(h.br().y + m)}};
    cv::transform(c, c, cv::Mat(out.input_to_master));
    std::vector<cv::Point> poly(c.begin(), c.end());
    cv::fillConvexPoly(out.ocr_image, poly, cv::Scalar(255));
  }
  // The margin kept around the paper (scanner background) carries no text: blank it in the
  // OCR image, where Tesseract would read the dark strip as 丨, 和 or |. So does the paper's
  // outermost millimetre, where the edge's shadow lies (measured: read as | on bordered scans).
  const int edge = static_cast<int>(std::lround(dpi / 25.4));
  cv::Rect p = out.analysis.boxes.paper;
  if (p.width > 4 * edge && p.height > 4 * edge) p = cv::Rect(p.x + edge, p.y + edge, p.width - 2 * edge, p.height - 2 * edge);
  if (p.area() > 0) {
    std::vector<cv::Point2f> corners = {p.tl(), {float(p.br().x), float(p.y)}, p.br(), {float(p.x), float(p.br().y)}};
    cv::transform(corners, corners, cv::Mat(out.input_to_master));
    // The outside is four quadrilaterals between the image edges and the paper's edges.
    const int W = out.ocr_image.cols, H = out.ocr_image.rows;
    const cv::Point img[4] = {{0, 0}, {W, 0}, {W, H}, {0, H}};
    std::vector<std::vector<cv::Point>> outside;
    for (int i = 0; i < 4; ++i) {
      const int j = (i + 1) % 4;
      outside.push_back({img[i], img[j], cv::Point(corners[static_cast<size_t>(j)]), cv::Point(corners[static_cast<size_t>(i)])});
    }
    cv::fillPoly(out.ocr_image, outside, cv::Scalar(255));
  }
  out.ocr_image_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace xueji
