#pragma once
// Text folding and tokenizing for Chinese full-text search.
//
// Design notes: Chinese has no spaces, so words cannot be the index unit. Runs of CJK
// characters are indexed as single characters (unigram column) and overlapping character pairs
// (bigram column); a query of one CJK character looks up the unigram, a query of n >= 2 looks
// up the phrase of its n-1 bigrams, which only matches where those pairs stand in a row.
// Whitespace between two CJK characters does not break a run (OCR puts line breaks inside
// table cells and names), and the final check of every candidate is an exact substring test
// on the folded text with whitespace removed, so results never depend on the token scheme.
// Latin letters and digits form words (学籍号 and ID numbers match whole or by prefix).
// Folding (text_folder.h): full-width ASCII -> ASCII, lower case, Traditional -> Simplified.
#include <string>
#include <string_view>
#include <vector>

#include "indexer/text_folder.h"

namespace xueji {

struct Tokens {
  std::string unigrams;  // space-separated CJK characters and Latin/digit words
  std::string bigrams;   // space-separated CJK character pairs
};

Tokens tokenize(std::string_view utf8_text, TextFolder& folder);

}  // namespace xueji
