#include "models/csv.h"

#include <algorithm>

namespace xueji {
namespace {

// Splits one physical line at the separator, quotes kept as written.
std::vector<std::string> split_raw(std::string_view line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep) out.emplace_back();
    else if (c != '\r') out.back().push_back(c);
  }
  return out;
}

}  // namespace

char guess_separator(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  auto tabs = std::count(first.begin(), first.end(), '\t');
  auto commas = std::count(first.begin(), first.end(), ',');
  return tabs > commas ? '\t' : ',';
}

std::vector<CsvRow> parse_csv(std::string_view text, char sep) {
  std::vector<CsvRow> rows;
  size_t pos = 0;  // where parsing (re)starts
  int line = 1;
  for (;;) {
    CsvRow row;
    std::string field;
    bool in_quotes = false, field_started = false;
    size_t row_start = pos;  // offset of the current row's first character
    row.line = line;
    auto end_row = [&] {
      row.fields.push_back(std::move(field));
      field.clear();
      row.end_line = line;
      const bool blank = row.fields.size() == 1 && row.fields[0].empty();
      if (!blank) rows.push_back(std::move(row));
      row = CsvRow{};
      field_started = false;
    };
    for (size_t i = pos; i < text.size(); ++i) {
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
        }
        continue;
      }
      if (c == '"' && !field_started) {
        in_quotes = true;
        field_started = true;
      } else if (c == sep) {
        row.fields.push_back(std::move(field));
        field.clear();
        field_started = false;
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        // handled by the '\n'
      } else if (c == '\n' || c == '\r') {
        end_row();
        ++line;
        row.line = line;
        row_start = i + 1;
      } else {
        field.push_back(c);
        field_started = true;
      }
    }
    if (!in_quotes) {
      if (field_started || !field.empty() || !row.fields.empty()) end_row();
      return rows;
    }
    // End of file inside quotes: the quote is unbalanced. The row's first line is kept as
    // written (to be reported), and parsing starts again on the next line.
    const size_t nl = text.find('\n', row_start);
    CsvRow bad;
    bad.line = bad.end_line = row.line;
    bad.unterminated_quote = true;
    bad.fields = split_raw(text.substr(row_start, nl == std::string_view::npos ? text.npos : nl - row_start), sep);
    rows.push_back(std::move(bad));
    if (nl == std::string_view::npos) return rows;
    pos = nl + 1;
    line = row.line + 1;
  }
}

}  // namespace xueji
