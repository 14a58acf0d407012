// `xueji sheets` through the real binary: the roster's students of a grade (or class) in class
// then 学籍号 order, the document-type and Patch-T sheets after them, the output-file policy,
// the access log, and a clear error when no student matches.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include <opencv2/imgcodecs.hpp>

#include "capture/separator_sheet.h"
#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBin = XUEJI_BIN;

struct Archive {
  TempDir dir;
  std::string path() const { return (dir.path() / "archive").string(); }
  CommandResult xueji(const std::string& args) const {
    return run(quote(kBin) + " --archive " + quote(path()) + " " + args);
  }
};

int pdf_pages(const fs::path& pdf) {
  const CommandResult info = run("pdfinfo " + quote(pdf.string()));
  std::smatch m;
  return std::regex_search(info.out, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : -1;
}

}  // namespace

TEST(SheetsCli, WritesAGradesSheetsInClassOrderThenTypesThenPatchT) {
  Archive a;
  ASSERT_EQ(run(quote(kBin) + " init " + quote(a.path())).exit_code, 0);
  std::vector<StudentInfo> s;
  const char* classes[] = {"3班", "10班", "3班", "2班", "3班"};
  for (unsigned i = 0; i < 5; ++i) {
    StudentInfo st = random_student(700 + i);
    st.grade = i == 4 ? "2016级" : "2015级";
    st.class_name = classes[i];
    s.push_back(st);
  }
  std::string csv = "学籍号,姓名,性别,出生日期,年级,班级\n";
  for (const StudentInfo& st : s)
    csv += st.id + "," + st.name + "," + st.gender + "," + st.birth_date + "," + st.grade + "," + st.class_name + "\n";
  write_file(a.dir / "roster.csv", csv);
  const CommandResult roster = a.xueji("roster import " + quote((a.dir / "roster.csv").string()));
  ASSERT_EQ(roster.exit_code, 0) << roster.out << roster.err;

  const fs::path out = a.dir / "sheets.pdf";
  const CommandResult r = a.xueji("sheets --grade 2015 --doctypes --next-doc 2 -o " + quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\\((\\d+) sheets: 4 students, (\\d+) document types, 2 next-document sheets\\)")))
      << r.out;
  const int total = std::stoi(m[1]), types = std::stoi(m[2]);
  EXPECT_GE(types, 3);  // 学籍卡, 成绩单, 体检表 at least
  EXPECT_EQ(total, 4 + types + 2);
  EXPECT_EQ(pdf_pages(out), total);

  // The students' sheets: 2班, then 3班 by 学籍号, then 10班; the types; the Patch-T sheets.
  std::vector<std::string> ids_3 = {s[0].id, s[2].id};
  std::sort(ids_3.begin(), ids_3.end());
  const std::vector<std::string> order = {s[3].id, ids_3[0], ids_3[1], s[1].id};
  TempDir renders;
  ASSERT_EQ(run("pdftoppm -r 150 -gray -png " + quote(out.string()) + " " + quote((renders / "p").string())).exit_code, 0);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(renders.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(static_cast<int>(files.size()), total);
  for (int i = 0; i < total; ++i) {
    const SheetReport rep = detect_separator_sheet(cv::imread(files[i].string(), cv::IMREAD_GRAYSCALE));
    ASSERT_TRUE(rep.found) << "page " << i + 1 << ": " << rep.message;
    if (i < 4) {
      EXPECT_EQ(rep.code.kind, SheetKind::Student);
      EXPECT_EQ(rep.code.student_id, order[i]) << "page " << i + 1;
    } else if (i < 4 + types) {
      EXPECT_EQ(rep.code.kind, SheetKind::DocType) << "page " << i + 1;
    } else {
      EXPECT_EQ(rep.code.kind, SheetKind::NextDocument) << "page " << i + 1;
    }
  }
  const CommandResult text = run("pdftotext -f 1 -l 1 " + quote(out.string()) + " -");
  EXPECT_NE(text.out.find(s[3].name), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find(s[3].id), std::string::npos) << "the 学籍号 printed in full";

  // An existing output needs --force; a class alone; the export is in the access log.
  const CommandResult again = a.xueji("sheets --grade 2015 -o " + quote(out.string()));
  EXPECT_EQ(again.exit_code, 2) << again.err;
  const CommandResult cls = a.xueji("sheets --grade 2015 --class 3 --force -o " + quote(out.string()));
  ASSERT_EQ(cls.exit_code, 0) << cls.err;
  EXPECT_NE(cls.out.find("(2 sheets: 2 students)"), std::string::npos) << cls.out;
  EXPECT_EQ(pdf_pages(out), 2);
  const CommandResult log = a.xueji("log --access");
  EXPECT_NE(log.out.find("export  sheets"), std::string::npos) << log.out;
}

TEST(SheetsCli, NoMatchingStudentIsAClearError) {
  Archive a;
  ASSERT_EQ(run(quote(kBin) + " init " + quote(a.path())).exit_code, 0);
  const fs::path out = a.dir / "none.pdf";
  const CommandResult r = a.xueji("sheets --grade 2019 --class 1 -o " + quote(out.string()));
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("xueji: error: no student matches --grade 2019 --class 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  const CommandResult missing = a.xueji("sheets -o " + quote(out.string()));
  EXPECT_EQ(missing.exit_code, 2) << "--grade is required";
}
