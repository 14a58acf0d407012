#include "capture/work_image.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace xueji {
namespace {

double median_level(const cv::Mat& gray) {
  int hist[256] = {0};
  for (int y = 0; y < gray.rows; y += 2) {
    const uchar* row = gray.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; x += 2) ++hist[row[x]];
  }
  int total = 0;
  for (int v : hist) total += v;
  int acc = 0;
  for (int i = 0; i < 256; ++i) {
    acc += hist[i];
    if (acc * 2 >= total) return i;
  }
  return 255;
}

// Upper part of the histogram: the paper, even on pages with dark scanner borders.
double paper_level(const cv::Mat& gray) {
  const double med = median_level(gray);
  cv::Mat bright;
  cv::compare(gray, std::max(0.0, med - 60), bright, cv::CMP_GT);
  return cv::mean(gray, bright)[0];
}

// Labels the ink (darker than `level` in the normalized copy, inside the paper) and classifies
// its connected components.
void label_ink(WorkImage& w, double level, const WorkImageParams& params) {
  cv::threshold(w.normalized, w.ink, level, 255, cv::THRESH_BINARY_INV);
  // Nothing outside the paper is ink of the document.
  cv::Mat outside(w.ink.size(), CV_8U, cv::Scalar(255));
  outside(w.paper_box).setTo(0);
  w.ink.setTo(0, outside);

  cv::Mat stats, centroids;
  const int n = cv::connectedComponentsWithStats(w.ink, w.labels, stats, centroids, 8, CV_32S);
  const double mm = w.px_per_mm();
  const cv::Rect& P = w.paper_box;
  // Pixels of each component within the edge strip: a scanner border lies along the edge,
  // while a skewed table or text line that merely reaches the edge lies mostly inside.
  const int strip = static_cast<int>(params.border_strip_mm * mm);
  std::vector<int> in_strip(static_cast<size_t>(n), 0);
  for (int y = P.y; y < P.br().y; ++y) {
    const int* row = w.labels.ptr<int>(y);
    const bool row_in = y < P.y + strip || y >= P.br().y - strip;
    for (int x = P.x; x < P.br().x; ++x)
      if (row[x] && (row_in || x < P.x + strip || x >= P.br().x - strip)) ++in_strip[static_cast<size_t>(row[x])];
  }
  w.components.resize(static_cast<size_t>(std::max(0, n - 1)));
  for (int i = 1; i < n; ++i) {
    InkComponent& c = w.components[static_cast<size_t>(i - 1)];
    c.box = cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    c.area = stats.at<int>(i, cv::CC_STAT_AREA);
    const double bw = c.box.width / mm, bh = c.box.height / mm;
    const bool edge = c.box.x <= P.x || c.box.y <= P.y || c.box.br().x >= P.br().x || c.box.br().y >= P.br().y;
    const double fill = double(c.area) / std::max(1, c.box.area());
    const double edge_dist_mm =
        std::min({c.box.x - P.x, c.box.y - P.y, P.br().x - c.box.br().x, P.br().y - c.box.br().y}) / mm;
    if (edge && in_strip[static_cast<size_t>(i)] > 0.8 * c.area) c.kind = InkKind::Border;
    else if (bw < params.speck_mm && bh < params.speck_mm) c.kind = InkKind::Speck;
    else if (bw >= 4 && bw <= 10 && bh >= 4 && bh <= 10 && std::abs(bw - bh) < 1.5 && fill > 0.7 &&
             edge_dist_mm < 25)
      c.kind = InkKind::Hole;
    else if ((bw >= params.line_min_mm && bh <= params.line_max_mm) ||
             (bh >= params.line_min_mm && bw <= params.line_max_mm) ||
             (bw >= 40 && bh >= 15 && fill < 0.15))  // a ruled table grid
      c.kind = InkKind::Line;
    else c.kind = InkKind::Mark;
  }
}

double mark_area_mm2(const WorkImage& w) {
  double area = 0;
  for (const InkComponent& c : w.components)
    if (c.kind == InkKind::Mark) area += c.area;
  return area / (w.px_per_mm() * w.px_per_mm());
}

// Faded ink: on a page with almost no ink at the usual contrast, marks that are text-sized
// and whose darkest core is at least `faint_min_contrast` below the paper. Returns the median
// core contrast of those marks (0: none, or too few to be text). Bleed-through from the other
// side is blurred by the paper and stays fainter than that; paper texture and noise make no
// text-sized marks once lightly smoothed.
double faint_ink_contrast(const WorkImage& w, const WorkImageParams& params) {
  cv::Mat smooth, faint;
  cv::GaussianBlur(w.normalized, smooth, {3, 3}, 0);
  cv::threshold(smooth, faint, 255.0 - params.faint_margin, 255, cv::THRESH_BINARY_INV);
  cv::Mat outside(faint.size(), CV_8U, cv::Scalar(255));
  outside(w.paper_box).setTo(0);
  faint.setTo(0, outside);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(faint, labels, stats, centroids, 8, CV_32S);
  // Per mark: its darkest core and its steepest edge (Sobel magnitude / 8: gray levels per pixel).
  cv::Mat gx, gy, edge;
  cv::Sobel(smooth, gx, CV_32F, 1, 0);
  cv::Sobel(smooth, gy, CV_32F, 0, 1);
  cv::magnitude(gx, gy, edge);
  std::vector<double> darkest(static_cast<size_t>(n), 255.0), steepest(static_cast<size_t>(n), 0.0);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const uchar* v = smooth.ptr<uchar>(y);
    const float* e = edge.ptr<float>(y);
    for (int x = 0; x < labels.cols; ++x)
      if (l[x]) {
        const auto i = static_cast<size_t>(l[x]);
        darkest[i] = std::min(darkest[i], double(v[x]));
        steepest[i] = std::max(steepest[i], e[x] / 8.0);
      }
  }
  const double mm = w.px_per_mm();
  const cv::Rect& P = w.paper_box;
  std::vector<double> contrast, sharpness;
  for (int i = 1; i < n; ++i) {
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                       stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const double bw = box.width / mm, bh = box.height / mm;
    const bool at_edge = box.x <= P.x || box.y <= P.y || box.br().x >= P.br().x || box.br().y >= P.br().y;
    if (at_edge || std::max(bw, bh) < 0.8 || std::max(bw, bh) > 20) continue;
    const double c = 255.0 - darkest[static_cast<size_t>(i)];
    contrast.push_back(c);
    sharpness.push_back(steepest[static_cast<size_t>(i)] / std::max(1.0, c));
  }
  if (static_cast<int>(contrast.size()) < params.faint_min_marks) return 0;
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  const double c = median(contrast);
  if (c >= params.faint_min_contrast) return c;
  if (c >= params.sharp_min_contrast && median(sharpness) >= params.sharp_min_edge) return c;
  return 0;
}

}  // namespace

cv::Rect WorkImage::to_input(const cv::Rect& r) const {
  const int x0 = static_cast<int>(std::floor(r.x / scale));
  const int y0 = static_cast<int>(std::floor(r.y / scale));
  const int x1 = static_cast<int>(std::ceil((r.x + r.width) / scale));
  const int y1 = static_cast<int>(std::ceil((r.y + r.height) / scale));
  return cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect(0, 0, input_size.width, input_size.height);
}

namespace {

// How dark the page's print is: the paper (255 in the normalized copy) minus the level the
// darkest 5 % of the ink reach (marks and ruling lines; not holes, borders or dust). Full-strength print gives about 200-235; print faded to a
// quarter, about 50.
double print_contrast(const WorkImage& w) {
  int hist[256] = {0};
  int n = 0;
  for (int y = 0; y < w.labels.rows; ++y) {
    const int* l = w.labels.ptr<int>(y);
    const uchar* g = w.normalized.ptr<uchar>(y);
    for (int x = 0; x < w.labels.cols; ++x) {
      if (l[x] <= 0) continue;
      const InkKind k = w.components[static_cast<size_t>(l[x] - 1)].kind;
      if (k == InkKind::Mark || k == InkKind::Line) ++hist[g[x]], ++n;  // not holes, borders, dust
    }
  }
  if (n == 0) return 255;  // no print: nothing faded (a pink stain on a blank sheet is no seal)
  int v = 0;
  for (int acc = 0; v < 255 && (acc += hist[v]) < n / 20;) ++v;
  return 255.0 - v;
}

}  // namespace

WorkImage make_work_image(const cv::Mat& input, double input_dpi, const WorkImageParams& params) {
  WorkImage w;
  w.input_size = input.size();
  w.scale = std::min(1.0, params.dpi / input_dpi);
  w.dpi = input_dpi * w.scale;
  cv::Mat small;
  if (w.scale < 1.0) cv::resize(input, small, cv::Size(), w.scale, w.scale, cv::INTER_AREA);
  else small = input;
  if (small.channels() == 3) {
    w.color = small;
    cv::cvtColor(small, w.gray, cv::COLOR_BGR2GRAY);
  } else {
    w.gray = small;
  }
  w.paper = paper_level(w.gray);
  {
    cv::Mat bright;
    cv::compare(w.gray, w.paper - 20, bright, cv::CMP_GT);
    w.paper_color = cv::mean(small, bright);
  }

  // Scanner borders: rows and columns, from each edge inward, that are mostly dark.
  {
    cv::Mat dark;
    cv::compare(w.gray, 0.55 * w.paper, dark, cv::CMP_LT);
    cv::Mat col, row;
    cv::reduce(dark, col, 0, cv::REDUCE_AVG, CV_32F);
    cv::reduce(dark, row, 1, cv::REDUCE_AVG, CV_32F);
    const float limit = 0.5f * 255;
    int x0 = 0, x1 = w.gray.cols - 1, y0 = 0, y1 = w.gray.rows - 1;
    while (x0 < x1 && col.at<float>(0, x0) > limit) ++x0;
    while (x1 > x0 && col.at<float>(0, x1) > limit) --x1;
    while (y0 < y1 && row.at<float>(y0, 0) > limit) ++y0;
    while (y1 > y0 && row.at<float>(y1, 0) > limit) --y1;
    w.paper_box = cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
  }

  // Background normalization: the paper's local brightness (a max filter removes the ink,
  // computed at quarter size) divides out uneven light and yellowed paper.
  {
    cv::Mat small_bg;
    cv::resize(w.gray, small_bg, cv::Size(), 0.25, 0.25, cv::INTER_AREA);
    const int k = std::max(3, static_cast<int>(w.dpi * 0.25 / 25.4 * 4) | 1);  // ~4 mm
    cv::dilate(small_bg, small_bg, cv::getStructuringElement(cv::MORPH_ELLIPSE, {k, k}));
    cv::blur(small_bg, small_bg, {k, k});
    cv::Mat bg;
    cv::resize(small_bg, bg, w.gray.size(), 0, 0, cv::INTER_LINEAR);
    cv::max(bg, 1, bg);
    cv::divide(w.gray, bg, w.normalized, 255.0);
  }

  cv::Mat otsu_mask;
  const double otsu = cv::threshold(w.normalized, otsu_mask, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const double level = std::min(otsu, 255.0 - params.ink_margin);
  label_ink(w, level, params);
  w.ink_contrast = 255.0 - level;
  if (mark_area_mm2(w) < params.faint_check_area_mm2) {
    // Faded: almost no ink at the usual contrast. (Also taking pages whose marks' cores are far
    // lighter than ink was tried: no gain on faded tuning pages, and real photos and screenshots
    // with gray backgrounds read worse: 20.6 % -> 25.7 % CER.)
    if (const double c = faint_ink_contrast(w, params); c > 0) {
      // Ink is what is darker than half the marks' contrast, and never what is barely darker
      // than paper (grain).
      label_ink(w, 255.0 - std::max(0.5 * c, params.faint_margin), params);
      w.faint = true;
      w.ink_contrast = c;
    }
  }
  w.print_contrast = print_contrast(w);
  return w;
}

}  // namespace xueji
