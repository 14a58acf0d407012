#pragma once
// Clean-up of Tesseract's raw result, measured on generated school-record pages (see
// bench/ocr_cer.py): the LSTM invents punctuation in the wide empty gaps between form fields
// and in paragraph indents, and splits the top strokes of large title characters into a line
// of their own.
#include <vector>

#include "models/ocr_page.h"

namespace xueji {

struct ResultCleanupParams {
  // Words made only of punctuation below this confidence are dropped (measured: removes 58
  // phantom characters for 11 real ones lost on 100 mixed pages).
  float min_punctuation_word_confidence = 50;
};

// Drops low-confidence punctuation-only words, words that are only vertical bars (rules), and
// curly quotes, double or single, that have no partner on the page (Chinese quotation marks come
// in pairs; the phantoms come alone).
void drop_phantom_punctuation(OcrPage& page, const ResultCleanupParams& params = {});

// Words made only of small marks (. · ‘ ’ , 、 : ;) whose box lies inside `area` (a seal's box on
// the OCR image) are dropped: what the recognizer reads in the remnants of a seal's ring and
// star (measured on stress pages: '.', '·', '‘', ':' inserted beside the print under seals).
// Dashes and slashes stay: forms mark empty fields with them.
void drop_punctuation_inside(OcrPage& page, const Box& area);

// Groups of lines whose boxes overlap (vertically by more than half the smaller height and
// horizontally at all): Tesseract split one line of large characters; such a group should be
// read again as one line. Returns index groups of two or more lines.
std::vector<std::vector<size_t>> overlapping_line_groups(const OcrPage& page);

// Removes empty words and lines.
void drop_empty(OcrPage& page);

}  // namespace xueji
