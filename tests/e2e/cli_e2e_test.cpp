// End to end through the real `xueji` command: generated pages for two students, real
// Tesseract, real libharu PDF checked with pdftotext, real SQLite search.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/core.hpp>

#include "models/catalog.h"
#include "models/sqlite.h"
#include "models/text_encoding.h"
#include "models/utf8.h"
#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBin = XUEJI_BIN;

std::string compact(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\f') out.push_back(c);
  return out;
}

// A phrase of `len` CJK characters from the page's paragraph (the lines after the one that
// ends with '：') that occurs in none of the `others` texts.
std::string unique_phrase(const std::string& truth_text, size_t len,
                          const std::vector<std::string>& others) {
  std::vector<std::string> lines;
  size_t pos = 0, nl;
  while ((nl = truth_text.find('\n', pos)) != std::string::npos) {
    lines.push_back(truth_text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  // Paragraph lines first, then any other line.
  std::vector<std::string> ordered;
  bool in_paragraph = false;
  for (const std::string& line : lines) {
    if (in_paragraph) ordered.push_back(line);
    in_paragraph = in_paragraph || (line.size() >= 3 && line.compare(line.size() - 3, 3, "：") == 0);
  }
  ordered.insert(ordered.end(), lines.begin(), lines.end());
  for (const std::string& line : ordered) {
    const std::u32string u = utf8_to_u32(line);
    for (size_t i = 1; i + len <= u.size(); ++i) {
      const std::u32string w = u.substr(i, len);
      if (std::any_of(w.begin(), w.end(), [](char32_t c) { return c < 0x4E00 || c > 0x9FFF; }))
        continue;
      const std::string phrase = u32_to_utf8(w);
      if (std::none_of(others.begin(), others.end(), [&](const std::string& o) {
            return compact(o).find(phrase) != std::string::npos;
          }))
        return phrase;
    }
  }
  return {};
}

class CliEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    a_ = random_student(11);
    a_.name = "欧阳晓雯";
    b_ = random_student(12);
    b_.name = "司马浩宇";
    auto page = [](const StudentInfo& s, PageKind kind, double skew, unsigned seed, bool seal) {
      PageSpec spec;
      spec.seed = seed;
      spec.kind = kind;
      spec.student = s;
      spec.degrade.skew_deg = skew;
      spec.degrade.red_seal = seal;
      spec.degrade.noise_sigma = 3;
      spec.font = seed % 2 ? "noto" : "wqy";
      GeneratedPage g = generate_page(spec);
      const std::string path = write_page(g, spec, (dir_->path() / "pages").string(),
                                          s.id + "-" + std::to_string(seed));
      return std::make_pair(path, g.text);
    };
    auto a1 = page(a_, PageKind::StudentCard, 1.5, 21, true);
    auto b1 = page(b_, PageKind::Transcript, -2.0, 22, false);
    auto b2 = page(b_, PageKind::GraduateForm, 0.8, 23, true);
    a_pages_ = {a1.first};
    b_pages_ = {b1.first, b2.first};
    a_text_ = a1.second;
    b1_text_ = b1.second;
    b2_text_ = b2.second;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string archive() { return (dir_->path() / "archive").string(); }
  // These tests read paths and 学籍号 from the output: ids in full (masking: integrity tests).
  static CommandResult xueji(const std::string& args) {
    return run(quote(kBin) + " --show-ids --archive " + quote(archive()) + " " + args);
  }

  static inline TempDir* dir_ = nullptr;
  static inline StudentInfo a_, b_;
  static inline std::vector<std::string> a_pages_, b_pages_;
  static inline std::string a_text_, b1_text_, b2_text_;
};

std::string roster_csv(const StudentInfo& a, const StudentInfo& b) {
  std::string csv = "学籍号,姓名,性别,出生日期,年级,班级\r\n";
  for (const auto* s : {&a, &b})
    csv += s->id + "," + s->name + "," + s->gender + "," + s->birth_date + "," + s->grade + "," +
           s->class_name + "\r\n";
  return csv;
}

// What a failed command must not change: files, students, documents, pages. (Xueji's own state
// in .xueji/ may change: the access log records the command's --show-ids.)
std::string archive_state(const std::string& dir) {
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("xueji.db", 0) == 0) continue;
    if (fs::relative(e.path(), dir).string().rfind(".xueji", 0) == 0) continue;
    files.push_back(fs::relative(e.path(), dir).string() + ":" +
                    (e.is_regular_file() ? std::to_string(e.file_size()) : "dir"));
  }
  std::sort(files.begin(), files.end());
  std::string state;
  for (auto& f : files) state += f + "\n";
  sql::Db db(fs::path(dir) / Catalog::kDatabaseName, sql::Db::Mode::OpenExisting);  // the test's own connection
  for (const char* q : {"SELECT group_concat(id||name||class_name) FROM students",
                        "SELECT count(*)||group_concat(pdf_path) FROM documents",
                        "SELECT count(*) FROM pages", "SELECT count(*) FROM page_fts_meta"}) {
    sql::Stmt st(db, q);
    st.step();
    state += st.text(0) + "\n";
  }
  return state;
}

}  // namespace

TEST_F(CliEndToEnd, ImportTwoStudentsThenSearchAndExtract) {
  ASSERT_EQ(run(quote(kBin) + " init " + quote(archive())).exit_code, 0);
  // The roster as Chinese Excel writes it: GB18030 with CRLF.
  write_file(dir_->path() / "roster.csv", convert_encoding(roster_csv(a_, b_), "UTF-8", "GB18030"));
  auto roster = xueji("roster import " + quote((dir_->path() / "roster.csv").string()));
  ASSERT_EQ(roster.exit_code, 0) << roster.err;
  EXPECT_NE(roster.out.find("2 added, 0 updated"), std::string::npos) << roster.out;
  EXPECT_NE(roster.out.find("GB18030"), std::string::npos) << roster.out;

  auto ia = xueji("import -q --student " + a_.id + " --doctype 学籍卡 " + quote(a_pages_[0]));
  ASSERT_EQ(ia.exit_code, 0) << ia.err;
  EXPECT_EQ(ia.out, a_.grade + "/" + a_.class_name + "/" + a_.id + "/" + a_.id + "-XJK-0001.pdf\n");
  auto ib = xueji("import -q --student " + b_.id + " --doctype 毕业生登记表 " + quote(b_pages_[0]) +
                  " " + quote(b_pages_[1]));
  ASSERT_EQ(ib.exit_code, 0) << ib.err;
  const std::string b_pdf = b_.grade + "/" + b_.class_name + "/" + b_.id + "/" + b_.id + "-BYDJ-0001.pdf";
  EXPECT_EQ(ib.out, b_pdf + "\n");

  // A two-character substring of each name finds that student only.
  for (const auto* s : {&a_, &b_}) {
    const std::string sub = u32_to_utf8(utf8_to_u32(s->name).substr(2, 2));
    auto r = xueji("search --json " + quote(sub));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto hits = nlohmann::json::parse(r.out);
    ASSERT_FALSE(hits.empty()) << sub;
    for (const auto& h : hits) {
      EXPECT_EQ(h["student_id"], s->id) << sub;
      EXPECT_EQ(h["name"], s->name);
    }
  }

  // A phrase from the page text finds the right student and page.
  const std::string phrase = unique_phrase(b2_text_, 6, {a_text_, b1_text_});
  ASSERT_EQ(utf8_to_u32(phrase).size(), 6u) << b2_text_;
  auto r = xueji("search --json " + quote(phrase));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto hits = nlohmann::json::parse(r.out);
  ASSERT_FALSE(hits.empty()) << "phrase " << phrase;
  EXPECT_EQ(hits[0]["student_id"], b_.id);
  EXPECT_EQ(hits[0]["document"], b_pdf);
  EXPECT_EQ(hits[0]["page"], 2);
  EXPECT_NE(hits[0]["snippet"].get<std::string>().find("【" + phrase + "】"), std::string::npos);
  // The hit's boxes lie on the phrase's ink in the page's master image.
  {
    const std::string master = archive() + "/" + b_pdf.substr(0, b_pdf.size() - 4) + "-0002.jpg";
    const cv::Mat page = cv::imread(master, cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(page.empty()) << master;
    ASSERT_FALSE(hits[0]["boxes"].empty());
    int width = 0;
    for (const auto& b : hits[0]["boxes"]) {
      const cv::Rect r(b[0], b[1], b[2], b[3]);
      ASSERT_EQ(r & cv::Rect(0, 0, page.cols, page.rows), r) << r;
      double lo;
      cv::minMaxLoc(page(r), &lo);
      EXPECT_LT(lo, 128) << r;
      width += r.width;
      EXPECT_LT(r.height, 100) << r;  // one text line at 300 dpi
    }
    // Six characters of about 50 px each.
    EXPECT_GT(width, 6 * 30);
    EXPECT_LT(width, 6 * 90);
  }

  const std::string a_phrase = unique_phrase(a_text_, 5, {b1_text_, b2_text_});
  ASSERT_FALSE(a_phrase.empty()) << a_text_;
  auto ra = xueji("search --json " + quote(a_phrase));
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  auto hits_a = nlohmann::json::parse(ra.out);
  ASSERT_FALSE(hits_a.empty()) << "phrase " << a_phrase;
  EXPECT_EQ(hits_a[0]["student_id"], a_.id);
  EXPECT_EQ(hits_a[0]["page"], 1);

  // pdftotext reads the text layer of the written PDF.
  auto text = run("pdftotext -f 2 -l 2 " + quote(archive() + "/" + b_pdf) + " -");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(compact(text.out).find(phrase), std::string::npos) << text.out;
  EXPECT_NE(compact(text.out).find("班主任评语"), std::string::npos) << text.out;
}

TEST_F(CliEndToEnd, BadInputFailsClearlyAndLeavesArchiveAsItWas) {
  if (!fs::exists(archive())) {
    ASSERT_EQ(run(quote(kBin) + " init " + quote(archive())).exit_code, 0);
    write_file(dir_->path() / "roster.csv", roster_csv(a_, b_));
    ASSERT_EQ(xueji("roster import " + quote((dir_->path() / "roster.csv").string())).exit_code, 0);
  }
  const std::string before = archive_state(archive());
  const fs::path bad = dir_->path() / "bad";
  fs::create_directories(bad);
  const std::string jpg = read_file(a_pages_[0]);
  write_file(bad / "cut.png", jpg.substr(0, jpg.size() / 3));
  write_file(bad / "not-image.jpg", "hello");
  write_file(bad / "utf16.csv", std::string("\xFF\xFE\x66\x5B\x7C\x7C", 6));
  write_file(bad / "cols.csv", "学籍号,姓名\n" + a_.id + ",某某\n");

  struct Case {
    std::string args, expect;
  } cases[] = {
      {"import --student " + a_.id + " " + quote((bad / "cut.png").string()), "cut.png"},
      {"import --student " + a_.id + " " + quote(a_pages_[0]) + " " + quote((bad / "not-image.jpg").string()),
       "not a PNG, JPEG, TIFF or PNM"},
      {"import --student " + a_.id + " " + quote((bad / "missing.png").string()), "not found"},
      {"import --student G11010519491231002X " + quote(a_pages_[0]), "unknown student number"},
      {"import --student G12345 " + quote(a_pages_[0]), "invalid student number"},
      {"import --student " + a_.id + " --doctype 作业 " + quote(a_pages_[0]), "unknown document type"},
      {"roster import " + quote((bad / "utf16.csv").string()), "UTF-16"},
      {"roster import " + quote((bad / "cols.csv").string()), "lacks column"},
      {"search " + quote("\"open"), "quote is not closed"},
  };
  for (const Case& c : cases) {
    auto r = xueji(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(archive_state(archive()), before) << c.args;
  }
  auto missing = run(quote(kBin) + " --archive " + quote((dir_->path() / "nope").string()) + " search 张");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_->path() / "nope"));
  auto no_parent = run(quote(kBin) + " init " + quote((dir_->path() / "no/such/parent").string()));
  EXPECT_NE(no_parent.exit_code, 0);
  auto twice = run(quote(kBin) + " init " + quote(archive()));
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("already exists"), std::string::npos);
}
