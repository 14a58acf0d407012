#include "models/ocr_page.h"

#include "models/utf8.h"

namespace xueji {

bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) ||   // radicals, CJK punctuation, kana, unified ideographs
         (c >= 0xAC00 && c <= 0xD7AF) ||   // hangul
         (c >= 0xF900 && c <= 0xFAFF) ||   // compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||   // vertical forms
         (c >= 0xFF00 && c <= 0xFFEF) ||   // full-width forms
         (c >= 0x20000 && c <= 0x3FFFF);   // extension B and later
}

std::string OcrLine::text() const {
  std::string out;
  char32_t prev_last = 0;
  for (const OcrWord& w : words) {
    if (w.text.empty()) continue;
    const std::u32string u = utf8_to_u32(w.text);
    if (!out.empty() && !(is_cjk(prev_last) || is_cjk(u.front()))) out.push_back(' ');
    out += w.text;
    prev_last = u.back();
  }
  return out;
}

std::string OcrPage::text() const {
  std::string out;
  for (const OcrLine& l : lines) {
    std::string t = l.text();
    if (t.empty()) continue;
    if (!out.empty()) out.push_back('\n');
    out += t;
  }
  return out;
}

std::string OcrPage::folded_text() const {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i].folded;
  }
  return out;
}

double OcrPage::mean_confidence() const {
  double sum = 0;
  int n = 0;
  for (const OcrLine& l : lines)
    for (const OcrWord& w : l.words) {
      sum += w.confidence;
      ++n;
    }
  return n ? sum / n : no_text_confidence;
}

}  // namespace xueji
