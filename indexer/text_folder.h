#pragma once
// Character folding for search, applied the same way to page texts and to queries: full-width
// ASCII -> ASCII, ideographic space -> space, upper -> lower case, and Traditional ->
// Simplified Chinese (OpenCC's t2s, character by character so that every folded character
// still stands where its original stood: snippets and hit boxes map back exactly).
//
// Design notes: OpenCC converts strings; calling it per character for every page would be
// slow, so each ideograph's folded form is asked for once and kept in a table (one entry per
// BMP code point, filled on first use). One TextFolder per thread; it is not shared.
#include <string>
#include <string_view>
#include <vector>

#include "models/chinese_fold.h"

namespace xueji {

class TextFolder {
 public:
  TextFolder();
  char32_t fold(char32_t c);
  std::u32string fold(std::u32string_view s);
  // The folded text without whitespace: the space in which substring matches are checked.
  std::u32string compact(std::string_view utf8_text);

 private:
  ChineseFolder opencc_;
  std::vector<char32_t> han_;  // 0 = not asked yet
};

}  // namespace xueji
