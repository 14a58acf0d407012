#pragma once
// Scores the page analysis and cleanup against the generator's ground truth.
#include <string>
#include <vector>

namespace xueji::testing {

struct CleanupScores {
  int pages = 0, text_pages = 0;
  std::vector<double> skew_abs_err;  // text pages with |true skew| <= 15
  double skew_median = 0, skew_p95 = 0, skew_max = 0;
  int orientation_correct = 0;
  std::vector<double> layout_wrong_conf, layout_right_conf;  // cheap orientation confidence
  int ocr_checked = 0;              // pages whose orientation was verified with OCR
  std::vector<double> ms_ocr_check;
  double ms_ocr_check_median = 0;
  int blank_tp = 0, blank_fp = 0, blank_fn = 0;
  double box_max_edge_err_mm = 0;
  int box_cuts_text = 0;           // predicted content box misses truth ink by > 0.5 mm
  int box_over_3mm = 0;
  int master_lost_ink = 0;          // text pages whose master has < 95% of the page's ink
  int seal_pages = 0, seal_pages_color = 0, seal_pages_bilevel = 0, seal_detected = 0;
  int seal_false = 0;               // seal reported on a page without one
  std::vector<double> ms_color, ms_gray;  // whole cleanup per page (one thread)
  double ms_color_median = 0, ms_gray_median = 0;
  double max_rss_mb_quarter = 0, max_rss_mb_end = 0;
  std::vector<std::string> failures;  // one line per page that missed a target
};

// Generates `count` mixed pages from `seed` and scores them; `timing` also times clean_page on
// the colour and gray version of every page.
CleanupScores evaluate_cleanup(unsigned seed, int count, bool timing);

std::string format_scores(const CleanupScores& s);

}  // namespace xueji::testing
