#pragma once
// Lines of a page read by the PP-OCR recognizer, from line boxes found by a layout pass.
//
// Design notes: the layout pass (Tesseract's, one block per page as in the Tesseract path, so
// that form rows stay in reading order) gives each text line's box; a form row spans several
// cells with wide empty gaps between them. Each line is cut at ink-free gaps wider than
// `gap_factor` line heights into parts (cells, fields), and each part is cropped with a margin
// and scaled to the recognizer's height: empty paper is not read, and a cell's value is not run
// together with its neighbour's. The parts of the page are then packed side by side, a few
// white columns apart, into inputs as wide as the widest recognizer graph (one pass reads many
// short cells; each pass has a fixed cost), and every character read is given back to the part
// under its time steps. The recognizer's characters become words at spaces and at gaps wider than
// half a line height; a word's box spans its characters' time steps and is later snapped to
// its ink (box_snap.h). Parts with too little ink to hold a character (specks, stray dots) are
// skipped.
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "ocr/ppocr_recognizer.h"

namespace xueji {

struct LayoutLine {
  Box box;
  int baseline = 0;
  double angle_deg = 0;
  int row = -1;  // lines of one row (>= 0) become one OcrLine, in their order here
};

// Text regions of an upright page (the detector's) in reading order: rows top to bottom, left
// to right within a row. A region joins a row when its vertical extent overlaps the row's band
// (the mean top and bottom of its regions) by more than half the smaller height, so a form row's
// cells are one line and table cells are read row by row.
struct TextRegion {
  cv::Rect box;
  double angle_deg = 0;  // of its long side, counter-clockwise on screen positive
};
std::vector<LayoutLine> rows_in_reading_order(const std::vector<TextRegion>& regions);

// The skew the page still has, from its lines' angles (the detector's regions): the median
// angle of the lines at least `min_aspect` times as wide as tall, when at least `min_lines`
// of them agree within `max_spread` degrees (median absolute deviation). nullopt otherwise.
std::optional<double> residual_skew(const OcrPage& page, int min_lines = 3, double min_aspect = 4,
                                    double max_spread = 1.5);
// The same rule over the detector's rotated text boxes (their own long and short sides, so a
// leaning line still counts as wide): the lean is known before any line is read, also when
// the leaning rows read so badly that few lines survive.
std::optional<double> residual_skew(const std::vector<cv::RotatedRect>& boxes, int min_lines = 3,
                                    double min_aspect = 4, double max_spread = 1.5);

// The share of the boxes at least `min_aspect` times as long as wide whose long side is nearer
// the vertical than the horizontal; nullopt when fewer than `min_boxes` are that long.
std::optional<double> standing_share(const std::vector<cv::RotatedRect>& boxes, double min_aspect = 3,
                                     int min_boxes = 3);

struct PpOcrLineParams {
  double gap_factor = 0.8;      // ink-free gap (in line heights) that cuts a line into parts
  double margin_x = 0.25;       // crop margin left and right, in line heights
  double margin_y = 0.15;       // crop margin above and below, in line heights
  double min_ink = 0.02;        // a part needs this much ink (share of line height squared)
  double word_gap = 0.5;        // gap between characters (line heights) that starts a new word
  int pack_gap = 32;            // white columns between parts packed into one recognizer input
  double stretch_below = 160;   // a part whose gray levels span less is stretched to 0..255
};

// Lines whose boxes overlap (vertically by more than half the smaller height, horizontally at
// all) are one line the layout pass split into strips (large title characters, a line at a
// slight angle): they become one line, read once.
std::vector<LayoutLine> merge_overlapping_lines(std::vector<LayoutLine> lines);

// A line more than 1.6 times as tall as the page's median line whose ink falls into separate
// bands of rows (two text rows the layout pass took for one) is cut into those bands.
std::vector<LayoutLine> split_tall_lines(const std::vector<LayoutLine>& lines, const cv::Mat& ink);

// `gray`: the OCR image; `ink`: its binarization (non-zero = ink), same size.
std::vector<OcrLine> read_lines_ppocr(const cv::Mat& gray, const cv::Mat& ink, const std::vector<LayoutLine>& layout,
                                      PpOcrRecognizer& recognizer, const PpOcrLineParams& params = {});

}  // namespace xueji
