#include "pipeline/page_facts.h"

#include <algorithm>

#include "models/utf8.h"

namespace xueji {
namespace {

// Whitespace removed (or, with `keep_space`, each run of it kept as one space), full-width
// ASCII folded, Latin letters upper-cased.
std::u32string plain(std::string_view text, bool keep_space = false) {
  std::u32string out;
  for (char32_t c : utf8_to_u32(text)) {
    if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x3000) {
      if (keep_space && !out.empty() && out.back() != U' ') out.push_back(U' ');
      continue;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c >= U'a' && c <= U'z') c -= 32;
    out.push_back(c);
  }
  return out;
}

bool id_char(char32_t c) { return (c >= U'0' && c <= U'9') || c == U'X'; }

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

RosterIndex make_roster_index(const std::vector<Student>& students, const std::vector<std::string>& doc_types) {
  RosterIndex r;
  std::map<std::string, int> name_count;
  for (const Student& s : students) {
    r.ids.insert(s.id);
    if (utf8_to_u32(s.name).size() >= 2) ++name_count[s.name];
  }
  for (const Student& s : students)
    if (name_count.count(s.name) && name_count[s.name] == 1) r.names[s.name] = s.id;
  for (const std::string& t : doc_types)
    if (!t.empty() && t != "其他") r.doc_types.push_back(t);
  std::stable_sort(r.doc_types.begin(), r.doc_types.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return r;
}

PageFacts text_facts(const std::vector<std::string>& lines, const RosterIndex& roster, int title_lines) {
  PageFacts f;
  std::u32string all, spaced;
  for (const std::string& l : lines) {
    all += plain(l) + U'|';  // no number runs on across lines
    spaced += plain(l, true) + U'|';
  }

  // Numbers: runs of digits and X (single spaces inside allowed: OCR may split a number), with
  // the letter before them. A run with spaces that matches no roster number is no evidence of
  // anything: table rows of scores read as one run of digits.
  std::map<std::string, std::string> by_number;  // the 18-character ID number -> 学籍号
  for (const std::string& id : roster.ids)
    if (id.size() == 19) by_number[id.substr(1)] = id;
  for (size_t i = 0; i < spaced.size();) {
    if (!id_char(spaced[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    std::u32string run;
    bool split = false;
    while (j < spaced.size() && (id_char(spaced[j]) || (spaced[j] == U' ' && j + 1 < spaced.size() && id_char(spaced[j + 1])))) {
      if (spaced[j] == U' ') split = true;
      else run.push_back(spaced[j]);
      ++j;
    }
    const size_t len = run.size();
    if (len >= 16 && len <= 20) {
      const std::string digits = u32_to_utf8(run);
      const char32_t before = i > 0 ? spaced[i - 1] : 0;
      const bool lettered = before == U'G' || before == U'J' || before == U'L';
      std::string match;
      if (lettered && roster.ids.count(char(before) + digits)) match = char(before) + digits;
      else if (auto it = by_number.find(digits); it != by_number.end()) match = it->second;
      if (!match.empty()) add_unique(f.roster_ids, match);
      else if (lettered || !split) add_unique(f.other_ids, (lettered ? std::string(1, char(before)) : "") + digits);
    }
    i = j;
  }

  const std::string text = u32_to_utf8(all);
  for (const auto& [name, id] : roster.names)
    if (text.find(name) != std::string::npos) add_unique(f.name_ids, id);

  for (int k = 0; k < title_lines && k < static_cast<int>(lines.size()) && f.title_type.empty(); ++k) {
    const std::string line = u32_to_utf8(plain(lines[k]));
    for (const std::string& t : roster.doc_types)
      if (line.find(t) != std::string::npos) {
        f.title_type = t;
        break;
      }
  }
  return f;
}

PageFacts page_facts(const PageWork& work, const RosterIndex& roster) {
  PageFacts f;
  if (work.sheet) {
    if (work.sheet->found) f.sheet = work.sheet->code;
    else if (work.sheet->misread) f.sheet_misread = true;
    if (f.sheet || f.sheet_misread) return f;
  }
  std::vector<std::string> lines;
  for (const OcrLine& l : work.ocr.lines) lines.push_back(l.folded.empty() ? l.text() : l.folded);
  f = text_facts(lines, roster);
  f.blank = work.cleaned.analysis.boxes.blank && work.ocr.lines.empty();
  return f;
}

}  // namespace xueji
