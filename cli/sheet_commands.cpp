#include "cli/sheet_commands.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include <CLI/CLI.hpp>

#include "archive/output_file.h"
#include "archive/separator_pdf.h"
#include "capture/separator_sheet.h"
#include "cli/archive_commands.h"
#include "cli/plural.h"
#include "cli/records_commands.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/student_filter.h"

namespace xueji::cli {
namespace {

// Runs of ASCII digits compare as numbers (3班 < 10班, 2015级 < 2016级), the rest bytewise.
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      size_t ia = i, jb = j;  // leading zeros do not count
      while (ia + 1 < ie && a[ia] == '0') ++ia;
      while (jb + 1 < je && b[jb] == '0') ++jb;
      if (ie - ia != je - jb) return ie - ia < je - jb;
      const int c = a.compare(ia, ie - ia, b, jb, je - jb);
      if (c != 0) return c < 0;
      i = ie, j = je;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::string filter_text(const SheetsArgs& a) {
  return "--grade " + a.grade + (a.class_name.empty() ? "" : " --class " + a.class_name);
}

}  // namespace

CLI::App* add_sheets_command(CLI::App& app, SheetsArgs& a) {
  auto* sub = app.add_subcommand("sheets", "print separator sheets for batch scanning: one per student (QR code with the 学籍号)");
  sub->add_option("--grade", a.grade, "年级 of the students (matching as in `student list`: 2015 finds 2015级)")->required();
  sub->add_option("--class", a.class_name, "班级 (3 finds 3班)");
  sub->add_flag("--doctypes", a.doctypes, "also one sheet per document type (once, after the students' sheets)");
  sub->add_option("--next-doc", a.next_doc, "also N \"next document, same student\" (Patch-T) sheets at the end")
      ->check(CLI::Range(0, 1000));
  sub->add_option("-o,--output", a.out, "PDF file to write")->required();
  sub->add_flag("--force", a.force, "replace an existing output file (never a device, FIFO or folder)");
  sub->add_option("--archive", a.archive, "archive folder");
  return sub;
}

int cmd_sheets(const SheetsArgs& a) {
  if (a.next_doc < 0) throw Error(ErrorCode::InvalidArgument, "--next-doc must not be negative");
  check_output_path(a.out, a.force);
  Catalog catalog(archive_dir(a.archive), a.op);
  std::vector<Student> students = filter_students(catalog.students(), a.grade, a.class_name);
  if (students.empty()) throw Error(ErrorCode::NotFound, "no student matches " + filter_text(a));
  std::stable_sort(students.begin(), students.end(), [](const Student& x, const Student& y) {
    if (x.grade != y.grade) return natural_less(x.grade, y.grade);
    if (x.class_name != y.class_name) return natural_less(x.class_name, y.class_name);
    return x.id < y.id;
  });

  std::vector<SeparatorSheetSpec> sheets;
  for (const Student& s : students) {
    SeparatorSheetSpec sheet;
    sheet.kind = SeparatorSheetSpec::Kind::Student;
    sheet.payload = encode_sheet_payload({SheetKind::Student, s.id, {}});
    sheet.name = s.name;
    sheet.student_id = s.id;
    sheet.grade = s.grade;
    sheet.class_name = s.class_name;
    sheets.push_back(std::move(sheet));
  }
  int type_sheets = 0;
  if (a.doctypes)
    for (const DocType& t : catalog.doc_types()) {
      SeparatorSheetSpec sheet;
      sheet.kind = SeparatorSheetSpec::Kind::DocType;
      sheet.payload = encode_sheet_payload({SheetKind::DocType, {}, t.name});
      sheet.doc_type = t.name;
      sheets.push_back(std::move(sheet));
      ++type_sheets;
    }
  for (int i = 0; i < a.next_doc; ++i) {
    SeparatorSheetSpec sheet;
    sheet.kind = SeparatorSheetSpec::Kind::NextDocument;
    sheet.payload = encode_sheet_payload({SheetKind::NextDocument, {}, {}});
    sheets.push_back(std::move(sheet));
  }

  write_output_file(a.out, a.force, separator_sheets_pdf(sheets));
  // The QR codes carry the full 学籍号: an export of the students' identities.
  note_access(catalog, "export", "sheets " + a.out, "",
              count(static_cast<long long>(students.size()), "student separator sheet", "student separator sheets") +
                  " (" + filter_text(a) + "): names, classes and student numbers (in the QR codes)");
  std::cout << a.out << " (" << count(static_cast<long long>(sheets.size()), "sheet", "sheets") << ": "
            << count(static_cast<long long>(students.size()), "student", "students");
  if (a.doctypes) std::cout << ", " << count(type_sheets, "document type", "document types");
  if (a.next_doc > 0) std::cout << ", " << count(a.next_doc, "next-document sheet", "next-document sheets");
  std::cout << ")\n";
  return 0;
}

}  // namespace xueji::cli
