#pragma once
// Colour-mode decision and seal detection (DA/T 31-2017: pages with seals, red letterheads,
// photos or coloured marks must be kept in colour; clean monochrome text may be bilevel).
#include <opencv2/core.hpp>

#include "capture/work_image.h"

namespace xueji {

enum class ColorMode { Color, Gray, Bilevel };
const char* to_string(ColorMode m);  // "color", "gray", "bw"

struct ColorParams {
  int chroma_min = 60;              // max-min channel difference of a coloured pixel
  double color_min_area_mm2 = 20;   // this much coloured ink makes a colour page
  double seal_min_mm = 12, seal_max_mm = 80;
  double seal_max_aspect = 1.8;     // round seals and oval ones (50 x 30 mm is 1.67)
  int red_chroma_min = 40;           // red above green and blue: seal ink (thin rings lose chroma at the analysis scale)
  double red_min_of_paper = 0.45;   // a red pixel's red channel, at least this share of the paper level
  // A faded page's seal has faded with its print: the red thresholds (here and the OCR image's)
  // shrink by the page's print contrast over `full_print_contrast`, never below `min_faded_scale`.
  double full_print_contrast = 200;
  double min_faded_scale = 0.2;
};

// How much redder than the paper (red above green and blue, beyond the paper's own such excess)
// a pixel must be to be seal ink on this page: `chroma` on a page of full contrast, less on a
// faded one, whose print is only `print_contrast` gray levels below the paper.
double seal_red_threshold(double chroma, double print_contrast, const ColorParams& params = {});

// The paper's own red excess (red above green and blue, at least 0): reddish paper is no seal.
double paper_red_excess(const cv::Scalar& paper_bgr);

struct ColorReport {
  ColorMode mode = ColorMode::Gray;
  bool seal = false;
  cv::Rect seal_box;             // input pixels (largest seal)
  double colored_area_mm2 = 0;
  double red_area_mm2 = 0;
  double confidence = 0;
};

ColorReport analyze_color(const WorkImage& work, const ColorParams& params = {});

}  // namespace xueji
