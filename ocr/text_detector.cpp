#include "ocr/text_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "models/error.h"
#include "ocr/dnn_layers.h"
#include "ocr/ppocr_lines.h"

namespace xueji {
namespace {

std::filesystem::path det_file(const std::filesystem::path& dir) { return dir / "ppocr-v4" / "det.onnx"; }


// The contrast of a region: its 95th minus its 5th percentile gray level.
double region_contrast(const cv::Mat& gray) {
  int hist[256] = {0};
  for (int y = 0; y < gray.rows; ++y) {
    const uchar* p = gray.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; ++x) ++hist[p[x]];
  }
  const double n = double(gray.total());
  int lo = 0, hi = 255;
  for (double s = 0; lo < 255 && (s += hist[lo]) < 0.05 * n;) ++lo;
  for (double s = 0; hi > 0 && (s += hist[hi]) < 0.05 * n;) --hi;
  return std::max(0, hi - lo);
}

}  // namespace

// Regions far fainter than the page's own print are not its text: what is left of a red seal
// in the OCR image (its red ink made light), the other side shining through. On a faded page
// all print is faint alike, and it stays.
std::vector<TextRegion> drop_faint_regions(const cv::Mat& gray, const std::vector<TextRegion>& regions) {
  const cv::Rect page(0, 0, gray.cols, gray.rows);
  std::vector<double> contrast;
  for (const TextRegion& r : regions) {
    const cv::Rect b = r.box & page;
    contrast.push_back(b.area() ? region_contrast(gray(b)) : 0.0);
  }
  if (contrast.size() < 3) return regions;
  std::vector<double> sorted = contrast;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
  const double median = sorted[sorted.size() / 2];
  std::vector<TextRegion> out;
  for (size_t i = 0; i < regions.size(); ++i)
    if (contrast[i] >= 0.4 * median) out.push_back(regions[i]);
  return out;
}

// Ink inside the detector's text regions, each thresholded on its own (Otsu): a region holds
// text, so its darker class is ink whatever the page's contrast (faded ink on grey paper, where
// one threshold for the whole page finds none).
cv::Mat region_ink(const cv::Mat& gray, const std::vector<TextRegion>& regions) {
  cv::Mat ink = cv::Mat::zeros(gray.size(), CV_8U);
  const cv::Rect page(0, 0, gray.cols, gray.rows);
  for (const TextRegion& r : regions) {
    const cv::Rect b = r.box & page;
    if (b.width < 2 || b.height < 2) continue;
    double lo = 0, hi = 0;
    cv::minMaxLoc(gray(b), &lo, &hi);
    if (hi - lo < 12) continue;  // no contrast at all: nothing to read
    cv::Mat m;
    cv::threshold(gray(b), m, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::Mat dst = ink(b);
    cv::bitwise_or(dst, m, dst);
  }
  return ink;
}

// The angle of a rotated rectangle's long side, counter-clockwise on screen positive, in (-90, 90].
double long_side_angle(const cv::RotatedRect& r) {
  cv::Point2f p[4];
  r.points(p);
  cv::Point2f a = p[1] - p[0], b = p[2] - p[1];
  cv::Point2f d = a.x * a.x + a.y * a.y >= b.x * b.x + b.y * b.y ? a : b;
  if (d.x < 0 || (d.x == 0 && d.y > 0)) d = -d;
  return std::atan2(-d.y, d.x) * 180.0 / M_PI;
}

bool TextDetector::available(const std::filesystem::path& model_dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(det_file(model_dir), ec);
}

TextDetector::TextDetector(const std::filesystem::path& model_dir) : file_(det_file(model_dir)) {
  if (!available(model_dir))
    throw Error(ErrorCode::Ocr, "missing PP-OCR model file " + file_.string() +
                                    " (run scripts/install-models.sh (part of scripts/install-deps.sh) as root, "
                                    "or set XUEJI_MODEL_DIR)");
  register_dnn_layers();
  net_for(0, 0);  // a graph that can't be read fails here, before any page
}

cv::dnn::Net& TextDetector::net_for(int h, int w) {
  auto it = nets_.find({h, w});
  if (it != nets_.end()) return it->second;
  if (auto unused = nets_.find({0, 0}); unused != nets_.end() && h != 0) {  // loaded, never run: any shape
    cv::dnn::Net net = std::move(unused->second);
    nets_.erase(unused);
    return nets_.emplace(std::make_pair(h, w), std::move(net)).first->second;
  }
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(file_.string());
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Ocr, "cannot read the PP-OCR detector " + file_.string() + ": " + e.what());
  }
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return nets_.emplace(std::make_pair(h, w), std::move(net)).first->second;
}

std::vector<DetectedText> TextDetector::detect(const cv::Mat& page, const TextDetectorParams& p) {
  std::vector<DetectedText> out;
  if (page.empty() || page.depth() != CV_8U) return out;
  const bool portrait = page.rows >= page.cols;
  const int H = portrait ? p.long_side : p.short_side, W = portrait ? p.short_side : p.long_side;
  const double scale = std::min(double(H) / page.rows, double(W) / page.cols);
  const int w = std::clamp(static_cast<int>(std::lround(page.cols * scale)), 1, W);
  const int h = std::clamp(static_cast<int>(std::lround(page.rows * scale)), 1, H);
  cv::Mat small;
  cv::resize(page, small, cv::Size(w, h), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  if (small.channels() == 1) cv::cvtColor(small, small, cv::COLOR_GRAY2BGR);
  // NCHW, (v / 255 - mean) / std per channel in the image's (BGR) order, as PaddleOCR feeds it;
  // the canvas beyond the page is paper white.
  cv::Mat& blob = blobs_[{H, W}];
  const int sizes[] = {1, 3, H, W};
  if (blob.empty()) blob.create(4, sizes, CV_32F);
  const double mean[3] = {0.485, 0.456, 0.406}, stdev[3] = {0.229, 0.224, 0.225};
  std::vector<cv::Mat> channels;
  cv::split(small, channels);
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(H, W, CV_32F, blob.ptr<float>(0, c));
    plane.setTo(cv::Scalar((1.0 - mean[c]) / stdev[c]));
    channels[c].convertTo(plane(cv::Rect(0, 0, w, h)), CV_32F, 1.0 / (255.0 * stdev[c]), -mean[c] / stdev[c]);
  }
  cv::Mat prob;
  try {
    cv::dnn::Net& net = net_for(H, W);
    net.setInput(blob);
    const cv::Mat o = net.forward();
    prob = cv::Mat(o.size[2], o.size[3], CV_32F, const_cast<float*>(o.ptr<float>()))(cv::Rect(0, 0, w, h));
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Ocr, std::string("PP-OCR text detection failed: ") + e.what());
  }
  cv::Mat mask = prob > p.bin_threshold;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const double sx = double(page.cols) / w, sy = double(page.rows) / h;
  const cv::Rect whole(0, 0, page.cols, page.rows);
  for (const auto& c : contours) {
    const cv::Rect r = cv::boundingRect(c);
    if (std::min(r.width, r.height) < p.min_side) continue;
    cv::Mat region = cv::Mat::zeros(r.size(), CV_8U);
    std::vector<std::vector<cv::Point>> one{c};
    cv::drawContours(region, one, 0, cv::Scalar(255), cv::FILLED, cv::LINE_8, cv::noArray(), INT_MAX, -r.tl());
    const float score = static_cast<float>(cv::mean(prob(r), region)[0]);
    if (score < p.box_threshold) continue;
    cv::RotatedRect rr = cv::minAreaRect(c);
    const double area = double(rr.size.width) * rr.size.height, perimeter = 2.0 * (rr.size.width + rr.size.height);
    if (perimeter <= 0) continue;
    const double d = area * p.unclip_ratio / perimeter;
    rr.size.width += static_cast<float>(2 * d);
    rr.size.height += static_cast<float>(2 * d);
    // to page pixels (the two axes scale alike up to the rounding to 32)
    cv::Point2f pts[4];
    rr.points(pts);
    std::vector<cv::Point2f> mapped;
    for (const cv::Point2f& q : pts) mapped.emplace_back(static_cast<float>(q.x * sx), static_cast<float>(q.y * sy));
    DetectedText t;
    t.box = cv::minAreaRect(mapped);
    t.bounds = cv::boundingRect(mapped) & whole;
    t.score = score;
    if (t.bounds.width > 1 && t.bounds.height > 1) out.push_back(t);
  }
  return out;
}

}  // namespace xueji
