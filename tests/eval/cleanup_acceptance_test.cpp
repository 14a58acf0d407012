// Acceptance of page cleanup on a fixed set of 200 generated pages mixing all degradations
// (seed 7): every figure is measured page by page against the generator's ground truth.
#include <gtest/gtest.h>

#include "tests/eval/cleanup_eval.h"

using namespace xueji::testing;

TEST(CleanupAcceptance, TwoHundredMixedPages) {
  const CleanupScores s = evaluate_cleanup(7, 200, false);
  std::cout << format_scores(s);
  ASSERT_EQ(s.pages, 200);
  ASSERT_GT(s.skew_abs_err.size(), 150u);
  EXPECT_LE(s.skew_median, 0.05);
  EXPECT_LE(s.skew_p95, 0.15);
  EXPECT_LE(s.skew_max, 0.3);
  EXPECT_EQ(s.orientation_correct, s.text_pages);
  EXPECT_GT(s.blank_tp, 0);
  EXPECT_EQ(s.blank_fp, 0);
  EXPECT_EQ(s.blank_fn, 0);
  EXPECT_EQ(s.box_over_3mm, 0);
  EXPECT_EQ(s.box_cuts_text, 0);
  EXPECT_EQ(s.master_lost_ink, 0);
  EXPECT_GT(s.seal_pages, 0);
  EXPECT_EQ(s.seal_pages_color, s.seal_pages);
  EXPECT_EQ(s.seal_pages_bilevel, 0);
  EXPECT_EQ(s.seal_false, 0);
}
