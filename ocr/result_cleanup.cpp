#include "ocr/result_cleanup.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include "models/utf8.h"

namespace xueji {
namespace {

// The punctuation the recognizer invents in empty space (measured: quotes, commas, dots, '@',
// '|'); colons are left alone, real ones are often read with low confidence.
bool is_punctuation(char32_t c) {
  static const std::u32string set = U"“”‘’\"'`,.，。、@|/\\·_~^*<>";
  return set.find(c) != std::u32string::npos;
}

bool punctuation_only(const std::string& text) {
  const std::u32string cps = utf8_to_u32(text);
  return !cps.empty() && std::all_of(cps.begin(), cps.end(), is_punctuation);
}

}  // namespace

// A word that is only vertical bars is a table rule or a paper edge the line removal missed
// (a rule cut short by the scan's edge, a border beside a cell); school records never print a
// bar as text.
bool bar_only(const std::string& text) {
  const std::u32string cps = utf8_to_u32(text);
  return !cps.empty() && std::all_of(cps.begin(), cps.end(), [](char32_t c) { return c == U'|' || c == U'｜' || c == U'丨'; });
}

void drop_punctuation_inside(OcrPage& page, const Box& area) {
  auto inside = [&](const Box& b) {
    return b.x >= area.x && b.y >= area.y && b.x + b.w <= area.x + area.w && b.y + b.h <= area.y + area.h;
  };
  // not '/', '-' or '—': forms mark an empty field with them
  auto mark_only = [](const std::string& text) {
    const std::u32string cps = utf8_to_u32(text);
    return !cps.empty() && std::all_of(cps.begin(), cps.end(), [](char32_t c) {
      return std::u32string_view(U".．·‘’'`,，、:：;；").find(c) != std::u32string_view::npos;
    });
  };
  for (OcrLine& line : page.lines)
    std::erase_if(line.words, [&](const OcrWord& w) { return inside(w.box) && mark_only(w.text); });
  drop_empty(page);
}

void drop_phantom_punctuation(OcrPage& page, const ResultCleanupParams& params) {
  for (OcrLine& line : page.lines)
    std::erase_if(line.words, [&](const OcrWord& w) {
      return bar_only(w.text) || (punctuation_only(w.text) && w.confidence < params.min_punctuation_word_confidence);
    });

  // Curly quotes: pair each “ with the next ” in reading order; unpaired ones are removed.
  struct Pos {
    size_t line, word, index;
    char32_t c;
  };
  std::vector<std::vector<std::u32string>> text;
  std::vector<Pos> quotes;
  for (size_t l = 0; l < page.lines.size(); ++l) {
    text.emplace_back();
    for (size_t w = 0; w < page.lines[l].words.size(); ++w) {
      text[l].push_back(utf8_to_u32(page.lines[l].words[w].text));
      for (size_t i = 0; i < text[l][w].size(); ++i) {
        const std::u32string& t = text[l][w];
        const auto latin = [](char32_t c) { return (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z'); };
        if (t[i] == U'’' && i > 0 && i + 1 < t.size() && latin(t[i - 1]) && latin(t[i + 1])) continue;  // Xi’an
        if (std::u32string_view(U"“”‘’").find(t[i]) != std::u32string_view::npos) quotes.push_back({l, w, i, t[i]});
      }
    }
  }
  if (quotes.empty()) return;
  std::vector<bool> keep(quotes.size(), false);
  std::optional<size_t> open_double, open_single;  // “ ” and ‘ ’ pair on their own (‘’ nest in “”)
  for (size_t q = 0; q < quotes.size(); ++q) {
    const char32_t c = quotes[q].c;
    std::optional<size_t>& open = c == U'“' || c == U'”' ? open_double : open_single;
    if (c == U'“' || c == U'‘') {
      open = q;  // a second opening quote replaces an unclosed one
    } else if (open) {
      keep[*open] = keep[q] = true;
      open.reset();
    }
  }
  for (size_t q = quotes.size(); q-- > 0;)
    if (!keep[q]) text[quotes[q].line][quotes[q].word].erase(quotes[q].index, 1);
  for (size_t l = 0; l < page.lines.size(); ++l)
    for (size_t w = 0; w < page.lines[l].words.size(); ++w) page.lines[l].words[w].text = u32_to_utf8(text[l][w]);
  drop_empty(page);
}

std::vector<std::vector<size_t>> overlapping_line_groups(const OcrPage& page) {
  const size_t n = page.lines.size();
  std::vector<size_t> parent(n);
  std::iota(parent.begin(), parent.end(), size_t{0});
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      const Box& a = page.lines[i].box;
      const Box& b = page.lines[j].box;
      const int v = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
      const int h = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
      if (h > 0 && v > std::min(a.h, b.h) / 2) parent[find(j)] = find(i);
    }
  std::vector<std::vector<size_t>> groups(n);
  for (size_t i = 0; i < n; ++i) groups[find(i)].push_back(i);
  std::erase_if(groups, [](const std::vector<size_t>& g) { return g.size() < 2; });
  return groups;
}

void drop_empty(OcrPage& page) {
  for (OcrLine& l : page.lines) std::erase_if(l.words, [](const OcrWord& w) { return w.text.empty(); });
  std::erase_if(page.lines, [](const OcrLine& l) { return l.words.empty(); });
}

}  // namespace xueji
