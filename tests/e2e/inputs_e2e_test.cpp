// Issue 14, defects 5, 10 and 12, through the real `xueji` command: exit status and error
// prefix, help and --version, queries that begin with '-', list filters, output files, roster
// rejects, analyze going on after a bad file, Ctrl-C during an import, SNMP notices.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <opencv2/imgcodecs.hpp>

#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBin = XUEJI_BIN;

class CliInputs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    a_ = random_student(31);
    b_ = random_student(32);
    PageSpec spec;
    spec.seed = 33;
    spec.kind = PageKind::Transcript;
    spec.student = a_;
    spec.degrade.noise_sigma = 3;
    const GeneratedPage g = generate_page(spec);
    page_ = write_page(g, spec, (dir_->path() / "pages").string(), "page");
    ASSERT_EQ(run(quote(kBin) + " init " + quote(archive())).exit_code, 0);
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string archive() { return (dir_->path() / "archive").string(); }
  static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
  static CommandResult xueji(const std::string& args) {
    return run(quote(kBin) + " --show-ids --archive " + quote(archive()) + " " + args);  // ids in full: the tests read them
  }
  static std::string row(const StudentInfo& s) {
    return s.id + "," + s.name + "," + s.gender + "," + s.birth_date + "," + s.grade + "," + s.class_name + "\n";
  }
  static std::string roster(const std::string& rows) {
    const std::string file = path("roster-" + std::to_string(++rosters_) + ".csv");
    write_file(file, "学籍号,姓名,性别,出生日期,年级,班级\n" + rows);
    return file;
  }
  // Files in the archive folder other than the catalog.
  static std::vector<std::string> archive_files() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(archive()))
      if (e.is_regular_file() && e.path().filename().string().rfind("xueji.db", 0) != 0)
        out.push_back(fs::relative(e.path(), archive()).string());
    return out;
  }

  static inline TempDir* dir_ = nullptr;
  static inline StudentInfo a_, b_;
  static inline std::string page_;
  static inline int rosters_ = 0;
};

bool is_error(const CommandResult& r) { return r.err.rfind("xueji: error: ", 0) == 0; }

}  // namespace

TEST_F(CliInputs, VersionAndHelpWithTheExitStatusTable) {
  const auto v = run(quote(kBin) + " --version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, std::string("xueji ") + XUEJI_VERSION + "\n");
  const auto h = run(quote(kBin) + " help");
  EXPECT_EQ(h.exit_code, 0) << h.err;
  EXPECT_NE(h.out.find("Usage: xueji"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("Exit status:"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("130  interrupted"), std::string::npos) << h.out;
  const auto sub = run(quote(kBin) + " help roster import");
  EXPECT_EQ(sub.exit_code, 0) << sub.err;
  EXPECT_NE(sub.out.find("Usage: xueji roster import"), std::string::npos) << sub.out;
  EXPECT_NE(sub.out.find("--dry-run"), std::string::npos) << sub.out;
  const auto none = run(quote(kBin) + " help frobnicate");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(is_error(none)) << none.err;
}

TEST_F(CliInputs, OptionErrorsArePrefixedAndExitWithTheUsageStatus) {
  for (const std::string args : {"search --limit 0 张", "import", "frobnicate", "student list --grade", ""}) {
    const auto r = xueji(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_TRUE(is_error(r)) << args << "\n" << r.err;
  }
  const auto missing = run(quote(kBin) + " --archive " + quote(path("nope")) + " student list");
  EXPECT_EQ(missing.exit_code, 5) << missing.err;
  EXPECT_TRUE(is_error(missing)) << missing.err;
}

TEST_F(CliInputs, SearchQueryMayBeginWithMinus) {
  for (const std::string args : {"search -type:体检表", "search -- -type:体检表", "search 张伟 -type:体检表 --limit 5"}) {
    const auto r = xueji(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    EXPECT_EQ(r.err.find("QUERY is required"), std::string::npos) << r.err;
  }
  const auto none = xueji("search");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(is_error(none)) << none.err;
  const auto bad = xueji("search --limt 5 张");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--limt"), std::string::npos) << bad.err;
}

TEST_F(CliInputs, RosterRejectsExitNonZeroAndTheGoodRowsAreKept) {
  // a_'s row opens a quote in 姓名 that b_'s row closes: one record over lines 2-3.
  std::string merged = row(a_);
  merged.insert(merged.find(',') + 1, "\"");
  std::string closing = row(b_);
  closing.insert(closing.find(',', closing.find(',') + 1), "\"");
  const StudentInfo c = random_student(34);
  const auto r = xueji("roster import " + quote(roster(merged + closing + row(c))));
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_NE(r.out.find("1 added"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lines 2-3: "), std::string::npos) << r.out;
  EXPECT_TRUE(is_error(r)) << r.err;
  const auto list = xueji("student list");
  EXPECT_NE(list.out.find(c.id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("1 student\n"), std::string::npos) << list.out;  // not "1 students"
  EXPECT_EQ(list.out.find(a_.id), std::string::npos) << list.out;
  // The same roster fixed: exit 0.
  EXPECT_EQ(xueji("roster import " + quote(roster(row(a_) + row(b_)))).exit_code, 0);
}

TEST_F(CliInputs, StudentListFiltersGradeAndClassAsSearchDoes) {
  ASSERT_EQ(xueji("roster import " + quote(roster(row(a_) + row(b_)))).exit_code, 0);
  const std::string year = a_.grade.substr(0, 4);  // "2015" of "2015级"
  const std::string cls = a_.class_name.substr(0, a_.class_name.size() - std::string("班").size());
  for (const std::string args : {"student list --grade " + year, "student list --grade " + quote(a_.grade),
                                 "student list --grade " + year + " --class " + cls,
                                 "report completeness --grade " + year}) {
    const auto r = xueji(args);
    EXPECT_EQ(r.exit_code, 0) << args << r.err;
    EXPECT_NE(r.out.find(a_.id), std::string::npos) << args << "\n" << r.out;
  }
  EXPECT_EQ(xueji("student list --grade 1899").out, "0 students\n");
}

TEST_F(CliInputs, DoctypeCodeClashIsAClearMessage) {
  const auto r = xueji("doctype set 新表 --code XJK");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(is_error(r)) << r.err;
  EXPECT_EQ(r.err.find("UNIQUE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("XJK is already used by 学籍卡"), std::string::npos) << r.err;
}

TEST_F(CliInputs, AnalyzeReportsEachBadFileAndGoesOn) {
  write_file(path("bad.jpg"), "not an image");
  const auto r = run(quote(kBin) + " analyze " + quote(page_) + " " + quote(path("bad.jpg")) + " " +
                     quote(path("missing.png")) + " " + quote(page_));
  EXPECT_EQ(r.exit_code, 6) << r.err;
  size_t reported = 0;
  for (size_t at = 0; (at = r.out.find(": skew ", at)) != std::string::npos; ++at) ++reported;
  EXPECT_EQ(reported, 2u) << r.out;
  EXPECT_NE(r.err.find("xueji: error: bad.jpg"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.png"), std::string::npos) << r.err;
}

TEST_F(CliInputs, OutputFilesAreNeverSpecialFilesAndReplacedOnlyWithForce) {
  const std::string fifo = path("out-fifo.png");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string pdf_fifo = path("out-fifo.pdf");
  ASSERT_EQ(::mkfifo(pdf_fifo.c_str(), 0600), 0);
  const std::string folder = path("out-folder.png");
  fs::create_directories(folder);
  const std::string existing = path("existing.png");
  write_file(existing, "keep me");
  const std::string existing_pdf = path("existing.pdf");
  write_file(existing_pdf, "keep me");
  const std::string bin = "timeout 300 " + quote(kBin);  // before the fix a FIFO blocked the write
  struct Case {
    std::string args, expect;
  } cases[] = {
      {"clean " + quote(page_) + " -o " + quote(fifo), "FIFO"},
      {"clean " + quote(page_) + " -o " + quote(fifo) + " --force", "FIFO"},
      {"clean " + quote(page_) + " -o " + quote(folder) + " --force", "folder"},
      {"clean " + quote(page_) + " -o " + quote(existing), "--force"},
      {"clean " + quote(page_) + " -o " + quote(path("new.png")) + " --ocr-image " + quote(existing), "--force"},
      {"pdf " + quote(page_) + " -o " + quote(pdf_fifo) + " --force", "FIFO"},
      {"pdf " + quote(page_) + " -o " + quote(existing_pdf), "--force"},
  };
  for (const Case& c : cases) {
    const auto r = run(bin + " " + c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_TRUE(is_error(r)) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << "\n" << r.err;
  }
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_EQ(::lstat(pdf_fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(read_file(existing), "keep me");
  EXPECT_EQ(read_file(existing_pdf), "keep me");
  EXPECT_FALSE(fs::exists(path("new.png")));

  // With --force an existing file is replaced, through a temporary file beside it.
  const auto clean = run(bin + " clean " + quote(page_) + " -o " + quote(existing) + " --force");
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_FALSE(cv::imread(existing).empty());
  const auto pdf = run(bin + " pdf " + quote(page_) + " -o " + quote(existing_pdf) + " --force --workers 1");
  EXPECT_EQ(pdf.exit_code, 0) << pdf.err;
  EXPECT_EQ(read_file(existing_pdf).rfind("%PDF-", 0), 0u);
  EXPECT_NE(pdf.out.find("(1 page, PDF/A-2b)"), std::string::npos) << pdf.out;
  for (const auto& e : fs::directory_iterator(dir_->path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(CliInputs, CtrlCDuringImportCancelsAndRollsBack) {
  ASSERT_EQ(xueji("roster import " + quote(roster(row(a_) + row(b_)))).exit_code, 0);
  const cv::Mat img = cv::imread(page_);
  ASSERT_FALSE(img.empty());
  std::string pages;
  for (int i = 0; i < 8; ++i) {  // different files (a pixel each), so none is a duplicate
    cv::Mat m = img.clone();
    m.at<cv::Vec3b>(i, 0) = cv::Vec3b(0, 0, 0);
    const std::string f = path("p" + std::to_string(i) + ".png");
    ASSERT_TRUE(cv::imwrite(f, m));
    pages += " " + quote(f);
  }
  const auto before = archive_files();
  // --foreground: one SIGINT to xueji alone. Without it timeout signals the child and then its
  // whole process group, and on a loaded machine the second delivery lands after the first was
  // handled: a second Ctrl-C, "stopped at once" (seen once in a parallel CTest run).
  const auto r = run("timeout --foreground --preserve-status -s INT 4 " + quote(kBin) + " --archive " + quote(archive()) +
                     " import -q --workers 1 --student " + a_.id + " --doctype 成绩单" + pages);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.err.find("xueji: error: import cancelled"), std::string::npos) << r.err;
  EXPECT_EQ(archive_files(), before);
  const auto docs = xueji("document list --student " + a_.id);
  EXPECT_NE(docs.out.find("0 documents"), std::string::npos) << docs.out;
}

TEST_F(CliInputs, SnmpNoticesOfSaneBackendsStayOffTheTerminal) {
  // libsane with its magicolor backend (net-snmp network discovery), on a machine whose
  // net-snmp has no `mibs :` configuration and a fresh home.
  const fs::path sane = dir_->path() / "sane";
  fs::create_directories(sane);
  fs::create_directories(dir_->path() / "snmpconf");
  fs::create_directories(dir_->path() / "home");
  write_file(sane / "dll.conf", "magicolor\n");
  write_file(sane / "magicolor.conf", "snmp-timeout 500\nnet autodiscovery\n");
  const auto r = run("env -u MIBS -u SNMP_PERSISTENT_DIR -u XDG_CACHE_HOME HOME=" + quote(path("home")) +
                     " SANE_CONFIG_DIR=" + quote(sane.string()) + " SNMPCONFPATH=" + quote(path("snmpconf")) + " " +
                     quote(kBin) + " devices");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}
