#pragma once
// Small UTF-8 helpers used by every module (decode/encode, validation).
#include <string>
#include <string_view>

namespace xueji {

bool is_valid_utf8(std::string_view s);
std::u32string utf8_to_u32(std::string_view s);  // invalid bytes become U+FFFD
std::string u32_to_utf8(std::u32string_view s);
void append_utf8(std::string& out, char32_t c);

}  // namespace xueji
