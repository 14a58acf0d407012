#pragma once
// Word boxes snapped to their ink.
//
// Design notes: with the LSTM engine Tesseract places character and word boundaries from the
// network's time steps, so a word split out of a run of Chinese characters can be off by half
// a character, and every word box is as tall as its line. The viewer draws hits and the PDF
// selects text with these boxes, so each box is moved onto its characters: within its line,
// the left edge goes to the nearest start of ink after an ink-free column (at most half a line
// height away), the right edge to the nearest end of ink at the word's original width from
// there, and top and bottom to the ink between those edges.
#include <opencv2/core.hpp>

#include "models/ocr_page.h"

namespace xueji {

// `ink`: 8-bit mask of the recognized image (non-zero = ink), the same size as the page.
void snap_boxes_to_ink(OcrPage& page, const cv::Mat& ink);

}  // namespace xueji
