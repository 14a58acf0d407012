#include "models/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "models/error.h"
#include "models/utf8.h"

namespace xueji {

const char* to_string(TextEncoding e) {
  switch (e) {
    case TextEncoding::Utf8: return "UTF-8";
    case TextEncoding::Utf8Bom: return "UTF-8 (BOM)";
    case TextEncoding::Gb18030: return "GB18030";
  }
  return "?";
}

namespace {

// Converts with iconv; on an invalid or incomplete sequence returns false with its offset.
bool try_convert(std::string_view bytes, const char* from, const char* to, std::string& out, size_t& bad_offset) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw Error(ErrorCode::BadEncoding, std::string("no converter from ") + from + " to " + to);
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  out.assign(bytes.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* op = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &op, &out_left) == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        size_t used = static_cast<size_t>(op - out.data());
        out.resize(out.size() * 2);
        op = out.data() + used;
        out_left = out.size() - used;
        continue;
      }
      bad_offset = bytes.size() - in_left;
      return false;
    }
  }
  out.resize(static_cast<size_t>(op - out.data()));
  return true;
}

// Offset of the first byte that does not start or continue a valid UTF-8 sequence.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = 1;
    while (len <= 4 && i + len <= s.size() && !is_valid_utf8(s.substr(i, len))) ++len;
    if (len > 4 || i + len > s.size()) return i;
    i += len;
  }
  return s.size();
}

// "line 3, byte offset 57 (0x80, byte 12 of the line)": where a decoder stopped. Line feeds are
// never part of a GB18030 or UTF-8 multi-byte sequence, so lines are counted on the raw bytes.
std::string where(std::string_view bytes, size_t offset) {
  const std::string_view before = bytes.substr(0, offset);
  const size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  const size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  char hex[8] = "";
  if (offset < bytes.size()) std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(bytes[offset]));
  return "line " + std::to_string(line) + ", byte offset " + std::to_string(offset) + " (" +
         (offset < bytes.size() ? std::string(hex) + ", " : std::string("an incomplete character at the end, ")) +
         "byte " + std::to_string(offset - line_start + 1) + " of the line)";
}

}  // namespace

std::string convert_encoding(std::string_view bytes, const char* from, const char* to) {
  std::string out;
  size_t bad = 0;
  if (!try_convert(bytes, from, to, out, bad))
    throw Error(ErrorCode::BadEncoding, std::string("not valid ") + from + " at " + where(bytes, bad));
  return out;
}

DecodedText decode_text(std::string_view bytes) {
  DecodedText d;
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') ||
                            (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
    throw Error(ErrorCode::BadEncoding,
                "the file is UTF-16; save it as UTF-8 or GB18030 (CSV) and try again");
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    const std::string_view whole = bytes;
    bytes.remove_prefix(3);
    if (!is_valid_utf8(bytes))
      throw Error(ErrorCode::BadEncoding, "the file starts with a UTF-8 BOM but is not valid UTF-8: the first invalid byte is at " +
                                              where(whole, 3 + first_invalid_utf8(bytes)));
    d.utf8 = std::string(bytes);
    d.encoding = TextEncoding::Utf8Bom;
    return d;
  }
  if (is_valid_utf8(bytes)) {
    d.utf8 = std::string(bytes);
    d.encoding = TextEncoding::Utf8;
    return d;
  }
  size_t bad_gb = 0;
  if (!try_convert(bytes, "GB18030", "UTF-8", d.utf8, bad_gb)) {
    // Report the reading that got further: one bad byte in a GB18030 file is found far into it
    // as GB18030, and at the first Chinese character as UTF-8 (and the other way round).
    const size_t bad_utf8 = first_invalid_utf8(bytes);
    const bool gb = bad_gb >= bad_utf8;
    throw Error(ErrorCode::BadEncoding, std::string("the file is neither valid UTF-8 nor valid GB18030: read as ") +
                                            (gb ? "GB18030" : "UTF-8") + ", the first invalid byte is at " +
                                            where(bytes, gb ? bad_gb : bad_utf8));
  }
  // NUL or other control characters mean a binary or wide-character file, not a roster.
  for (char c : d.utf8)
    if (static_cast<unsigned char>(c) < 0x09)
      throw Error(ErrorCode::BadEncoding,
                  "unknown text encoding: the file holds binary data, not UTF-8 or GB18030 text");
  d.encoding = TextEncoding::Gb18030;
  return d;
}

}  // namespace xueji
