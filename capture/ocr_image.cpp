#include "capture/ocr_image.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace xueji {
namespace {

int count_components(const cv::Mat& mask) {
  cv::Mat labels;
  return std::max(0, cv::connectedComponents(mask, labels, 8, CV_32S) - 1);
}

}  // namespace

cv::Mat make_ocr_image(const cv::Mat& master, double dpi, const OcrImageParams& params,
                       OcrImageReport* report) {
  cv::Mat gray;
  if (master.channels() == 1) gray = master.clone();
  else cv::cvtColor(master, gray, cv::COLOR_BGR2GRAY);
  if (!params.remove_lines) return gray;

  // Dark pixels relative to the local background.
  cv::Mat ink;
  const int block = std::max(15, static_cast<int>(dpi / 6) | 1);
  cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 15);

  const int len = std::max(20, static_cast<int>(params.min_line_length_in * dpi));
  cv::Mat horiz, vert;
  cv::morphologyEx(ink, horiz, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {len, 1}));
  cv::morphologyEx(ink, vert, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {1, len}));
  if (report) {
    report->horizontal_lines = count_components(horiz);
    report->vertical_lines = count_components(vert);
  }
  cv::Mat lines = horiz | vert;
  cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  // Paint the lines with the local paper colour (a blurred copy without ink).
  // (computed at quarter size: the background varies slowly, and a full-size median is costly).
  cv::Mat small, background;
  cv::resize(gray, small, cv::Size(), 0.25, 0.25, cv::INTER_AREA);
  cv::medianBlur(small, small, 9);
  cv::resize(small, background, gray.size(), 0, 0, cv::INTER_LINEAR);
  background.copyTo(gray, lines);
  return gray;
}

}  // namespace xueji
