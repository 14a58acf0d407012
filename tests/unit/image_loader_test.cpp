#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/image_loader.h"
#include "models/error.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::TempDir;

namespace {

cv::Mat sample(int w = 400, int h = 300) {
  cv::Mat m(h, w, CV_8UC3, cv::Scalar(240, 240, 240));
  cv::rectangle(m, {50, 50, 100, 40}, cv::Scalar(20, 20, 20), cv::FILLED);
  return m;
}

ErrorCode load_error(const std::filesystem::path& p) {
  try {
    load_image_file(p);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Cancelled;  // "no error"
}

}  // namespace

TEST(ImageLoader, LoadsPngJpegAndMultiPageTiffWithDpi) {
  TempDir dir;
  ASSERT_TRUE(cv::imwrite((dir / "a.png").string(), sample()));
  ASSERT_TRUE(cv::imwrite((dir / "b.jpg").string(), sample()));
  std::vector<cv::Mat> frames = {sample(), sample(500, 350), sample(300, 300)};
  ASSERT_TRUE(cv::imwritemulti((dir / "c.tif").string(), frames,
                               {cv::IMWRITE_TIFF_XDPI, 200, cv::IMWRITE_TIFF_YDPI, 200,
                                cv::IMWRITE_TIFF_RESUNIT, 2}));
  auto png = load_image_file(dir / "a.png");
  ASSERT_EQ(png.size(), 1u);
  EXPECT_EQ(png[0].image.cols, 400);
  EXPECT_EQ(png[0].dpi, 300);  // no resolution in the file: the default
  EXPECT_FALSE(png[0].dpi_from_file);
  auto jpg = load_image_file(dir / "b.jpg");
  ASSERT_EQ(jpg.size(), 1u);
  EXPECT_EQ(jpg[0].image.channels(), 3);
  auto tif = load_image_file(dir / "c.tif");
  ASSERT_EQ(tif.size(), 3u);
  EXPECT_EQ(tif[1].image.cols, 500);
  EXPECT_EQ(tif[1].source, "c.tif#2");
  EXPECT_DOUBLE_EQ(tif[2].dpi, 200);
  EXPECT_TRUE(tif[2].dpi_from_file);
}

TEST(ImageLoader, RefusesTruncatedCorruptAndForeignFiles) {
  TempDir dir;
  ASSERT_TRUE(cv::imwrite((dir / "ok.jpg").string(), sample()));
  ASSERT_TRUE(cv::imwrite((dir / "ok.png").string(), sample()));
  const std::string jpg = xueji::testing::read_file(dir / "ok.jpg");
  const std::string png = xueji::testing::read_file(dir / "ok.png");
  xueji::testing::write_file(dir / "cut.jpg", jpg.substr(0, jpg.size() / 2));
  xueji::testing::write_file(dir / "cut.png", png.substr(0, png.size() / 2));
  xueji::testing::write_file(dir / "text.png", "this is not an image\n");
  xueji::testing::write_file(dir / "empty.tif", "");
  EXPECT_EQ(load_error(dir / "cut.jpg"), ErrorCode::BadImage);
  EXPECT_EQ(load_error(dir / "cut.png"), ErrorCode::BadImage);
  EXPECT_EQ(load_error(dir / "text.png"), ErrorCode::BadImage);
  EXPECT_EQ(load_error(dir / "empty.tif"), ErrorCode::BadImage);
  EXPECT_EQ(load_error(dir / "missing.png"), ErrorCode::NotFound);
  LoadParams small;
  small.max_pixels = 1000;
  EXPECT_THROW(load_image_file(dir / "ok.png", small), Error);
}

namespace {

// A PNG that declares 20000 x 20000 pixels: refused from its header, never decoded.
std::string png_header_only(uint32_t w, uint32_t h) {
  std::string b = "\x89PNG\r\n\x1a\n";
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((v >> s) & 0xFF));
  };
  be32(13);
  b += "IHDR";
  be32(w);
  be32(h);
  b += std::string("\x08\x00\x00\x00\x00", 5);
  be32(0);  // CRC (not checked before the size)
  return b;
}

}  // namespace

TEST(ImageLoader, HandlesOddFormatsOrRefusesThemClearly) {
  TempDir dir;
  // Huge: refused with the documented limit in the message.
  xueji::testing::write_file(dir / "huge.png", png_header_only(20000, 20000));
  try {
    load_image_file(dir / "huge.png");
    FAIL() << "20000x20000 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadImage);
    EXPECT_NE(std::string(e.what()).find("too large (20000x20000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("250 megapixels"), std::string::npos) << e.what();
  }
  // 1x1: refused.
  ASSERT_TRUE(cv::imwrite((dir / "dot.png").string(), cv::Mat(1, 1, CV_8U, cv::Scalar(0))));
  EXPECT_EQ(load_error(dir / "dot.png"), ErrorCode::BadImage);

  // 1-bit PNG: loads as 8-bit black and white.
  cv::Mat bw(100, 120, CV_8U, cv::Scalar(255));
  cv::rectangle(bw, {10, 10, 50, 20}, cv::Scalar(0), cv::FILLED);
  ASSERT_TRUE(cv::imwrite((dir / "bilevel.png").string(), bw, {cv::IMWRITE_PNG_BILEVEL, 1}));
  auto b = load_image_file(dir / "bilevel.png");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].image.type(), CV_8UC1);
  EXPECT_EQ(b[0].image.at<uchar>(15, 15), 0);
  EXPECT_EQ(b[0].image.at<uchar>(90, 100), 255);

  // 16-bit gray: scaled to 8 bits.
  cv::Mat deep(100, 120, CV_16U, cv::Scalar(65535));
  deep(cv::Rect(10, 10, 50, 20)).setTo(0);
  ASSERT_TRUE(cv::imwrite((dir / "deep.png").string(), deep));
  auto d = load_image_file(dir / "deep.png");
  EXPECT_EQ(d[0].image.type(), CV_8UC1);
  EXPECT_EQ(d[0].image.at<uchar>(90, 100), 255);

  // Alpha: transparent areas become white paper, not black.
  cv::Mat rgba(100, 120, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  rgba(cv::Rect(10, 10, 50, 20)).setTo(cv::Scalar(0, 0, 0, 255));
  ASSERT_TRUE(cv::imwrite((dir / "alpha.png").string(), rgba));
  auto a = load_image_file(dir / "alpha.png");
  EXPECT_EQ(a[0].image.type(), CV_8UC3);
  EXPECT_EQ(a[0].image.at<cv::Vec3b>(90, 100), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(a[0].image.at<cv::Vec3b>(15, 15), cv::Vec3b(0, 0, 0));

  // CMYK JPEG (made with ImageMagick): converted to BGR with the right polarity.
  auto c = load_image_file(XUEJI_TEST_DATA "/cmyk.jpg");
  EXPECT_EQ(c[0].image.type(), CV_8UC3);
  const cv::Vec3b paper = c[0].image.at<cv::Vec3b>(40, 60), ink = c[0].image.at<cv::Vec3b>(15, 20);
  EXPECT_GT(paper[0], 200);
  EXPECT_LT(ink[0], 60);
}
