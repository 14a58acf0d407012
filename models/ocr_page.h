#pragma once
// The OCR result model that everything after recognition reads: PDF text layer, index, viewer.
#include <optional>
#include <string>
#include <vector>

namespace xueji {

struct Box {
  int x = 0, y = 0, w = 0, h = 0;  // pixels of the image that was recognized
};

struct OcrWord {
  std::string text;  // UTF-8
  Box box;
  float confidence = 0;  // 0..100
};

struct OcrLine {
  std::vector<OcrWord> words;
  Box box;
  int baseline = 0;  // y of the baseline in image pixels (at the line's middle)
  // Slope of the baseline, degrees, counter-clockwise on screen positive (a residual skew the
  // cleanup left, or a line set at an angle); 0 for level text.
  double angle_deg = 0;
  std::string text() const;  // words joined; no space between CJK characters
  std::string folded;        // text() folded Traditional -> Simplified (for the index)
};

struct OcrPage {
  int width = 0, height = 0;
  double dpi = 0;
  // For a page without text: how sure (0..100) we are that there is none (the blank-page
  // analysis); recognition is skipped for blank pages.
  double no_text_confidence = 0;
  std::vector<OcrLine> lines;  // reading order
  // The lean of the page's text lines as the text detector found them (degrees,
  // counter-clockwise positive), when enough of them agree; not kept in the catalog.
  std::optional<double> text_lean_deg;
  // Of the detector's long text regions (3 or more times as long as wide), the share that
  // stand upright on the page: text lines turned a quarter. Forms are written across, so a
  // page whose long lines stand is turned, however confidently some of it reads (digits, 一
  // and 丨, symmetric characters). nullopt: no long regions, or no detector; not kept.
  std::optional<double> standing_line_share;
  std::string text() const;    // lines joined by '\n'
  std::string folded_text() const;  // the lines' folded forms joined by '\n'
  double mean_confidence() const;  // of the words; no_text_confidence when there are none
};

// The words of a page with their boxes, one per line: "<line>\t<x>\t<y>\t<w>\t<h>\t<text>"
// (word texts hold no whitespace). Kept with each page in the catalog.
std::string word_table(const OcrPage& page);
OcrPage parse_word_table(const std::string& table);  // lines and words only (no sizes)

// True when the code point belongs to a CJK script (Han, kana, hangul, CJK punctuation,
// full-width forms): no space is written between two such characters.
bool is_cjk(char32_t c);

}  // namespace xueji
