#pragma once
// The search query language.
//
//   张伟 "学习认真"          words and quoted phrases: all must match (implicit AND)
//   数学 OR 语文             either (OR binds the neighbouring words into one alternative)
//   -转学                    pages without it
//   student:G1101 name:晓雯 grade:2015 class:3 type:成绩单 year:2015
//                            field filters: 学籍号 prefix, name contains, grade contains, class
//                            (3 or 3班), document type (name or code), year of the document's
//                            date (or of its capture when it has none); -type:… excludes
//
// A malformed query is an Error(InvalidArgument) with a message for the user; nothing in a
// query reaches SQL or FTS5 syntax unescaped.
#include <string>
#include <string_view>
#include <vector>

namespace xueji {

struct QueryClause {
  std::vector<std::string> any;  // alternatives (OR); one for a plain word or phrase
  bool exclude = false;
};

struct QueryFilter {
  std::string field;  // student, name, grade, class, type, year
  std::string value;
  bool exclude = false;
};

struct SearchQuery {
  std::vector<QueryClause> clauses;
  std::vector<QueryFilter> filters;
};

constexpr size_t kMaxQueryChars = 1000;
constexpr size_t kMaxQueryTerms = 32;

SearchQuery parse_query(std::string_view query);

}  // namespace xueji
