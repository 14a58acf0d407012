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

std::string word_table(const OcrPage& page) {
  std::string out;
  for (size_t l = 0; l < page.lines.size(); ++l)
    for (const OcrWord& w : page.lines[l].words)
      out += std::to_string(l) + '\t' + std::to_string(w.box.x) + '\t' + std::to_string(w.box.y) + '\t' +
             std::to_string(w.box.w) + '\t' + std::to_string(w.box.h) + '\t' + w.text + '\n';
  return out;
}

OcrPage parse_word_table(const std::string& table) {
  OcrPage page;
  size_t pos = 0;
  while (pos < table.size()) {
    size_t end = table.find('\n', pos);
    if (end == std::string::npos) end = table.size();
    const std::string row = table.substr(pos, end - pos);
    pos = end + 1;
    int f[5] = {0, 0, 0, 0, 0};
    size_t p = 0;
    bool ok = true;
    for (int& v : f) {
      const size_t tab = row.find('\t', p);
      if (tab == std::string::npos) {
        ok = false;
        break;
      }
      try {
        v = std::stoi(row.substr(p, tab - p));
      } catch (const std::exception&) {
        ok = false;
        break;
      }
      p = tab + 1;
    }
    if (!ok || f[0] < 0) continue;
    while (page.lines.size() <= static_cast<size_t>(f[0])) page.lines.emplace_back();
    page.lines[static_cast<size_t>(f[0])].words.push_back(OcrWord{row.substr(p), Box{f[1], f[2], f[3], f[4]}, 0});
  }
  return page;
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
