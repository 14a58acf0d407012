#include "archive/text_layer.h"

#include <algorithm>
#include <cmath>

#include "models/utf8.h"

namespace xueji {
namespace {

// A line at an angle: each word's run starts at its box's left edge and runs along the line.
// The band of glyphs passes through the centre of each word's box; the glyph height is what
// the box's height leaves once the tilt's share (width·sin) is taken away.
void add_rotated_line(const OcrLine& line, const std::vector<OcrWord>& words, double k, double page_height_pt,
                      std::vector<TextRun>& runs) {
  const double a = line.angle_deg * M_PI / 180.0, s = std::abs(std::sin(a)), c = std::cos(a), t = std::tan(a);
  double glyph_h = 1;
  for (const OcrWord& w : words) glyph_h = std::max(glyph_h, std::max(0.3 * w.box.h, (w.box.h - w.box.w * s) / c));
  const double font_size = glyph_h * k;
  for (const OcrWord& w : words) {
    const size_t n = utf8_to_u32(w.text).size();
    if (n == 0) continue;
    // Centre of the glyph band where the word begins (image y grows downwards; a positive
    // angle rises to the right); the em box spans 0.12 em below the baseline to 0.88 above.
    const double cx = w.box.x + w.box.w / 2.0, cy = w.box.y + w.box.h / 2.0;
    const double y_centre = cy + (cx - w.box.x) * t;
    const double length = std::max(1.0, (w.box.w - glyph_h * s) / c);
    TextRun r;
    r.text = w.text;
    r.x = w.box.x * k;
    r.baseline = page_height_pt - y_centre * k - 0.38 * font_size;
    r.font_size = font_size;
    r.h_scale = (length * k) / (static_cast<double>(n) * font_size);
    r.angle_deg = line.angle_deg;
    runs.push_back(std::move(r));
  }
}

}  // namespace

std::vector<TextRun> layout_text_runs(const OcrPage& page, double dpi, double page_height_pt) {
  const double k = 72.0 / dpi;
  const int W = page.width > 0 ? page.width : 1 << 30, H = page.height > 0 ? page.height : 1 << 30;
  std::vector<TextRun> runs;
  for (const OcrLine& line : page.lines) {
    // Words without text or with no part of their box on the page are dropped; the rest are
    // clipped to the page.
    std::vector<OcrWord> words;
    for (OcrWord w : line.words) {
      const int x0 = std::clamp(w.box.x, 0, W), y0 = std::clamp(w.box.y, 0, H);
      const int x1 = std::clamp(w.box.x + w.box.w, 0, W), y1 = std::clamp(w.box.y + w.box.h, 0, H);
      if (w.text.empty() || x1 <= x0 || y1 <= y0) continue;
      w.box = {x0, y0, x1 - x0, y1 - y0};
      words.push_back(std::move(w));
    }
    if (words.empty()) continue;
    std::sort(words.begin(), words.end(),
              [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
    int top = words.front().box.y, bottom = words.front().box.y + words.front().box.h;
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
    if (std::abs(line.angle_deg) >= 1.0 && std::abs(line.angle_deg) < 45) {
      add_rotated_line(line, words, k, page_height_pt, runs);
      continue;
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
