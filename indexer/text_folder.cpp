#include "indexer/text_folder.h"

#include "models/utf8.h"

namespace xueji {

TextFolder::TextFolder() : han_(0x10000, 0) {}

char32_t TextFolder::fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return fold(c - 0xFEE0);  // full-width ASCII
  if (c == 0x3000) return ' ';
  if (c >= 'A' && c <= 'Z') return c + 32;
  const bool han = (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
  if (!han) return c;
  char32_t& slot = han_[c];
  if (!slot) {
    const std::u32string s = utf8_to_u32(opencc_.fold(u32_to_utf8(std::u32string(1, c))));
    slot = s.size() == 1 ? s[0] : c;  // only one-to-one foldings keep positions exact
  }
  return slot;
}

std::u32string TextFolder::fold(std::u32string_view s) {
  std::u32string out(s);
  for (char32_t& c : out) c = fold(c);
  return out;
}

std::u32string TextFolder::compact(std::string_view utf8_text) {
  std::u32string out;
  for (char32_t c : utf8_to_u32(utf8_text)) {
    c = fold(c);
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

}  // namespace xueji
