#pragma once
// Verifies that a page is upright by recognizing a strip of its text both ways up.
//
// Design notes: the layout analysis in capture/ tells the line direction reliably but can be
// unsure whether a page is upside down. Tesseract recognizes upright Chinese with high word
// confidence and upside-down text with low confidence and few Chinese characters, so a strip
// of a few text lines (not the whole page: this costs OCR time and runs only on pages whose
// cheap analysis was unsure) is recognized as it is and turned 180 degrees, and the better
// reading wins.
#include <opencv2/core.hpp>

#include "ocr/ocr_engine.h"

namespace xueji {

// What a reading says about the way up: characters read (CJK, letters, digits), their mean
// confidence, and a score (characters weighted by confidence squared). Upright text reads with
// high confidence; text upside down or on its side reads as few characters at low confidence
// (measured with bench/orientation_evidence).
struct ReadingEvidence {
  int chars = 0;
  double mean_confidence = 0;  // 0..100
  double score = 0;
};
ReadingEvidence reading_evidence(const OcrPage& page);

struct UprightCheck {
  bool flipped = false;        // the page is upside down
  double score_as_is = 0;      // confidence-weighted count of CJK characters read
  double score_flipped = 0;
  double seconds = 0;
};

// `gray`: the page as currently turned; `content`: where its text is (may be empty).
UprightCheck check_upright(OcrEngine& engine, const cv::Mat& gray, double dpi, const cv::Rect& content);

}  // namespace xueji
