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
};

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
