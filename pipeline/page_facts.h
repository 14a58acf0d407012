#pragma once
// What a processed page tells the batch splitter (pipeline/batch_split.h): the separator sheet
// the sheet stage read, the blank decision, and — from the recognized text — the roster 学籍号,
// other 学籍号-shaped strings, roster names and the document type its title names.
//
// Design notes (reading numbers from OCR text): the text is taken with spaces removed and
// full-width forms folded. A 学籍号 is a letter (G, J, L) and 18 characters of digits and X; the
// 18-character ID number alone (a 成绩单 may print only the 身份证号) counts as that student's
// number too. A run of 16–20 digits/X that matches no roster number is "other" (a misread or
// a stranger); shorter numbers (dates, phone numbers, scores) are ignored.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/student.h"
#include "pipeline/batch_split.h"
#include "pipeline/page_stages.h"

namespace xueji {

struct RosterIndex {
  std::set<std::string> ids;                 // 学籍号, normalized
  std::map<std::string, std::string> names;  // name -> 学籍号, names that are unique in the roster
  std::vector<std::string> doc_types;        // type names a title may carry (longest first)
};

RosterIndex make_roster_index(const std::vector<Student>& students, const std::vector<std::string>& doc_types);

// `text`: the page's lines in reading order; `title_lines`: how many of the first lines are
// looked at for a document type.
PageFacts text_facts(const std::vector<std::string>& lines, const RosterIndex& roster, int title_lines = 4);

PageFacts page_facts(const PageWork& work, const RosterIndex& roster);

}  // namespace xueji
