#include "indexer/search_query.h"

#include <algorithm>
#include <cctype>

#include "models/error.h"
#include "models/utf8.h"

namespace xueji {
namespace {

struct Token {
  std::string text;
  bool quoted = false, negated = false;
  std::string field;  // set for field:value
};

const std::vector<std::string> kFields = {"student", "name", "grade", "class", "type", "year"};

[[noreturn]] void bad(const std::string& why) { throw Error(ErrorCode::InvalidArgument, "query: " + why); }

std::vector<Token> lex(const std::u32string& q) {
  std::vector<Token> out;
  size_t i = 0;
  auto space = [](char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000; };
  while (i < q.size()) {
    while (i < q.size() && space(q[i])) ++i;
    if (i >= q.size()) break;
    Token t;
    if (q[i] == '-' && i + 1 < q.size() && !space(q[i + 1])) {
      t.negated = true;
      ++i;
    }
    // field:value
    for (const std::string& f : kFields) {
      const std::u32string pre = utf8_to_u32(f + ":");
      if (q.compare(i, pre.size(), pre) == 0) {
        t.field = f;
        i += pre.size();
        break;
      }
    }
    if (i < q.size() && (q[i] == '"' || q[i] == U'“')) {
      const char32_t close = q[i] == '"' ? U'"' : U'”';
      const size_t end = q.find(close, i + 1);
      if (end == std::u32string::npos) bad("a quote is not closed");
      t.text = u32_to_utf8(q.substr(i + 1, end - i - 1));
      t.quoted = true;
      i = end + 1;
    } else {
      const size_t start = i;
      while (i < q.size() && !space(q[i]) && q[i] != '"') ++i;
      t.text = u32_to_utf8(q.substr(start, i - start));
    }
    if (!t.field.empty() && t.text.empty()) bad(t.field + ": needs a value (e.g. " + t.field + ":…)");
    out.push_back(std::move(t));
  }
  return out;
}

void check_filter(QueryFilter& f) {
  if (f.field == "year") {
    if (f.value.size() != 4 || !std::all_of(f.value.begin(), f.value.end(), [](unsigned char c) { return std::isdigit(c); }))
      bad("year: needs a four-digit year, not '" + f.value + "'");
  } else if (f.field == "student") {
    for (char& c : f.value) {
      if (!std::isalnum(static_cast<unsigned char>(c))) bad("student: takes a 学籍号 or its beginning, not '" + f.value + "'");
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
}

}  // namespace

SearchQuery parse_query(std::string_view query) {
  if (!is_valid_utf8(query)) bad("not valid UTF-8 text");
  const std::u32string q = utf8_to_u32(query);
  if (q.size() > kMaxQueryChars)
    bad("too long (" + std::to_string(q.size()) + " characters; at most " + std::to_string(kMaxQueryChars) + ")");
  const std::vector<Token> tokens = lex(q);
  SearchQuery out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const bool is_or = !t.quoted && !t.negated && t.field.empty() && t.text == "OR";
    if (is_or) {
      if (out.clauses.empty() || i == 0 || !tokens[i - 1].field.empty() || tokens[i - 1].text == "OR")
        bad("OR needs a word on its left");
      if (i + 1 >= tokens.size()) bad("OR needs a word on its right");
      const Token& next = tokens[i + 1];
      if (!next.field.empty() || (!next.quoted && next.text == "OR")) bad("OR joins words or phrases, not filters");
      if (next.negated || out.clauses.back().exclude) bad("OR cannot join an excluded word (-…)");
      out.clauses.back().any.push_back(next.text);
      ++i;
      continue;
    }
    if (!t.field.empty()) {
      QueryFilter f{t.field, t.text, t.negated};
      check_filter(f);
      out.filters.push_back(std::move(f));
      continue;
    }
    if (t.text.empty()) continue;  // ""
    out.clauses.push_back({{t.text}, t.negated});
  }
  size_t terms = out.filters.size();
  for (const QueryClause& c : out.clauses) terms += c.any.size();
  if (terms > kMaxQueryTerms) bad("too many words (" + std::to_string(terms) + "; at most " + std::to_string(kMaxQueryTerms) + ")");
  return out;
}

}  // namespace xueji
