#pragma once
// Decoding of text files from Chinese sources: UTF-8 (with or without BOM) or GB18030
// (what Chinese Excel writes for "CSV"). Anything else is refused with a clear message.
#include <string>
#include <string_view>

namespace xueji {

enum class TextEncoding { Utf8, Utf8Bom, Gb18030 };

struct DecodedText {
  std::string utf8;
  TextEncoding encoding = TextEncoding::Utf8;
};

// Throws Error(BadEncoding) when the bytes are neither valid UTF-8 nor valid GB18030.
DecodedText decode_text(std::string_view bytes);

// Converts with iconv; throws Error(BadEncoding) on an invalid sequence.
std::string convert_encoding(std::string_view bytes, const char* from, const char* to);

const char* to_string(TextEncoding e);

}  // namespace xueji
