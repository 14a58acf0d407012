// Records management through the real `xueji` command: tampering found by `xueji verify`,
// documents moved, deleted and purged with their audit entries.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBin = XUEJI_BIN;

class RecordsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = random_student(31);
    b_ = random_student(32);
    std::string csv = "学籍号,姓名,性别,出生日期,年级,班级\n";
    for (const auto* s : {&a_, &b_})
      csv += s->id + "," + s->name + "," + s->gender + "," + s->birth_date + "," + s->grade + "," + s->class_name + "\n";
    write_file(dir_ / "roster.csv", csv);
    ASSERT_EQ(run(quote(kBin) + " init " + quote(archive())).exit_code, 0);
    ASSERT_EQ(xueji("roster import " + quote((dir_ / "roster.csv").string())).exit_code, 0);
    for (int i = 0; i < 2; ++i) {
      PageSpec spec;
      spec.seed = 40 + static_cast<unsigned>(i);
      spec.kind = i ? PageKind::Transcript : PageKind::StudentCard;
      spec.student = a_;
      pages_.push_back(write_page(generate_page(spec), spec, (dir_ / "pages").string(), "p" + std::to_string(i)));
    }
  }

  std::string archive() const { return (dir_ / "archive").string(); }
  CommandResult xueji(const std::string& args) const {
    // These tests read paths and 学籍号 from the output: ids in full (masking: integrity tests).
    return run(quote(kBin) + " --show-ids --archive " + quote(archive()) + " --operator 测试员 " + args);
  }
  nlohmann::json json_of(const std::string& args) const {
    const CommandResult r = xueji(args + " --json");
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return nlohmann::json::parse(r.out.empty() ? "null" : r.out);
  }

  TempDir dir_;
  StudentInfo a_, b_;
  std::vector<std::string> pages_;
};

}  // namespace

TEST_F(RecordsEndToEnd, VerifyReportsEachKindOfDamageAndNothingElse) {
  ASSERT_EQ(xueji("import -q --student " + a_.id + " --doctype 学籍卡 " + quote(pages_[0])).exit_code, 0);
  ASSERT_EQ(xueji("import -q --student " + a_.id + " --doctype 成绩单 " + quote(pages_[1])).exit_code, 0);
  EXPECT_EQ(xueji("verify").exit_code, 0);

  const auto docs = json_of("document list");
  ASSERT_EQ(docs.size(), 2u);
  const std::string pdf = docs[0]["document"];
  const auto shown = json_of("document show " + std::to_string(docs[1]["id"].get<int>()));
  std::string master;
  for (const auto& f : shown["files"])
    if (f["kind"] == "master") master = f["path"];
  ASSERT_FALSE(master.empty());

  // Flip one byte in one PDF, delete one master, add a stray file, edit one audit row.
  std::string bytes = read_file(archive() + "/" + pdf);
  bytes[bytes.size() / 2] ^= 0x01;
  write_file(archive() + "/" + pdf, bytes);
  fs::remove(archive() + "/" + master);
  write_file(archive() + "/" + a_.grade + "/stray.txt", "not ours");
  ASSERT_EQ(run("sqlite3 " + quote(archive() + "/xueji.db") + " \"UPDATE audit SET details='edited' WHERE id=2\"").exit_code, 0);

  const auto r = xueji("verify --json");
  EXPECT_EQ(r.exit_code, 3);
  const auto findings = nlohmann::json::parse(r.out);
  ASSERT_EQ(findings.size(), 4u) << r.out;
  std::map<std::string, std::string> by_kind;
  for (const auto& f : findings) by_kind[f["kind"]] = f["path"].get<std::string>() + " " + f["detail"].get<std::string>();
  EXPECT_NE(by_kind["changed"].find(pdf), std::string::npos);
  EXPECT_NE(by_kind["missing"].find(master), std::string::npos);
  EXPECT_NE(by_kind["unexpected"].find("stray.txt"), std::string::npos);
  EXPECT_NE(by_kind["audit"].find("entry 2 was changed"), std::string::npos);
}

TEST_F(RecordsEndToEnd, MisfiledDocumentMovesDeletesAndPurgesWithAuditEntries) {
  ASSERT_EQ(xueji("import -q --student " + a_.id + " --doctype 成绩单 --declared-pages 2 --date 2015/9/1 " +
                  quote(pages_[1])).exit_code, 0);
  EXPECT_NE(xueji("import -q --student " + a_.id + " --date 2015-13-01 " + quote(pages_[1])).exit_code, 0);
  auto docs = json_of("document list --student " + a_.id);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["date"], "2015-09-01");
  const int id = docs[0]["id"];
  // The completeness report sees a missing 学籍卡 and a short 成绩单.
  const auto report = json_of("report completeness");
  for (const auto& row : report)
    if (row["student_id"] == a_.id) {
      EXPECT_FALSE(row["complete"].get<bool>());
      EXPECT_EQ(row["incomplete"].size(), 1u);
    }
  // Move it to the right student: files, index and log follow.
  const auto moved = xueji("document move " + std::to_string(id) + " --to " + b_.id);
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.out.find(b_.id + "/" + b_.id + "-CJD-0001.pdf"), std::string::npos) << moved.out;
  EXPECT_TRUE(json_of("document list --student " + a_.id).empty());
  EXPECT_EQ(json_of("document list --student " + b_.id).size(), 1u);
  const auto hits = json_of("search " + quote(b_.name));
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0]["student_id"], b_.id);
  EXPECT_EQ(xueji("verify").exit_code, 0) << xueji("verify").out;
  bool logged = false;
  for (const auto& e : json_of("log --student " + a_.id))
    logged = logged || (e["action"] == "move" && e["operator"] == "测试员");
  EXPECT_TRUE(logged);

  // Delete into the trash, then purge.
  ASSERT_EQ(xueji("document delete " + std::to_string(id)).exit_code, 0);
  EXPECT_TRUE(json_of("document list --student " + b_.id).empty());
  EXPECT_EQ(json_of("document list --deleted").size(), 1u);
  EXPECT_TRUE(fs::exists(archive() + "/.trash/" + std::to_string(id)));
  EXPECT_TRUE(json_of("search " + quote(b_.name)).empty());
  EXPECT_EQ(xueji("verify").exit_code, 0);
  ASSERT_EQ(xueji("document purge").exit_code, 0);
  EXPECT_FALSE(fs::exists(archive() + "/.trash/" + std::to_string(id)));
  EXPECT_EQ(xueji("verify").exit_code, 0);
  std::set<std::string> actions;
  for (const auto& e : json_of("log")) actions.insert(e["action"]);
  for (const char* a : {"create-archive", "roster-add", "import", "move", "delete", "purge"}) EXPECT_TRUE(actions.count(a)) << a;
}

TEST_F(RecordsEndToEnd, StudentCommandsAndHostileRosterValues) {
  EXPECT_EQ(xueji("student add G11010519491231002X --name 𠀋明 --grade 2015级 --class 3班").exit_code, 0);
  EXPECT_NE(xueji("student add G11010519491231002X --name 重复").exit_code, 0);
  EXPECT_EQ(xueji("student edit G11010519491231002X --status 毕业").exit_code, 0);
  const auto s = json_of("student show G11010519491231002X");
  EXPECT_EQ(s["name"], "𠀋明");
  EXPECT_EQ(s["status"], "毕业");
  EXPECT_NE(xueji("student edit G11010519491231002X --status 不存在").exit_code, 0);

  // A roster whose grade and class try to climb out of the archive.
  const std::string id = "J11010519491231002X";
  write_file(dir_ / "evil.csv", "学籍号,姓名,性别,出生日期,年级,班级\n" + id + ",恶意,男,1949-12-31,../../..,/etc/" +
                                    std::string(300, 'x') + "\n");
  ASSERT_EQ(xueji("roster import " + quote((dir_ / "evil.csv").string())).exit_code, 0);
  const auto r = xueji("import -q --student " + id + " " + quote(pages_[0]));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path placed = fs::weakly_canonical(fs::path(archive()) / r.out.substr(0, r.out.size() - 1));
  EXPECT_EQ(placed.string().rfind(fs::weakly_canonical(archive()).string(), 0), 0u) << placed;
  EXPECT_TRUE(fs::exists(placed));
  EXPECT_EQ(xueji("verify").exit_code, 0);
}
