#include <gtest/gtest.h>

#include <cmath>

#include "capture/deskew.h"
#include "tests/pagegen/pagegen.h"

using namespace xueji;
using namespace xueji::testing;

namespace {

cv::Mat page_with_skew(double angle, unsigned seed, PageKind kind, int border = 0) {
  PageSpec spec;
  spec.seed = seed;
  spec.kind = kind;
  spec.student = random_student(seed);
  spec.degrade.skew_deg = angle;
  spec.degrade.border_px = border;
  return generate_page(spec).image;
}

}  // namespace

TEST(Deskew, KnownAnswersAcrossRangeAndKinds) {
  const double angles[] = {-19.0, -11.4, -4.2, -0.6, 0.0, 0.35, 2.75, 7.9, 15.2};
  int i = 0;
  for (double a : angles) {
    const auto kind = static_cast<PageKind>(i % 5);
    cv::Mat img = page_with_skew(a, 100 + static_cast<unsigned>(i), kind, i % 3 == 0 ? 80 : 0);
    SkewReport r = estimate_skew(img);
    EXPECT_NEAR(r.angle_deg, a, 0.15) << "angle " << a << " kind " << kind_name(kind);
    EXPECT_GT(r.confidence, 0.3) << "angle " << a;
    ++i;
  }
}

TEST(Deskew, CorrectionLeavesNoMeasurableSkewAndPaperColouredCorners) {
  cv::Mat img = page_with_skew(6.0, 7, PageKind::GraduateForm);
  SkewReport r = estimate_skew(img);
  const cv::Scalar paper = make_work_image(img, 300).paper_color;
  cv::Mat fixed = rotate_page(img, r.angle_deg, paper, rotated_bounds(img.size(), r.angle_deg));
  EXPECT_NEAR(estimate_skew(fixed).angle_deg, 0.0, 0.1);
  const cv::Vec3b corner = fixed.at<cv::Vec3b>(0, 0);
  EXPECT_GT(corner[0], 200);  // filled with paper colour, not black
  EXPECT_GT(fixed.cols, img.cols);  // the canvas grew to hold the whole page
}

TEST(Deskew, BlankPageHasNoConfidence) {
  PageSpec spec;
  spec.degrade.blank = true;
  SkewReport r = estimate_skew(generate_page(spec).image);
  EXPECT_LT(r.confidence, 0.15);
}

#include <opencv2/imgproc.hpp>

#include "capture/cleanup.h"

TEST(Cleanup, SmallAndOddPagesDoNotBreakTheAnalysis) {
  for (cv::Size size : {cv::Size(16, 16), cv::Size(64, 48), cv::Size(3000, 40)}) {
    cv::Mat white(size, CV_8UC3, cv::Scalar(250, 250, 250));
    CleanedPage c = clean_page(white, 300);
    EXPECT_TRUE(c.analysis.boxes.blank) << size;
    EXPECT_EQ(c.master.size(), size);
    cv::Mat black(size, CV_8U, cv::Scalar(0));
    EXPECT_NO_THROW(clean_page(black, 300)) << size;
  }
}

// A dark red seal (an oval ring and a disc over the print) on a dim scan: found as a seal (the
// master stays in colour), and its ink is paper in the OCR image while the black print under
// it stays ink.
TEST(Cleanup, DarkRedSealOnADimScanIsDroppedFromTheOcrImageOnly) {
  cv::Mat page = page_with_skew(0.0, 31, PageKind::StudentCard);
  if (page.channels() == 1) cv::cvtColor(page, page, cv::COLOR_GRAY2BGR);
  page.convertTo(page, -1, 0.82);  // a dim scan: paper near 205
  // The text's ink without the seal (ruling lines are not in the OCR image anyway).
  const CleanedPage plain = clean_page(page, 300);
  // the seal's ink, multiplied over the page: dark red, also where it covers the print
  cv::Mat ink = cv::Mat::zeros(page.size(), CV_8U);
  const cv::Point centre(page.cols / 2, page.rows / 5);
  cv::ellipse(ink, centre, {240, 170}, 10, 0, 360, cv::Scalar(255), 14);
  cv::circle(ink, centre, 45, cv::Scalar(255), cv::FILLED);
  const cv::Vec3f seal(45, 30, 150);  // BGR
  for (int y = 0; y < page.rows; ++y)
    for (int x = 0; x < page.cols; ++x)
      if (ink.at<uchar>(y, x)) {
        cv::Vec3b& p = page.at<cv::Vec3b>(y, x);
        for (int c = 0; c < 3; ++c) p[c] = cv::saturate_cast<uchar>(p[c] * seal[c] / 255.0);
      }
  const CleanedPage c = clean_page(page, 300);
  ASSERT_TRUE(c.analysis.color.seal);
  EXPECT_FALSE(plain.analysis.color.seal);
  EXPECT_EQ(c.stored_mode, ColorMode::Color);
  ASSERT_EQ(c.ocr_image.size(), plain.ocr_image.size());
  ASSERT_EQ(cv::norm(cv::Mat(c.input_to_master), cv::Mat(plain.input_to_master)), 0.0) << "one geometry";
  cv::Mat ink_m;
  cv::warpAffine(ink, ink_m, cv::Mat(c.input_to_master), c.master.size(), cv::INTER_NEAREST);
  cv::erode(ink_m, ink_m, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));  // inside the strokes
  cv::Mat text = plain.ocr_image < 100, near_text;
  cv::dilate(text, near_text, cv::getStructuringElement(cv::MORPH_RECT, {7, 7}));
  const cv::Mat seal_only = ink_m & ~near_text, text_under = ink_m & text;
  ASSERT_GT(cv::countNonZero(seal_only), 5000);
  ASSERT_GT(cv::countNonZero(text_under), 200);
  EXPECT_NEAR(cv::mean(c.ocr_image, seal_only)[0], cv::mean(plain.ocr_image, seal_only)[0], 10)
      << "the seal's ink is paper, as on the page without it";
  EXPECT_LT(cv::mean(c.ocr_image, text_under)[0], 100) << "the print under it is ink";
  cv::Mat master_gray;
  cv::cvtColor(c.master, master_gray, cv::COLOR_BGR2GRAY);
  EXPECT_LT(cv::mean(master_gray, seal_only)[0], 120) << "the master keeps the seal";
}

// Overexposed: the print only ~24 gray levels below the paper, below the faded-ink contrast, but
// with sharp edges: text, not blank. The same print mirrored and blurred by the paper at that
// contrast (bleed-through from the other side) stays blank.
TEST(Cleanup, SharpFaintPrintIsTextAndSoftBleedThroughIsBlank) {
  cv::Mat page = page_with_skew(0.0, 41, PageKind::GraduateForm);
  if (page.channels() == 3) cv::cvtColor(page, page, cv::COLOR_BGR2GRAY);
  cv::Mat dark;
  page.convertTo(dark, CV_32F);
  dark = cv::max(245.0 - dark, 0.0) / 245.0;  // ink share of each pixel
  cv::Mat faint;
  cv::Mat(250.0 - 26.0 * dark).convertTo(faint, CV_8U);
  EXPECT_FALSE(clean_page(faint, 300).analysis.boxes.blank) << "sharp faint print";
  cv::Mat soft;
  cv::flip(dark, soft, 1);
  cv::GaussianBlur(soft, soft, {0, 0}, 3.0);
  double peak = 0;
  cv::minMaxLoc(soft, nullptr, &peak);
  cv::Mat bleed;
  cv::Mat(250.0 - 26.0 / peak * soft).convertTo(bleed, CV_8U);
  EXPECT_TRUE(clean_page(bleed, 300).analysis.boxes.blank) << "bleed-through";
  // The edges decide: taking soft edges too makes the bleed-through ink.
  CleanupParams any_edge;
  any_edge.analyze.work.sharp_min_edge = 0;
  EXPECT_FALSE(clean_page(bleed, 300, any_edge).analysis.boxes.blank) << "soft marks at that contrast";
}

// A seal faded with its page (ink at a fifth of its strength, the seal as pale), its strokes'
// edges soft: still found (a colour page), and in the OCR image neither the seal nor a trace of
// its edges is left, while the faded print under it stays as dark as without the seal.
TEST(Cleanup, FadedSealIsFoundAndLeavesNoTraceInTheOcrImage) {
  cv::Mat page = page_with_skew(0.0, 53, PageKind::AwardRecord);
  if (page.channels() == 1) cv::cvtColor(page, page, cv::COLOR_GRAY2BGR);
  const cv::Scalar paper(236, 242, 246);  // BGR, a slightly warm sheet
  const double strength = 0.2;
  cv::Mat faded(page.size(), CV_8UC3);
  for (int y = 0; y < page.rows; ++y)
    for (int x = 0; x < page.cols; ++x) {
      const cv::Vec3b p = page.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c)
        faded.at<cv::Vec3b>(y, x)[c] = cv::saturate_cast<uchar>(paper[c] - strength * (255.0 - p[c]));
    }
  const CleanedPage plain = clean_page(faded, 300);
  // the seal's coverage: a ring, a disc and bars like its text, over the print, soft-edged
  cv::Mat cover = cv::Mat::zeros(page.size(), CV_8U);
  const cv::Point centre(page.cols / 2, page.rows / 4);
  cv::circle(cover, centre, 210, cv::Scalar(255), 12, cv::LINE_AA);
  cv::circle(cover, centre, 50, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  for (int k = 0; k < 5; ++k)
    cv::rectangle(cover, cv::Rect(centre.x - 130 + 55 * k, centre.y + 90, 36, 8), cv::Scalar(255), cv::FILLED);
  cv::GaussianBlur(cover, cover, {0, 0}, 1.2);
  const cv::Vec3d seal(80, 55, 190);  // BGR transmittance x 255 of the full-strength ink
  cv::Mat sealed = faded.clone();
  for (int y = 0; y < page.rows; ++y)
    for (int x = 0; x < page.cols; ++x) {
      const double a = cover.at<uchar>(y, x) / 255.0;
      cv::Vec3b& p = sealed.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) {
        const double t = 1.0 - strength * (1.0 - seal[c] / 255.0);  // the faded seal lets more through
        p[c] = cv::saturate_cast<uchar>(p[c] * (1.0 - a * (1.0 - t)));
      }
    }
  const CleanedPage c = clean_page(sealed, 300);
  ASSERT_TRUE(c.analysis.color.seal) << "a faded seal is a seal";
  EXPECT_FALSE(plain.analysis.color.seal);
  EXPECT_EQ(c.stored_mode, ColorMode::Color);
  ASSERT_EQ(c.ocr_image.size(), plain.ocr_image.size());
  ASSERT_EQ(cv::norm(cv::Mat(c.input_to_master), cv::Mat(plain.input_to_master)), 0.0) << "one geometry";
  cv::Mat cover_m;
  cv::warpAffine(cover, cover_m, cv::Mat(c.input_to_master), c.master.size(), cv::INTER_NEAREST);
  cv::Mat text = plain.ocr_image < 160, near_text;
  cv::dilate(text, near_text, cv::getStructuringElement(cv::MORPH_RECT, {9, 9}));
  const cv::Mat seal_only = (cover_m > 0) & ~near_text;
  const cv::Mat core = cover_m > 200;
  cv::Mat text_under;
  cv::erode(text, text_under, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  text_under &= core;
  ASSERT_GT(cv::countNonZero(seal_only), 5000);
  ASSERT_GT(cv::countNonZero(text_under), 100);
  const double paper_level = cv::mean(plain.ocr_image, seal_only)[0];
  const cv::Mat trace = (c.ocr_image < paper_level - 40) & seal_only;
  EXPECT_LT(cv::countNonZero(trace), cv::countNonZero(seal_only) / 100) << "the seal and its soft edges are paper";
  const double plain_dark = paper_level - cv::mean(plain.ocr_image, text_under)[0];
  const double sealed_dark = paper_level - cv::mean(c.ocr_image, text_under)[0];
  ASSERT_GT(plain_dark, 40);
  EXPECT_NEAR(sealed_dark, plain_dark, 0.25 * plain_dark) << "the faded print under the seal stays as dark";
  cv::Mat master_gray;
  cv::cvtColor(c.master, master_gray, cv::COLOR_BGR2GRAY);
  EXPECT_LT(cv::mean(master_gray, core & ~near_text)[0], paper_level - 10) << "the master keeps the seal";
}
