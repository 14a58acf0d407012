#pragma once
// Pieces the tune pages (pagegen.cpp) and the held-out test pages (heldout_layouts.cpp) share:
// the Qt application, random helpers, the seal, and everything that happens to a rendered
// upright page afterwards (holes, dust, skew, rotation, light, border, blur, noise, truth).
#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <random>
#include <string>
#include <vector>

#include "tests/pagegen/pagegen.h"

namespace xueji::testing::detail {

QGuiApplication* ensure_app();
cv::Mat qimage_to_mat(const QImage& img);

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

inline int randint(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

inline double uniform(std::mt19937& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// A round red seal with a star and 学籍专用章, multiplied over what is already drawn.
void draw_seal(QPainter& p, QPoint centre, int radius, const QColor& red, const QFont& text_font,
               int pen_px, int text_height_px);

// Where the document's ink is: pixels at least `delta` gray levels darker than the paper.
cv::Mat ink_mask(const QImage& img, const QColor& paper, int delta);

// Holes, dust, then the degradations of spec.degrade in a fixed order; fills out.image,
// out.text (from `lines`) and the common fields of out.truth. `ink` is the mask of the
// document's ink on the upright page.
void finish_page(QImage& img, cv::Mat ink, const QColor& paper, const PageSpec& spec,
                 std::mt19937& rng, const std::vector<std::string>& lines, GeneratedPage& out);

}  // namespace xueji::testing::detail
