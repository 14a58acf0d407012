#pragma once
// Is there a QR symbol on the page, decodable or not? Three QR finder patterns (a dark square
// in a light ring in a dark ring, 7 modules across) at the corners of a right isosceles
// triangle tell, without decoding anything: the separator-sheet detector asks this when ZXing
// read nothing, to report a sheet it could not read instead of silently missing it.
//
// Design notes: the gray image is binarized with a local mean (light unevenness and grey casts
// do not matter) and the contour tree is searched for dark components with one hole that
// holds a dark component of the right share: 3x3 of 7x7 modules, the hole 5x5. Characters such
// as 回 have that shape too, but small; the size bound and the triangle (two equal legs at a
// right angle, 2-7 pattern sides long, three patterns of one size) rule text out.
#include <opencv2/core.hpp>

namespace xueji {

struct QrFinderGuess {
  bool found = false;
  double symbol_side = 0;  // pixels, from the patterns' outer corners
  int orientation = 0;     // clockwise turn of the symbol (0/90/180/270)
};

// `gray`: 8-bit, one channel. Only finder patterns at least `min_pattern_px` across count.
QrFinderGuess find_qr_finder_triangle(const cv::Mat& gray, double min_pattern_px);

}  // namespace xueji
