#include "models/text_encoding.h"

#include <iconv.h>

#include <cerrno>
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

std::string convert_encoding(std::string_view bytes, const char* from, const char* to) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw Error(ErrorCode::BadEncoding, std::string("no converter from ") + from + " to " + to);
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(bytes.size() * 4 + 16, '\0');
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
      size_t offset = bytes.size() - in_left;
      throw Error(ErrorCode::BadEncoding, std::string("not valid ") + from + " at byte " +
                                              std::to_string(offset));
    }
  }
  out.resize(static_cast<size_t>(op - out.data()));
  return out;
}

DecodedText decode_text(std::string_view bytes) {
  DecodedText d;
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') ||
                            (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
    throw Error(ErrorCode::BadEncoding,
                "the file is UTF-16; save it as UTF-8 or GB18030 (CSV) and try again");
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
    if (!is_valid_utf8(bytes))
      throw Error(ErrorCode::BadEncoding, "the file starts with a UTF-8 BOM but is not valid UTF-8");
    d.utf8 = std::string(bytes);
    d.encoding = TextEncoding::Utf8Bom;
    return d;
  }
  if (is_valid_utf8(bytes)) {
    d.utf8 = std::string(bytes);
    d.encoding = TextEncoding::Utf8;
    return d;
  }
  try {
    d.utf8 = convert_encoding(bytes, "GB18030", "UTF-8");
  } catch (const Error&) {
    throw Error(ErrorCode::BadEncoding,
                "unknown text encoding: the file is neither UTF-8 nor GB18030");
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
