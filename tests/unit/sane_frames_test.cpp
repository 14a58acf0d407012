// SANE frame bytes -> images, for every depth and format the standard defines.
#include <gtest/gtest.h>

#include <cstring>

#include "capture/sane_frames.h"
#include "models/error.h"

using namespace xueji;

TEST(SaneFrames, OneBitIsMsbFirstWithOneMeaningBlack) {
  SaneFrameLayout l{SaneFrameFormat::Gray, 2, 10, 1};  // 10 pixels in 2 bytes per line (padded)
  const std::vector<uint8_t> bytes = {0b10100000, 0b01000000, 0xFF, 0xC0};
  const cv::Mat m = sane_frame_to_mat(l, bytes);
  ASSERT_EQ(m.size(), cv::Size(10, 2));
  ASSERT_EQ(m.type(), CV_8UC1);
  const std::vector<uint8_t> row0 = {0, 255, 0, 255, 255, 255, 255, 255, 255, 0};
  for (int x = 0; x < 10; ++x) EXPECT_EQ(m.at<uint8_t>(0, x), row0[static_cast<size_t>(x)]) << x;
  for (int x = 0; x < 10; ++x) EXPECT_EQ(m.at<uint8_t>(1, x), 0) << x;
}

TEST(SaneFrames, SixteenBitIsMachineOrderAndRgbBecomesBgr) {
  SaneFrameLayout l{SaneFrameFormat::Rgb, 12, 2, 16};
  std::vector<uint16_t> samples = {1000, 2000, 3000, 65535, 0, 7};
  std::vector<uint8_t> bytes(12);
  std::memcpy(bytes.data(), samples.data(), 12);
  const cv::Mat m = sane_frame_to_mat(l, bytes);
  ASSERT_EQ(m.type(), CV_16UC3);
  EXPECT_EQ(m.at<cv::Vec3w>(0, 0), cv::Vec3w(3000, 2000, 1000));
  EXPECT_EQ(m.at<cv::Vec3w>(0, 1), cv::Vec3w(7, 0, 65535));
}

TEST(SaneFrames, PaddedLinesAndAShortLastLine) {
  SaneFrameLayout l{SaneFrameFormat::Gray, 4, 3, 8};  // one pad byte per line
  const std::vector<uint8_t> bytes = {1, 2, 3, 99, 4, 5, 6, 99, 7};  // the last line is cut off
  const cv::Mat m = sane_frame_to_mat(l, bytes);
  ASSERT_EQ(m.size(), cv::Size(3, 2));
  EXPECT_EQ(m.at<uint8_t>(1, 2), 6);
}

TEST(SaneFrames, ThreePassMergesIntoBgrAndRefusesMismatches) {
  const cv::Mat r(2, 2, CV_8U, cv::Scalar(10)), g(2, 2, CV_8U, cv::Scalar(20)), b(2, 2, CV_8U, cv::Scalar(30));
  const cv::Mat m = merge_three_pass(r, g, b);
  EXPECT_EQ(m.at<cv::Vec3b>(1, 1), cv::Vec3b(30, 20, 10));
  EXPECT_THROW(merge_three_pass(r, g, cv::Mat(3, 2, CV_8U)), Error);
  EXPECT_THROW(sane_frame_to_mat({SaneFrameFormat::Gray, 2, 3, 8}, {1, 2, 3}), Error);   // line shorter than its pixels
  EXPECT_THROW(sane_frame_to_mat({SaneFrameFormat::Gray, 4, 3, 12}, {1, 2, 3, 4}), Error);  // unknown depth
}
