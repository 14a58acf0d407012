#pragma once
// SANE frame data -> cv::Mat (no libsane calls here, so it is testable with synthetic bytes).
//
// Design notes (SANE standard, chapter 4.3.8): samples are packed per line; 1-bit data has 8
// pixels per byte, most significant bit first, and 1 means black; 16-bit samples are in the
// machine's byte order; RGB frames interleave R, G, B; a three-pass scanner sends RED, GREEN
// and BLUE frames one after another, each like a gray frame. `lines` may be -1 (a hand
// scanner): the height is whatever arrives. A short last line (a device that stops early) is
// dropped rather than guessed.
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace xueji {

enum class SaneFrameFormat { Gray, Rgb, Red, Green, Blue };

struct SaneFrameLayout {
  SaneFrameFormat format = SaneFrameFormat::Gray;
  int bytes_per_line = 0, pixels_per_line = 0, depth = 8;
};

// One frame's bytes to an image: 1-bit -> 8-bit 0/255 (black = 0), 8 -> CV_8U, 16 -> CV_16U;
// RGB -> 3 channels in OpenCV's BGR order; Red/Green/Blue -> one channel.
cv::Mat sane_frame_to_mat(const SaneFrameLayout& layout, const std::vector<uint8_t>& bytes);

// Merges three single-channel frames (any order given by their formats) into BGR.
cv::Mat merge_three_pass(const cv::Mat& red, const cv::Mat& green, const cv::Mat& blue);

}  // namespace xueji
