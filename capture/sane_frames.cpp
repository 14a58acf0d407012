#include "capture/sane_frames.h"

#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "models/error.h"

namespace xueji {

cv::Mat sane_frame_to_mat(const SaneFrameLayout& l, const std::vector<uint8_t>& bytes) {
  if (l.bytes_per_line <= 0 || l.pixels_per_line <= 0)
    throw Error(ErrorCode::BadImage, "scanner frame without a line size");
  const int rows = static_cast<int>(bytes.size() / static_cast<size_t>(l.bytes_per_line));
  const int W = l.pixels_per_line;
  const int channels = l.format == SaneFrameFormat::Rgb ? 3 : 1;
  const size_t needed = l.depth == 1 ? static_cast<size_t>((W * channels + 7) / 8)
                                     : static_cast<size_t>(W) * static_cast<size_t>(channels) * (l.depth == 16 ? 2u : 1u);
  if (l.depth != 1 && l.depth != 8 && l.depth != 16)
    throw Error(ErrorCode::BadImage, "scanner frame depth " + std::to_string(l.depth) + " is not supported");
  if (needed > static_cast<size_t>(l.bytes_per_line)) throw Error(ErrorCode::BadImage, "scanner frame lines are too short");
  cv::Mat out;
  if (l.depth == 1) {
    out.create(rows, W, CV_8UC(channels));
    for (int y = 0; y < rows; ++y) {
      const uint8_t* src = bytes.data() + static_cast<size_t>(y) * static_cast<size_t>(l.bytes_per_line);
      uint8_t* dst = out.ptr<uint8_t>(y);
      for (int i = 0; i < W * channels; ++i) dst[i] = (src[i >> 3] & (0x80 >> (i & 7))) ? 0 : 255;
    }
  } else {
    const int type = l.depth == 16 ? CV_16UC(channels) : CV_8UC(channels);
    out.create(rows, W, type);
    for (int y = 0; y < rows; ++y)
      std::memcpy(out.ptr(y), bytes.data() + static_cast<size_t>(y) * static_cast<size_t>(l.bytes_per_line), needed);
  }
  if (channels == 3) cv::cvtColor(out, out, cv::COLOR_RGB2BGR);
  return out;
}

cv::Mat merge_three_pass(const cv::Mat& red, const cv::Mat& green, const cv::Mat& blue) {
  if (red.size() != green.size() || red.size() != blue.size() || red.type() != green.type() || red.type() != blue.type())
    throw Error(ErrorCode::BadImage, "three-pass scanner frames differ in size");
  cv::Mat out;
  cv::merge(std::vector<cv::Mat>{blue, green, red}, out);
  return out;
}

}  // namespace xueji
