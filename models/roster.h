#pragma once
// Roster import: a CSV/TSV export of the student registry, header row
// 学籍号,姓名,性别,出生日期,年级,班级 (common variants accepted; 民族, 学校, 状态 optional),
// UTF-8 (BOM or not) or GB18030.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/student.h"
#include "models/text_encoding.h"

namespace xueji {

class Catalog;

struct RosterReject {
  int line = 0;      // 1-based line in the file where the record starts
  int end_line = 0;  // and where it ends (> line when a quoted field spans lines)
  std::string reason;
};

struct RosterParse {
  TextEncoding encoding = TextEncoding::Utf8;
  std::vector<std::pair<int, Student>> rows;  // line, student
  std::vector<RosterReject> rejected;
};

// Parses and validates a roster; throws Error(BadEncoding/BadFormat) for a file that cannot be
// read as a roster at all (unknown encoding, missing columns). Bad rows are listed in `rejected`.
RosterParse parse_roster(std::string_view bytes);

// Accepts 2008-01-01, 2008/1/1, 2008.1.1, 20080101 and 2008年1月1日; returns ISO yyyy-mm-dd or "".
std::string normalize_date(std::string_view raw);

struct RosterChange {
  int line = 0;
  std::string student_id;
  std::string action;  // add | update
};

struct RosterImportResult {
  TextEncoding encoding = TextEncoding::Utf8;
  int added = 0, updated = 0, unchanged = 0;
  std::vector<RosterReject> rejected;
  std::vector<RosterChange> changes;
};

// Reads, validates and upserts the roster in one transaction (each change audited); with
// `dry_run` reports what would change and changes nothing.
RosterImportResult import_roster(Catalog& catalog, const std::filesystem::path& file, bool dry_run = false);

}  // namespace xueji
