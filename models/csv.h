#pragma once
// RFC 4180 CSV (and TSV) parsing: quoted fields, doubled quotes, CRLF or LF, fields spanning lines.
#include <string>
#include <string_view>
#include <vector>

namespace xueji {

struct CsvRow {
  int line = 0;      // 1-based physical line where the row starts
  int end_line = 0;  // and where it ends (> line when a quoted field holds a line break)
  // A quote opened on `line` is never closed: the row holds that line's fields as written
  // (quote included) and parsing went on with the next line, instead of the rest of the file
  // becoming one field.
  bool unterminated_quote = false;
  std::vector<std::string> fields;
};

std::vector<CsvRow> parse_csv(std::string_view text, char separator = ',');

// ',' unless the first line has more tabs than commas.
char guess_separator(std::string_view text);

}  // namespace xueji
