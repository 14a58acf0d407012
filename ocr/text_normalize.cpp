#include "ocr/text_normalize.h"

#include "models/utf8.h"

namespace xueji {
namespace {

char32_t full_width(char32_t c) {
  switch (c) {
    case ':': return U'：';
    case ',': return U'，';
    case ';': return U'；';
    case '(': return U'（';
    case ')': return U'）';
    case '!': return U'！';
    case '?': return U'？';
  }
  return 0;
}

bool is_cjk_letter(char32_t c) { return c >= 0x3400 && c <= 0x9FFF; }

}  // namespace

void normalize_punctuation(OcrLine& line) {
  // The line's characters in order, with the word each belongs to.
  std::vector<std::u32string> words;
  for (const OcrWord& w : line.words) words.push_back(utf8_to_u32(w.text));
  std::vector<std::pair<size_t, size_t>> pos;  // (word, index)
  for (size_t w = 0; w < words.size(); ++w)
    for (size_t i = 0; i < words[w].size(); ++i) pos.emplace_back(w, i);
  auto at = [&](long k) -> char32_t {
    if (k < 0 || k >= static_cast<long>(pos.size())) return 0;
    return words[pos[static_cast<size_t>(k)].first][pos[static_cast<size_t>(k)].second];
  };
  for (long k = 0; k < static_cast<long>(pos.size()); ++k) {
    const char32_t fw = full_width(at(k));
    if (!fw) continue;
    // An opening bracket looks ahead, a closing one behind; others look both ways.
    const char32_t c = at(k);
    const bool cjk_before = is_cjk_letter(at(k - 1)), cjk_after = is_cjk_letter(at(k + 1));
    const bool to_full = c == '(' ? cjk_after || cjk_before : c == ')' ? cjk_before || cjk_after : cjk_before || cjk_after;
    if (to_full) words[pos[static_cast<size_t>(k)].first][pos[static_cast<size_t>(k)].second] = fw;
  }
  // A lone dash after 第 or before 等 is the character 一 (one): 一 and — differ only in weight
  // (measured on stress pages: 第一中学 read as 第—中学 in a Song face). Elsewhere a dash between
  // Chinese characters is a range (初一—初三) and stays.
  for (long k = 0; k < static_cast<long>(pos.size()); ++k)
    if (at(k) == U'—' && at(k - 1) != U'—' && at(k + 1) != U'—' &&
        ((at(k - 1) == U'第' && is_cjk_letter(at(k + 1))) || (at(k + 1) == U'等' && is_cjk_letter(at(k - 1)))))
      words[pos[static_cast<size_t>(k)].first][pos[static_cast<size_t>(k)].second] = U'一';
  for (size_t w = 0; w < words.size(); ++w) line.words[w].text = u32_to_utf8(words[w]);
}

}  // namespace xueji
