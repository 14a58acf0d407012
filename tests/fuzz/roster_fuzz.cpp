// The roster reader over arbitrary bytes: encoding detection, CSV/TSV splitting (quotes, line
// breaks in fields, unterminated quotes), header matching, row validation and date parsing.
// Only xueji::Error may leave the parser; anything else (another exception, a sanitizer
// report) is a finding.
#include <cstdint>
#include <string_view>

#include "models/csv.h"
#include "models/error.h"
#include "models/roster.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const char separator = xueji::guess_separator(bytes);
  for (const xueji::CsvRow& row : xueji::parse_csv(bytes, separator)) {
    if (row.line < 1 || row.end_line < row.line) __builtin_trap();  // the header's promise
    for (const std::string& field : row.fields) xueji::normalize_date(field);
  }
  try {
    const xueji::RosterParse parse = xueji::parse_roster(bytes);
    for (const auto& reject : parse.rejected)
      if (reject.line < 1 || reject.end_line < reject.line) __builtin_trap();
  } catch (const xueji::Error&) {
    // A file that is not a roster at all: refused with a typed error, as it should be.
  }
  return 0;
}
