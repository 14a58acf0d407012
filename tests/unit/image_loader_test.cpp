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
