#pragma once
// Page orientation (0/90/180/270) from the layout of the ink, without OCR.
//
// Design notes: (1) 0/180 versus 90/270: with the skew removed, horizontal Chinese text gives a
// much sharper row profile than column profile (characters in a line nearly touch; lines are
// separated by clear gaps), so the ratio of the two profile scores of the text marks (ruling
// lines left out) tells the line direction. (2) Upright versus upside down: the segments of
// each text line (form labels, cell values, paragraph lines) are left-aligned and ragged on
// the right on an upright page, the other way round upside down; the balance of aligned left
// and right edges gives the answer and its confidence. (Punctuation position and title
// position were tried and were wrong too often: many characters have a top dot, seals make
// tall lines.) A caller that needs certainty on a low-confidence page verifies with OCR.
#include "capture/work_image.h"

namespace xueji {

struct OrientationReport {
  int orientation = 0;     // clockwise rotation applied to the upright page to give the scan
  double confidence = 0;   // 0..1
  double line_ratio = 1;   // row/column profile score ratio (>1: horizontal lines)
  int left_aligned = 0, right_aligned = 0;  // line-segment edges aligned with another one
};

OrientationReport estimate_orientation(const WorkImage& work, double skew_deg);

}  // namespace xueji
