#include "indexer/cjk_tokens.h"

#include "models/ocr_page.h"
#include "models/utf8.h"

namespace xueji {
namespace {

bool is_space(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// CJK characters that belong in the index: ideographs, kana, hangul (not punctuation).
bool is_cjk_word_char(char32_t c) {
  return is_cjk(c) && !(c >= 0x3000 && c <= 0x303F) && !(c >= 0xFF00 && c <= 0xFFEF) &&
         !(c >= 0xFE30 && c <= 0xFE4F);
}

bool is_word_char(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= 0xC0 && c < 0x2000 && c != 0xD7 && c != 0xF7);
}

}  // namespace

Tokens tokenize(std::string_view utf8_text, TextFolder& folder) {
  const std::u32string t = folder.fold(utf8_to_u32(utf8_text));
  Tokens out;
  auto add = [](std::string& list, std::u32string_view tok) {
    if (!list.empty()) list.push_back(' ');
    list += u32_to_utf8(tok);
  };
  char32_t prev_cjk = 0;  // last CJK char of the current run, 0 when no run
  std::u32string word;
  for (size_t i = 0; i <= t.size(); ++i) {
    const char32_t c = i < t.size() ? t[i] : U' ';
    if (is_word_char(c)) {
      word.push_back(c);
      prev_cjk = 0;
      continue;
    }
    if (!word.empty()) {
      add(out.unigrams, word);
      word.clear();
    }
    if (is_cjk_word_char(c)) {
      add(out.unigrams, std::u32string(1, c));
      if (prev_cjk) add(out.bigrams, std::u32string{prev_cjk, c});
      prev_cjk = c;
    } else if (!is_space(c)) {
      prev_cjk = 0;  // punctuation ends a run; whitespace does not
    }
  }
  return out;
}

}  // namespace xueji
