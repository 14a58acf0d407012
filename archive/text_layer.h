#pragma once
// Geometry of the invisible text layer.
//
// Design notes: each OCR word becomes one run of the glyphless font whose em box is stretched
// to the word's box: font size = the line's height (so all runs of a line share size and
// baseline, and readers group them into one line), horizontal scale = box width / run width.
// Tesseract's chi_sim word boxes often overlap the next word, which makes pdftotext reorder
// text, and gaps between CJK words make it insert spaces; so boxes within a line are made
// non-overlapping and small gaps next to CJK characters are closed.
// A line whose baseline is at an angle (Tesseract's slope; a stamp set askew, a page left
// tilted; |angle| >= 1°, below which level runs stay within 2 pt of the words) is drawn
// rotated: each run starts at its word's left edge and runs along the line, through the
// centre of the word's box; the tilt's share of the axis-aligned box (width·sin) is taken
// out of the glyph height.
#include <vector>

#include "models/ocr_page.h"

namespace xueji {

struct TextRun {
  std::string text;
  double x = 0, baseline = 0;  // PDF points, origin bottom-left
  double font_size = 0;        // points
  double h_scale = 1;          // horizontal stretch of the text matrix
  double angle_deg = 0;        // baseline rotation, counter-clockwise (a line at an angle)
};

// `dpi`: image pixels per inch; `page_height_pt`: for flipping the y axis.
std::vector<TextRun> layout_text_runs(const OcrPage& page, double dpi, double page_height_pt);

}  // namespace xueji
