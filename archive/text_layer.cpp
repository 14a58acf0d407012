#include "archive/text_layer.h"

#include <algorithm>

#include "models/utf8.h"

namespace xueji {

std::vector<TextRun> layout_text_runs(const OcrPage& page, double dpi, double page_height_pt) {
  const double k = 72.0 / dpi;
  std::vector<TextRun> runs;
  for (const OcrLine& line : page.lines) {
    std::vector<OcrWord> words = line.words;
    std::sort(words.begin(), words.end(),
              [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
    int top = line.box.y, bottom = line.box.y + line.box.h;
    for (const OcrWord& w : words) {
      top = std::min(top, w.box.y);
      bottom = std::max(bottom, w.box.y + w.box.h);
    }
    const int height = std::max(1, bottom - top);
    // Non-overlapping boxes; close small gaps next to CJK characters.
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      Box& a = words[i].box;
      const Box& b = words[i + 1].box;
      const int gap = b.x - (a.x + a.w);
      const std::u32string ta = utf8_to_u32(words[i].text), tb = utf8_to_u32(words[i + 1].text);
      const bool cjk = (!ta.empty() && is_cjk(ta.back())) || (!tb.empty() && is_cjk(tb.front()));
      if (gap < 0 || (cjk && gap < height)) a.w = std::max(1, b.x - a.x);
    }
    const double font_size = height * k;
    const double baseline = page_height_pt - bottom * k + 0.12 * font_size;
    for (const OcrWord& w : words) {
      const size_t n = utf8_to_u32(w.text).size();
      if (n == 0) continue;
      TextRun r;
      r.text = w.text;
      r.x = w.box.x * k;
      r.baseline = baseline;
      r.font_size = font_size;
      r.h_scale = (w.box.w * k) / (static_cast<double>(n) * font_size);
      runs.push_back(std::move(r));
    }
  }
  return runs;
}

}  // namespace xueji
