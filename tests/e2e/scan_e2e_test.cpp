// `xueji devices` and `xueji scan` with the real libsane and its virtual devices (`test`, `pnm`)
// through a project-local SANE_CONFIG_DIR (tests/sane/dll.conf), compared with `scanimage`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBin = XUEJI_BIN;
const std::string kSane = std::string("SANE_CONFIG_DIR=") + XUEJI_SANE_CONFIG + " ";

// Paths and 学籍号 are read from the output: ids in full (masking: integrity tests).
CommandResult xj(const std::string& args) { return run(kSane + "OMP_THREAD_LIMIT=1 " + quote(kBin) + " --show-ids " + args); }

// An archive with one student.
struct Archive {
  TempDir dir;
  StudentInfo student = random_student(41);
  Archive() {
    const auto init = xj("init " + quote(path()));
    EXPECT_EQ(init.exit_code, 0) << init.err;
    write_file(dir / "roster.csv", "学籍号,姓名,性别,出生日期,年级,班级\n" + student.id + "," + student.name + "," +
                                       student.gender + "," + student.birth_date + ",2019级,3班\n");
    const auto r = xj("roster import --archive " + quote(path()) + " " + quote((dir / "roster.csv").string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("rejected"), std::string::npos) << r.err;
  }
  std::string path() const { return (dir / "archive").string(); }
  fs::path journal(const std::string& job) const { return dir / "archive" / ".journal" / job; }
};

std::vector<fs::path> journal_pages(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".tif") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  return cv::norm(a, b, cv::NORM_INF) == 0;
}

int document_pages(const Archive& a) {
  const auto r = xj("document list --json --archive " + quote(a.path()));
  const auto j = nlohmann::json::parse(r.out);
  return j.empty() ? 0 : j[0]["pages"].get<int>();
}

}  // namespace

TEST(ScanCommand, DevicesListsTheVirtualScanners) {
  const auto r = xj("devices --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& d : j) names.push_back(d["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "test:0"), names.end()) << r.out;
  EXPECT_NE(std::find(names.begin(), names.end(), "pnm:0"), names.end()) << r.out;
}

// Every depth and mode, three-pass and hand-scanner frames: the journaled pages are the pixels
// scanimage returns for the same device and options.
TEST(ScanCommand, JournaledPagesEqualScanimageForEveryFrameKind) {
  struct Case {
    std::string name, xueji_opts, scanimage_opts;
  };
  const std::vector<Case> cases = {
      {"gray8-adf", "--source adf --mode gray --set test-picture=Grid", "--source 'Automatic Document Feeder' --mode Gray --test-picture Grid"},
      {"color8", "--mode color --set 'test-picture=Color pattern'", "--mode Color --test-picture 'Color pattern'"},
      {"gray16", "--mode gray --set depth=16 --set 'test-picture=Color pattern'", "--mode Gray --depth 16 --test-picture 'Color pattern'"},
      {"color16", "--mode color --set depth=16 --set 'test-picture=Color pattern'", "--mode Color --depth 16 --test-picture 'Color pattern'"},
      {"bw", "--mode bw --set test-picture=Grid", "--mode Gray --depth 1 --test-picture Grid"},
      {"three-pass", "--mode color --set three-pass=yes --set 'test-picture=Color pattern'", "--mode Color --three-pass=yes --test-picture 'Color pattern'"},
      {"hand-scanner", "--mode gray --set hand-scanner=yes --set test-picture=Grid", "--mode Gray --hand-scanner=yes --test-picture Grid"},
  };
  for (const Case& c : cases) {
    Archive a;
    const auto r = xj("scan --quiet --archive " + quote(a.path()) + " --device test --dpi 200 --job " + c.name + " " + c.xueji_opts);
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    const auto ours = journal_pages(a.journal(c.name));
    const bool adf = c.name.find("adf") != std::string::npos;
    ASSERT_EQ(ours.size(), adf ? 10u : 1u) << c.name;
    const fs::path si = a.dir / "si";
    fs::create_directories(si);
    const auto s = run(kSane + "scanimage -d test --resolution 200 " + c.scanimage_opts + " --format=pnm " +
                       (adf ? "--batch=" + quote((si / "p%02d.pnm").string()) : "-o " + quote((si / "p01.pnm").string())));
    ASSERT_EQ(s.exit_code, 0) << c.name << ": " << s.err;
    for (size_t i = 0; i < ours.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "p%02zu.pnm", i + 1);
      const cv::Mat theirs = cv::imread((si / name).string(), cv::IMREAD_UNCHANGED);
      const cv::Mat mine = cv::imread(ours[i].string(), cv::IMREAD_UNCHANGED);
      ASSERT_FALSE(theirs.empty()) << c.name << " " << name;
      EXPECT_TRUE(same_pixels(mine, theirs)) << c.name << " page " << i + 1 << ": " << mine.size() << " type "
                                              << mine.type() << " vs " << theirs.size() << " type " << theirs.type();
    }
    const auto info = nlohmann::json::parse(read_file(a.journal(c.name) / "page-0001.json"));
    EXPECT_EQ(info["dpi"].get<double>(), 200.0) << c.name;
    if (c.name == "three-pass") {
      EXPECT_TRUE(info["three_pass"].get<bool>());
    }
    if (c.name == "hand-scanner") {
      EXPECT_TRUE(info["unknown_height"].get<bool>());
    }
  }
}

TEST(ScanCommand, AdfRunMakesADocumentOfTenPages) {
  Archive a;
  const auto r = xj("scan --quiet --archive " + quote(a.path()) + " --device test --source adf --mode gray " +
                       "--set 'test-picture=Color pattern' --student " + a.student.id + " --doctype 学籍卡 --job adf");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(".pdf"), std::string::npos) << r.out;
  EXPECT_EQ(document_pages(a), 10);
  const auto job = nlohmann::json::parse(read_file(a.journal("adf") / "job.json"));
  EXPECT_EQ(job["state"], "done");
  EXPECT_EQ(job["applied"]["source"], "Automatic Document Feeder");
  EXPECT_EQ(job["applied"]["resolution"], "300");
}

TEST(ScanCommand, LowResolutionAndBadStudentAreRefusedBeforeScanning) {
  Archive a;
  auto r = xj("scan --quiet --archive " + quote(a.path()) + " --device test --dpi 150 --job low");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("200 dpi"), std::string::npos) << r.err;
  r = xj("scan --quiet --archive " + quote(a.path()) + " --device test --student G123 --doctype 学籍卡 --job bad");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("invalid student number"), std::string::npos) << r.err;
  EXPECT_TRUE(journal_pages(a.journal("bad")).empty());
  r = xj("scan --quiet --archive " + quote(a.path()) + " --device test --set no-such-option=1 --job opt");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no-such-option"), std::string::npos) << r.err;
}

// Each fault: a clear message (English and Chinese), exit 4, the pages scanned before it kept,
// and --continue makes the document of all of them.
TEST(ScanCommand, EachFaultKeepsThePagesAndTheJobContinues) {
  const std::vector<std::pair<std::string, std::string>> faults = {
      {"SANE_STATUS_JAMMED", "paper jam"},          {"SANE_STATUS_COVER_OPEN", "cover is open"},
      {"SANE_STATUS_DEVICE_BUSY", "busy"},
      {"SANE_STATUS_IO_ERROR", "communication"},    {"SANE_STATUS_ACCESS_DENIED", "denied"}};
  for (const auto& [status, message] : faults) {
    Archive a;
    const std::string base = "scan --quiet --archive " + quote(a.path()) + " --device test --source adf --mode gray --set test-picture=Grid ";
    auto r = xj(base + "--job f --max-pages 3");
    ASSERT_EQ(r.exit_code, 0) << status << r.err;
    ASSERT_EQ(journal_pages(a.journal("f")).size(), 3u);
    r = xj(base.substr(0, base.find("--source")) + "--continue f --source adf --mode gray --set read-return-value=" + status);
    EXPECT_EQ(r.exit_code, 4) << status << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << status << ": " << r.err;
    EXPECT_NE(r.err.find("扫描仪"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--continue f"), std::string::npos) << r.err;
    EXPECT_EQ(journal_pages(a.journal("f")).size(), 3u) << status;
    const auto job = nlohmann::json::parse(read_file(a.journal("f") / "job.json"));
    EXPECT_EQ(job["state"], "fault");
    r = xj(base.substr(0, base.find("--source")) + "--continue f --source adf --mode gray --set test-picture=Grid --student " +
              a.student.id + " --doctype 成绩单");
    ASSERT_EQ(r.exit_code, 0) << status << ": " << r.err;
    EXPECT_EQ(document_pages(a), 13) << status;
  }
  {
    // An empty feeder at the start of a job is a fault; once the job has pages, an empty feeder
    // on --continue means there is nothing more to scan.
    Archive a;
    const std::string base = "scan --quiet --archive " + quote(a.path()) + " --device test --mode gray ";
    auto r = xj(base + "--source adf --job e --set read-return-value=SANE_STATUS_NO_DOCS");
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("feeder is empty"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("进纸器中没有纸张"), std::string::npos) << r.err;
    EXPECT_TRUE(journal_pages(a.journal("e")).empty());
    r = xj(base + "--continue e --source adf --set test-picture=Grid --max-pages 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = xj(base + "--continue e --source adf --set read-return-value=SANE_STATUS_NO_DOCS --student " + a.student.id +
           " --doctype 奖惩记录");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(document_pages(a), 3);
  }
  // A scanner that is gone.
  Archive a;
  const auto r = xj("scan --quiet --archive " + quote(a.path()) + " --device test:7 --job gone");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("no longer available"), std::string::npos) << r.err;
}

// SIGKILL in the middle of a slow ADF run: every page journaled before the kill is a complete
// image, and the job continues to a document holding them.
TEST(ScanCommand, KillDuringAdfRunLosesNoCompletedPage) {
  Archive a;
  const std::string cmd = kSane + "OMP_THREAD_LIMIT=1 exec " + quote(kBin) + " --show-ids scan --quiet --archive " + quote(a.path()) +
                          " --device test --source adf --mode gray --dpi 200 --set test-picture=Grid --set read-limit=yes "
                          "--set read-limit-size=16384 --set read-delay=yes --set read-delay-duration=40000 --job k";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (journal_pages(a.journal("k")).size() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto kept = journal_pages(a.journal("k"));
  ASSERT_GE(kept.size(), 3u);
  ASSERT_LT(kept.size(), 10u) << "the run finished before the kill";
  for (const fs::path& p : kept) {
    const cv::Mat m = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
    EXPECT_FALSE(m.empty()) << p;
    EXPECT_EQ(m.rows, 787) << p;  // 100 mm at 200 dpi: a whole page, not a partial one
  }
  auto is_temp = [](const fs::path& p) { return p.filename().string().find(".tmp-") != std::string::npos; };
  for (const auto& e : fs::directory_iterator(a.journal("k")))  // no half-written file under a final name
    EXPECT_TRUE(is_temp(e.path()) || e.path().extension() == ".tif" || e.path().extension() == ".json") << e.path();
  const auto r = xj("scan --quiet --archive " + quote(a.path()) + " --continue k --source adf --mode gray --dpi 200 "
                       "--set test-picture=Grid --student " + a.student.id + " --doctype 体检表");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(document_pages(a), static_cast<int>(kept.size()) + 10);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(a.journal("k"), ec))  // the killed run's temporary file is gone
    EXPECT_FALSE(is_temp(e.path())) << e.path();
}

// A generated document page fed through the pnm backend comes out as a searchable PDF whose
// text matches the page's truth as well as `xueji import` of the same image does.
TEST(ScanCommand, PnmPageBecomesASearchablePdfAsGoodAsImport) {
  Archive a;
  PageSpec spec;
  spec.seed = 9;
  spec.kind = PageKind::GraduateForm;
  spec.student = a.student;
  spec.degrade.skew_deg = 1.5;
  const GeneratedPage page = generate_page(spec);
  const fs::path pnm = a.dir / "page.ppm";
  ASSERT_TRUE(cv::imwrite(pnm.string(), page.image));
  auto r = xj("scan --quiet --archive " + quote(a.path()) + " --device pnm --dpi 300 --set filename=" + quote(pnm.string()) +
                 " --student " + a.student.id + " --doctype 毕业生登记表 --job pnm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string scanned_pdf = (fs::path(a.path()) / r.out.substr(0, r.out.find('\n'))).string();
  const fs::path png = a.dir / "page.png";
  ASSERT_TRUE(cv::imwrite(png.string(), page.image));
  r = xj("import --quiet --archive " + quote(a.path()) + " --student " + a.student.id + " --doctype 毕业生登记表 " + quote(png.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string imported_pdf = (fs::path(a.path()) / r.out.substr(0, r.out.find('\n'))).string();
  auto text_of = [](const std::string& pdf) {
    const auto t = run("pdftotext -layout " + quote(pdf) + " -");
    std::string out;
    for (char c : t.out)
      if (c != ' ' && c != '\n' && c != '\f') out.push_back(c);
    return out;
  };
  const std::string scanned = text_of(scanned_pdf), imported = text_of(imported_pdf);
  EXPECT_EQ(scanned, imported);
  // And both hold the student's name and the paragraph label.
  EXPECT_NE(scanned.find(a.student.name), std::string::npos) << scanned;
  EXPECT_NE(scanned.find("班主任评语"), std::string::npos) << scanned;
}

// Before: a flipped byte in a journaled page passed verify and was filed by --continue; failed
// scans left jobs behind; finished jobs were kept for ever; two scans started in the same
// second got the same automatic job name.
TEST(ScanCommand, JournalPagesAreCheckedListedAndPruned) {
  Archive a;
  const std::string adf = " --device test --source adf --mode gray --dpi 200 --set test-picture=Grid ";
  auto r = xj("scan --quiet --archive " + quote(a.path()) + adf + "--max-pages 2 --job kept");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = xj("scan --quiet --archive " + quote(a.path()) + adf + "--max-pages 2 --job filed --student " + a.student.id +
         " --doctype 体检表");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A scanner that is gone leaves no job behind.
  EXPECT_NE(xj("scan --quiet --archive " + quote(a.path()) + " --device test:7 --job gone").exit_code, 0);
  EXPECT_FALSE(fs::exists(a.journal("gone")));
  // Two automatic names in the same second differ.
  r = run("(" + kSane + quote(kBin) + " scan --quiet --archive " + quote(a.path()) + adf + "--max-pages 1 & " + kSane +
          quote(kBin) + " scan --quiet --archive " + quote(a.path()) + adf + "--max-pages 1 & wait)");
  auto jobs = nlohmann::json::parse(xj("journal list --json --archive " + quote(a.path())).out);
  ASSERT_EQ(jobs.size(), 4u) << jobs.dump();
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& j : jobs) by_name[j["job"]] = j;
  EXPECT_EQ(by_name["kept"]["pages"], 2);
  EXPECT_EQ(by_name["filed"]["state"], "done");
  EXPECT_EQ(by_name["filed"]["pages"], 0);

  // One flipped byte in a kept page: verify finds it and the job is not filed.
  const fs::path page = journal_pages(a.journal("kept"))[1];
  std::string bytes = read_file(page);
  bytes[bytes.size() - 100] ^= 0x20;
  write_file(page, bytes);
  r = xj("verify --archive " + quote(a.path()));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("journal: .journal/kept/page-0002.tif"), std::string::npos) << r.out;
  // A page whose record was removed can't be checked: reported too, and never filed.
  fs::remove(a.journal("kept") / "page-0001.json");
  r = xj("verify --archive " + quote(a.path()));
  EXPECT_NE(r.out.find("journal: .journal/kept/page-0001.tif"), std::string::npos) << r.out;
  r = xj("scan --quiet --archive " + quote(a.path()) + adf + "--max-pages 1 --continue kept --student " + a.student.id +
         " --doctype 学籍卡");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nothing was filed"), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(xj("document list --json --archive " + quote(a.path())).out).size(), 1u);

  // Pruning takes the filed job only; the job holding unfiled pages stays, whatever its age.
  r = xj("journal prune --older-than 0 --archive " + quote(a.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(a.journal("filed")));
  EXPECT_TRUE(fs::exists(a.journal("kept")));
  EXPECT_EQ(journal_pages(a.journal("kept")).size(), 2u);
}
