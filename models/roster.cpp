#include "models/roster.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "models/catalog.h"
#include "models/csv.h"
#include "models/error.h"
#include "models/student_id.h"

namespace xueji {
namespace {

enum Column { kId, kName, kGender, kBirth, kGrade, kClass, kEthnicity, kSchool, kStatus, kColumnCount };
constexpr int kRequiredColumns = 6;  // 民族, 学校, 状态 are optional

// Column names as written by the national student-registry system and common hand-made sheets.
const std::vector<std::vector<std::string>>& column_names() {
  static const std::vector<std::vector<std::string>> kNames = {
      {"学籍号", "全国学籍号", "学籍辅号", "全国中小学生学籍号"},
      {"姓名", "学生姓名"},
      {"性别"},
      {"出生日期", "出生年月", "出生年月日"},
      {"年级", "入学年份", "年级名称"},
      {"班级", "班级名称", "班号"},
      {"民族"},
      {"学校", "学校名称", "就读学校"},
      {"状态", "学籍状态", "在校状态"},
  };
  return kNames;
}

const char* kCanonical[kColumnCount] = {"学籍号", "姓名", "性别", "出生日期", "年级", "班级", "民族", "学校", "状态"};

std::string trim(std::string_view s) {
  // Note: NUL bytes are kept so that the row can be rejected with a reason.
  auto is_space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t b = 0, e = s.size();
  while (b < e && is_space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && is_space(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  // Full-width spaces (U+3000) around a value are common in hand-typed sheets.
  const std::string ideo = "\xE3\x80\x80";
  while (out.size() >= 3 && out.compare(0, 3, ideo) == 0) out.erase(0, 3);
  while (out.size() >= 3 && out.compare(out.size() - 3, 3, ideo) == 0) out.resize(out.size() - 3);
  return out;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, "cannot read " + file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string normalize_gender(const std::string& g) {
  if (g == "男" || g == "1" || g == "M" || g == "m") return "男";
  if (g == "女" || g == "2" || g == "F" || g == "f") return "女";
  return g;
}

// The first known column whose field holds a line break.
std::optional<int> multiline_column(const CsvRow& row, const int (&index)[kColumnCount]) {
  for (int c = 0; c < kColumnCount; ++c) {
    if (index[c] < 0 || static_cast<size_t>(index[c]) >= row.fields.size()) continue;
    const std::string& f = row.fields[static_cast<size_t>(index[c])];
    const std::string t = trim(f);
    if (t.find('\n') != std::string::npos || t.find('\r') != std::string::npos) return c;
  }
  return std::nullopt;
}

}  // namespace

std::string normalize_date(std::string_view raw) {
  std::string s = trim(raw);
  static const std::regex kSep(R"(^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*(?:日)?$)");
  static const std::regex kCompact(R"(^(\d{4})(\d{2})(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(s, m, kSep) && !std::regex_match(s, m, kCompact)) return {};
  int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 ||
      d > days[mo - 1] + (mo == 2 && leap ? 1 : 0))
    return {};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
  return buf;
}

RosterParse parse_roster(std::string_view bytes) {
  RosterParse out;
  DecodedText text = decode_text(bytes);
  out.encoding = text.encoding;
  std::vector<CsvRow> rows = parse_csv(text.utf8, guess_separator(text.utf8));
  if (rows.empty()) throw Error(ErrorCode::BadFormat, "the roster is empty (no header row)");

  // Map header columns.
  int index[kColumnCount];
  std::fill(std::begin(index), std::end(index), -1);
  const auto& header = rows.front().fields;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = trim(header[i]);
    for (int c = 0; c < kColumnCount; ++c) {
      const auto& names = column_names()[c];
      if (index[c] < 0 && std::find(names.begin(), names.end(), h) != names.end())
        index[c] = static_cast<int>(i);
    }
  }
  std::string missing;
  for (int c = 0; c < kRequiredColumns; ++c)
    if (index[c] < 0) missing += std::string(missing.empty() ? "" : ", ") + kCanonical[c];
  if (!missing.empty())
    throw Error(ErrorCode::BadFormat,
                "the roster header lacks column(s): " + missing +
                    " (expected 学籍号,姓名,性别,出生日期,年级,班级; encoding read as " +
                    to_string(text.encoding) + ")");

  std::set<std::string> seen;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    auto field = [&](Column c) -> std::string {
      if (index[c] < 0) return {};
      size_t i = static_cast<size_t>(index[c]);
      return i < row.fields.size() ? trim(row.fields[i]) : std::string();
    };
    auto reject = [&](std::string reason) {
      if (row.end_line > row.line)
        reason = "a quoted field runs from line " + std::to_string(row.line) + " to line " +
                 std::to_string(row.end_line) + " (an unbalanced quote?) and the record is not a valid row: " + reason;
      out.rejected.push_back({row.line, std::max(row.line, row.end_line), std::move(reason)});
    };
    if (row.unterminated_quote) {
      reject("a quote opened on this line is never closed");
      continue;
    }
    // RFC 4180 lets a quoted field hold line breaks, but no roster column does: a break in one
    // is a quote that swallowed the next row(s).
    if (const auto broken = multiline_column(row, index)) {
      reject(std::string(kCanonical[*broken]) + " holds a line break");
      continue;
    }
    StudentIdCheck id = check_student_id(field(kId));
    if (!id.valid) {
      reject("学籍号 '" + field(kId) + "': " + id.reason);
      continue;
    }
    Student s;
    s.id = id.normalized;
    s.name = field(kName);
    if (s.name.empty()) {
      reject("姓名 is empty");
      continue;
    }
    s.gender = normalize_gender(field(kGender));
    std::string birth = field(kBirth);
    s.birth_date = normalize_date(birth);
    if (!birth.empty() && s.birth_date.empty()) {
      reject("出生日期 '" + birth + "' is not a valid date");
      continue;
    }
    if ((s.id[0] == 'G' || s.id[0] == 'J') && !s.birth_date.empty()) {
      std::string from_id = s.id.substr(7, 4) + "-" + s.id.substr(11, 2) + "-" + s.id.substr(13, 2);
      if (from_id != s.birth_date) {
        reject("出生日期 " + s.birth_date + " does not match the birth date " + from_id +
               " in the 学籍号");
        continue;
      }
    }
    s.grade = field(kGrade);
    s.class_name = field(kClass);
    s.ethnicity = field(kEthnicity);
    s.school = field(kSchool);
    if (!field(kStatus).empty()) s.status = field(kStatus);
    bool bad_char = false;
    for (const std::string* f : {&s.name, &s.grade, &s.class_name, &s.school})
      bad_char = bad_char || f->find('\0') != std::string::npos;
    if (bad_char) {
      reject("a field contains a NUL character");
      continue;
    }
    if (!seen.insert(s.id).second) {
      reject("学籍号 " + s.id + " appears twice in the file");
      continue;
    }
    out.rows.emplace_back(row.line, std::move(s));
  }
  return out;
}

RosterImportResult import_roster(Catalog& catalog, const std::filesystem::path& file, bool dry_run) {
  RosterParse parsed = parse_roster(read_file(file));
  RosterImportResult result;
  result.encoding = parsed.encoding;
  result.rejected = std::move(parsed.rejected);
  Catalog::Write tx(catalog);
  for (const auto& [line, student] : parsed.rows) {
    switch (catalog.upsert_student(student)) {
      case Catalog::Upsert::Added:
        ++result.added;
        result.changes.push_back({line, student.id, "add"});
        break;
      case Catalog::Upsert::Updated:
        ++result.updated;
        result.changes.push_back({line, student.id, "update"});
        break;
      case Catalog::Upsert::Unchanged: ++result.unchanged; break;
    }
  }
  if (!dry_run) tx.commit();  // a dry run rolls everything back
  return result;
}

}  // namespace xueji
