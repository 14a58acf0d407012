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
