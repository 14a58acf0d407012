#pragma once
// RFC 4180 CSV (and TSV) parsing: quoted fields, doubled quotes, CRLF or LF, fields spanning lines.
#include <string>
#include <string_view>
#include <vector>

namespace xueji {

struct CsvRow {
  int line = 0;  // 1-based physical line where the row starts
  std::vector<std::string> fields;
};

std::vector<CsvRow> parse_csv(std::string_view text, char separator = ',');

// ',' unless the first line has more tabs than commas.
char guess_separator(std::string_view text);

}  // namespace xueji
