#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <random>

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

namespace {

// A page-like picture: paper, noise, many dark marks, so that the scan data is long.
cv::Mat busy_page() {
  cv::Mat m(900, 700, CV_8UC3, cv::Scalar(235, 235, 230));
  cv::RNG rng(14);
  cv::Mat noise(m.size(), CV_8UC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 6);
  m += noise;
  for (int i = 0; i < 400; ++i)
    cv::rectangle(m, cv::Rect(rng.uniform(0, 680), rng.uniform(0, 880), rng.uniform(3, 20), rng.uniform(3, 20)),
                  cv::Scalar(rng.uniform(0, 90), rng.uniform(0, 90), rng.uniform(0, 90)), cv::FILLED);
  return m;
}

std::string encode_jpeg(const cv::Mat& m, bool progressive = false) {
  std::vector<uchar> buf;
  cv::imencode(".jpg", m, buf, {cv::IMWRITE_JPEG_QUALITY, 85, cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0});
  return std::string(buf.begin(), buf.end());
}

// Offset of the first byte after the (first) SOS segment: the entropy-coded data.
size_t scan_start(const std::string& j) {
  const size_t sos = j.find("\xFF\xDA");
  return sos + 2 + ((static_cast<unsigned char>(j[sos + 2]) << 8) | static_cast<unsigned char>(j[sos + 3]));
}

std::string load_message(const std::filesystem::path& p) {
  try {
    load_image_file(p);
  } catch (const Error& e) {
    return std::string(to_string(e.code())) + ": " + e.what();
  }
  return "loaded";
}

}  // namespace

// Issue 14, defect 4: libjpeg only warns on scrambled entropy data and OpenCV returned a grey
// page; such files are refused, with the file named.
TEST(ImageLoader, RefusesJpegWithScrambledEntropyData) {
  TempDir dir;
  const std::string jpg = encode_jpeg(busy_page());
  const size_t s = scan_start(jpg);
  ASSERT_GT(jpg.size(), s + 20000);
  std::mt19937 rng(4);

  // Random bytes over a stretch of the scan (markers included, as a bad disk block makes).
  std::string random = jpg;
  for (size_t i = s + 4000; i < s + 6000; ++i) random[i] = static_cast<char>(rng() & 0xFF);
  // Scrambled without creating a marker: every byte of a stretch XORed, 0xFF and the stuffed
  // 0x00 after it left alone, so libjpeg finds no marker and just decodes nonsense.
  std::string xored = jpg;
  for (size_t i = s + 3000; i < jpg.size() - 2; ++i) {
    const unsigned char c = static_cast<unsigned char>(xored[i]);
    if (c == 0xFF || static_cast<unsigned char>(xored[i - 1]) == 0xFF) continue;
    unsigned char x = static_cast<unsigned char>(c ^ (rng() & 0x7F));
    if (x == 0xFF) x = 0xFE;
    xored[i] = static_cast<char>(x);
  }
  // Two stretches swapped: every byte is real scan data, in the wrong place.
  std::string swapped = jpg;
  std::swap_ranges(swapped.begin() + long(s) + 2001, swapped.begin() + long(s) + 5001, swapped.begin() + long(s) + 9001);
  for (const auto& [file, data] : {std::pair<std::string, std::string>{"random.jpg", random},
                                   {"xored.jpg", xored}, {"swapped.jpg", swapped}}) {
    xueji::testing::write_file(dir / file, data);
    const std::string m = load_message(dir / file);
    EXPECT_NE(m.find("bad image: " + file + ": corrupt JPEG"), std::string::npos) << m;
  }
  // The same picture, progressive and damaged in its first scan.
  std::string prog = encode_jpeg(busy_page(), true);
  const size_t ps = scan_start(prog);
  for (size_t i = ps + 100; i < ps + 400 && i < prog.size() - 2; ++i) prog[i] = static_cast<char>(rng() & 0xFF);
  xueji::testing::write_file(dir / "prog-bad.jpg", prog);
  EXPECT_EQ(load_error(dir / "prog-bad.jpg"), ErrorCode::BadImage);
}

TEST(ImageLoader, AcceptsProgressiveJpegAndHarmlessJpegOddities) {
  TempDir dir;
  const cv::Mat page = busy_page();
  xueji::testing::write_file(dir / "prog.jpg", encode_jpeg(page, true));
  auto p = load_image_file(dir / "prog.jpg");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_LT(cv::norm(p[0].image, page, cv::NORM_L1) / double(page.total() * 3), 6.0);

  const std::string jpg = encode_jpeg(page);
  // Stray bytes between two header segments (after APP0), as some cameras write.
  const size_t app0_end = 4 + ((static_cast<unsigned char>(jpg[4]) << 8) | static_cast<unsigned char>(jpg[5]));
  std::string stray = jpg;
  stray.insert(app0_end, "\x00\x01\x02", 3);
  // A padding byte before the end marker ("1 extraneous bytes before marker 0xd9").
  std::string padded = jpg;
  padded.insert(padded.size() - 2, std::string("\x00", 1));
  // And with an EXIF orientation (6: turn 90° clockwise), which the quiet decoder applies too.
  std::string exif = std::string("\xFF\xE1\x00\x22", 4) + std::string("Exif\0\0", 6) + std::string("MM\0\x2A\0\0\0\x08", 8) +
                     std::string("\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0", 14) + std::string("\0\0\0\0", 4);
  std::string turned = stray;
  turned.insert(app0_end, exif);
  // A CMYK JPEG with stray bytes: the quiet decoder converts CMYK as OpenCV does.
  std::string cmyk = xueji::testing::read_file(XUEJI_TEST_DATA "/cmyk.jpg");
  cmyk.insert(4 + ((static_cast<unsigned char>(cmyk[4]) << 8) | static_cast<unsigned char>(cmyk[5])), "\x01\x02", 2);
  for (const auto& [file, data] : {std::pair<std::string, std::string>{"stray.jpg", stray}, {"padded.jpg", padded},
                                   {"turned.jpg", turned}, {"cmyk-stray.jpg", cmyk}}) {
    xueji::testing::write_file(dir / file, data);
    ::testing::internal::CaptureStderr();
    const std::string m = load_message(dir / file);
    const std::string printed = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(m, "loaded") << file;
    EXPECT_EQ(printed, "") << file;  // OpenCV's decoder printed "Corrupt JPEG data: 3 extraneous bytes"
    const cv::Mat want = cv::imdecode(std::vector<uchar>(data.begin(), data.end()), cv::IMREAD_ANYCOLOR);
    const cv::Mat got = load_image_file(dir / file)[0].image;
    ASSERT_EQ(got.size(), want.size()) << file;
    EXPECT_LT(cv::norm(got, want, cv::NORM_INF), 3) << file;
  }
  EXPECT_EQ(load_image_file(dir / "turned.jpg")[0].image.cols, page.rows);
}

TEST(ImageLoader, PngCorruptionIsRefusedAndItsWarningsAreNotPrinted) {
  TempDir dir;
  std::vector<uchar> buf;
  ASSERT_TRUE(cv::imencode(".png", busy_page(), buf));
  std::string png(buf.begin(), buf.end());
  // A flipped byte inside IDAT: the chunk's CRC no longer matches.
  std::string flipped = png;
  const size_t idat = flipped.find("IDAT");
  flipped[idat + 200] = static_cast<char>(flipped[idat + 200] ^ 0x55);
  xueji::testing::write_file(dir / "flipped.png", flipped);
  const std::string m = load_message(dir / "flipped.png");
  EXPECT_NE(m.find("bad image: flipped.png: corrupt PNG"), std::string::npos) << m;

  // An ancillary chunk with a wrong CRC draws a libpng warning: loaded, and nothing printed.
  std::string text = png;
  const std::string chunk = std::string("\x00\x00\x00\x05tEXtab\x00xy", 13) + std::string("\x00\x00\x00\x00", 4);
  text.insert(33, chunk);  // after the signature and IHDR
  xueji::testing::write_file(dir / "warns.png", text);
  ::testing::internal::CaptureStderr();
  const std::string loaded = load_message(dir / "warns.png");
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(loaded, "loaded");
  EXPECT_EQ(printed, "");
}

// Regression (fuzzing): a PNG header declaring 4294967295 x 4294967295 pixels overflowed the
// pixel count (signed 64-bit multiplication, undefined behaviour) and so passed the size
// limit; it is now refused as too large before decoding.
TEST(ImageLoader, HugeHeaderSizeIsRefusedWithoutOverflow) {
  const std::filesystem::path file = XUEJI_FUZZ_DIR "/regressions/image_loader/png-ihdr-4294967295x4294967295.png";
  ASSERT_TRUE(std::filesystem::exists(file));
  try {
    load_image_file(file);
    FAIL() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadImage);
    EXPECT_NE(std::string(e.what()).find("image too large (4294967295x4294967295"), std::string::npos) << e.what();
  }
}
