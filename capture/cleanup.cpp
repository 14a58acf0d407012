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

// The OCR source of a page with a seal: its red channel, where red seal ink is nearly as bright
// as paper and black text stays dark, with every clearly red pixel (red above both green and
// blue by `chroma`) made paper: a dark red seal is still dark in the red channel, and its
// characters would be read. Black print under the seal is not red and stays.
// The red mask is opened (3 x 3): a one-pixel red fringe on black text is no seal. The pixels
// become the paper's red level, not white, so the background stays even.
cv::Mat drop_red_ink(const cv::Mat& bgr, double chroma, double paper_red) {
  std::vector<cv::Mat> ch;
  cv::split(bgr, ch);
  cv::Mat red = ch[2] - cv::max(ch[0], ch[1]);  // saturating
  cv::Mat mask = red >= chroma;
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  cv::Mat out = ch[2];
  out.setTo(cv::saturate_cast<uchar>(paper_red), mask);
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
  if (out.master.channels() == 3 && out.analysis.color.seal) ocr_source = drop_red_ink(out.master, params.seal_red_chroma, out.analysis.paper_color[2]);
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
