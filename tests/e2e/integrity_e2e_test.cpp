// One archive, many hands, through the real `xueji` command: concurrent imports, recover that
// never deletes a document, catalog rebuild, the keyed audit trail and its head, numbers never
// given twice, moved documents' metadata, masked identity numbers and the access log, file
// modes, read-only archives and duplicate images.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kBin = XUEJI_BIN;

class Integrity : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = random_student(51);
    b_ = random_student(52);
    std::string csv = "学籍号,姓名,性别,出生日期,年级,班级\n";
    for (const auto* s : {&a_, &b_})
      csv += s->id + "," + s->name + "," + s->gender + "," + s->birth_date + "," + s->grade + "," + s->class_name + "\n";
    write_file(dir_ / "roster.csv", csv);
    ASSERT_EQ(run(quote(kBin) + " init " + quote(archive())).exit_code, 0);
    ASSERT_EQ(xueji("roster import " + quote((dir_ / "roster.csv").string())).exit_code, 0);
    for (int i = 0; i < 4; ++i) {
      PageSpec spec;
      spec.seed = 60 + static_cast<unsigned>(i);
      spec.kind = i % 2 ? PageKind::Transcript : PageKind::StudentCard;
      spec.student = a_;
      pages_.push_back(write_page(generate_page(spec), spec, (dir_ / "pages").string(), "p" + std::to_string(i)));
    }
  }

  std::string archive() const { return (dir_ / "archive").string(); }
  // Full ids (paths are read from the output) unless `masked`.
  CommandResult xueji(const std::string& args, bool masked = false) const {
    return run(quote(kBin) + (masked ? "" : " --show-ids") + " --archive " + quote(archive()) + " " + args);
  }
  json json_of(const std::string& args) const {
    const CommandResult r = xueji(args + " --json");
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return json::parse(r.out.empty() ? "null" : r.out);
  }
  std::string import(const std::string& student, const std::string& type, const std::string& page,
                     const std::string& extra = "") const {
    const CommandResult r = xueji("import -q --engine tesseract " + extra + " --student " + student + " --doctype " + type +
                                  " " + quote(page));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  void expect_verified() const {
    const CommandResult v = xueji("verify");
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }

  TempDir dir_;
  StudentInfo a_, b_;
  std::vector<std::string> pages_;
};

int count_files(const fs::path& dir) {
  int n = 0;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

}  // namespace

// Before: the second import's rollback deleted the files of the first (UNIQUE constraint on
// the sequence read outside the transaction).
TEST_F(Integrity, ConcurrentImportsOfOneStudentAndTypeBothCommit) {
  for (int round = 0; round < 2; ++round) {
    std::string cmd;
    for (int k = 0; k < 3; ++k)
      cmd += quote(kBin) + " --archive " + quote(archive()) + " import -q --engine tesseract --student " + a_.id +
             " --doctype 体检表 " + quote(pages_[static_cast<size_t>(k + round) % 4]) +
             " --allow-duplicate > /dev/null & ";
    ASSERT_EQ(run(cmd + "wait").exit_code, 0);
  }
  const json docs = json_of("document list");
  ASSERT_EQ(docs.size(), 6u);
  std::set<int> sequences;
  for (const auto& d : docs) sequences.insert(d["sequence"].get<int>());
  EXPECT_EQ(sequences, (std::set<int>{1, 2, 3, 4, 5, 6}));
  expect_verified();
}

// Before: after an older xueji.db was restored, recover deleted a valid PDF.
TEST_F(Integrity, RecoverQuarantinesWhatAnOlderCatalogMissesAndRebuildBringsItBack) {
  import(a_.id, "学籍卡", pages_[0]);
  run("sqlite3 " + quote(archive() + "/xueji.db") + " 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null");
  fs::copy_file(archive() + "/xueji.db", dir_ / "old.db");
  const std::string second = import(a_.id, "成绩单", pages_[1]);
  ASSERT_TRUE(fs::exists(archive() + "/" + second));
  for (const char* f : {"/xueji.db", "/xueji.db-wal", "/xueji.db-shm"}) fs::remove(archive() + f);
  fs::copy_file(dir_ / "old.db", archive() + "/xueji.db");

  const CommandResult r = xueji("recover");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nothing else was deleted"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(archive() + "/" + second));
  EXPECT_GE(count_files(archive() + "/.quarantine"), 4);  // PDF, master, manifest, QUARANTINE.txt
  // The trail lost its newest entries with the database: verify says so, even after the
  // commands since have added entries of their own.
  const CommandResult v = xueji("verify");
  EXPECT_EQ(v.exit_code, 3);
  EXPECT_NE(v.out.find("audit: the audit trail was"), std::string::npos) << v.out;

  // Put the quarantined files back and rebuild: both documents are there again.
  for (auto& stamp : fs::directory_iterator(archive() + "/.quarantine"))
    for (auto& e : fs::recursive_directory_iterator(stamp.path()))
      if (e.is_regular_file() && e.path().filename() != "QUARANTINE.txt")
        fs::rename(e.path(), fs::path(archive()) / fs::relative(e.path(), stamp.path()));
  const CommandResult rb = xueji("catalog rebuild --replace");
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(json_of("document list").size(), 2u);
  expect_verified();
}

TEST_F(Integrity, RecoverDuringAnImportLeavesItAlone) {
  const std::string cmd = quote(kBin) + " --archive " + quote(archive()) + " import -q --student " + a_.id +
                          " --doctype 奖惩记录 " + quote(pages_[0]) + " " + quote(pages_[1]) + " " + quote(pages_[2]) +
                          " " + quote(pages_[3]) + " > " + quote((dir_ / "import.out").string()) + "; echo $? > " +
                          quote((dir_ / "import.rc").string());
  std::thread importer([&] { run(cmd); });
  // Wait until the import has placed its first master, then recover while it works.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool placed = false;
  while (!placed && std::chrono::steady_clock::now() < deadline) {
    for (auto& e : fs::recursive_directory_iterator(archive()))
      placed = placed || (e.path().extension() == ".jpg" && e.path().string().find("-JCJL-") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(placed);
  const CommandResult r = xueji("recover");
  importer.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("an import still running"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(dir_ / "import.rc"), "0\n");
  ASSERT_EQ(json_of("document list").size(), 1u);
  expect_verified();
}

// Before: deleting the trail and its meta rows, or re-chaining with plain SHA-256, passed verify.
TEST_F(Integrity, ErasedOrRechainedAuditTrailIsReported) {
  import(a_.id, "学籍卡", pages_[0]);
  const json head = json_of("audit head");
  EXPECT_GT(head["entries"].get<int>(), 2);
  EXPECT_EQ(head["hash"].get<std::string>().size(), 64u);
  const std::string db = quote(archive() + "/xueji.db");
  fs::copy_file(archive() + "/xueji.db", dir_ / "intact.db");

  ASSERT_EQ(run("sqlite3 " + db + " \"DELETE FROM audit; DELETE FROM meta WHERE key IN ('audit_head','audit_count')\"").exit_code, 0);
  CommandResult v = xueji("verify", true);
  EXPECT_EQ(v.exit_code, 3);
  EXPECT_NE(v.out.find("truncated"), std::string::npos) << v.out;

  // Re-chain every entry (one edited) with SHA-256 as the old unkeyed chain did.
  run("sqlite3 " + db + " 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null");
  fs::remove(archive() + "/xueji.db");
  fs::remove(archive() + "/xueji.db-wal");
  fs::remove(archive() + "/xueji.db-shm");
  fs::copy_file(dir_ / "intact.db", archive() + "/xueji.db");
  const std::string py = R"PY(
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE audit SET details='edited' WHERE id=2")
prev = ''
for row in c.execute('SELECT id,time,operator,action,object,student_id,details,kind FROM audit ORDER BY id').fetchall():
    h = hashlib.sha256('\x1f'.join([prev] + [str(x) for x in row]).encode()).hexdigest()
    c.execute('UPDATE audit SET prev_hash=?, hash=? WHERE id=?', (prev, h, row[0]))
    prev = h
c.execute("UPDATE meta SET value=? WHERE key='audit_head'", (prev,))
c.commit()
)PY";
  write_file(dir_ / "rechain.py", py);
  ASSERT_EQ(run("python3 " + quote((dir_ / "rechain.py").string()) + " " + quote(archive() + "/xueji.db")).exit_code, 0);
  v = xueji("verify", true);
  EXPECT_EQ(v.exit_code, 3);
  EXPECT_NE(v.out.find("keyed hash does not check"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("rewritten"), std::string::npos) << v.out;
}

// Before: purge then import gave the same document id and -0005 name again.
TEST_F(Integrity, NumbersAreNeverGivenTwiceNotEvenAfterPurgeAndRebuild) {
  const std::string first = import(a_.id, "其他", pages_[0]);
  ASSERT_NE(first.find("-QT-0001.pdf"), std::string::npos) << first;
  ASSERT_EQ(xueji("document delete 1").exit_code, 0);
  ASSERT_EQ(xueji("document purge").exit_code, 0);
  const std::string second = import(a_.id, "其他", pages_[1]);
  EXPECT_NE(second.find("-QT-0002.pdf"), std::string::npos) << second;
  json docs = json_of("document list");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["id"], 2);
  ASSERT_EQ(xueji("document delete 2").exit_code, 0);
  ASSERT_EQ(xueji("document purge").exit_code, 0);
  // Even a catalog rebuilt from the files remembers the purged numbers.
  for (const char* f : {"/xueji.db", "/xueji.db-wal", "/xueji.db-shm"}) fs::remove(archive() + f);
  ASSERT_EQ(xueji("catalog rebuild").exit_code, 0);
  // (Students come back with their documents; one without any comes back with the roster.)
  ASSERT_EQ(xueji("roster import " + quote((dir_ / "roster.csv").string())).exit_code, 0);
  const std::string third = import(a_.id, "其他", pages_[2]);
  EXPECT_NE(third.find("-QT-0003.pdf"), std::string::npos) << third;
  docs = json_of("document list");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["id"], 3);
}

// Before: the moved PDF kept the previous student's name and 学籍号 in its Title and XMP.
TEST_F(Integrity, MovedDocumentCarriesTheNewStudentInTitleAndXmp) {
  import(a_.id, "学籍卡", pages_[0]);
  const CommandResult m = xueji("document move 1 --to " + b_.id);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const std::string pdf = archive() + "/" + m.out.substr(0, m.out.find('\n'));
  const CommandResult info = run("pdfinfo -meta " + quote(pdf));
  ASSERT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find(b_.name), std::string::npos) << info.out;
  EXPECT_NE(info.out.find(b_.id), std::string::npos);
  EXPECT_EQ(info.out.find(a_.name), std::string::npos) << info.out;
  EXPECT_EQ(info.out.find(a_.id), std::string::npos);
  const CommandResult title = run("pdfinfo " + quote(pdf) + " | grep ^Title:");
  EXPECT_NE(title.out.find(b_.name), std::string::npos) << title.out;
  EXPECT_EQ(run(quote(kBin) + " check-pdf " + quote(pdf)).exit_code, 0);
  EXPECT_EQ(run("qpdf --check " + quote(pdf) + " >/dev/null").exit_code, 0);
  expect_verified();
}

// Before: the full 学籍号 was printed in every listing, snippet and log line, and views and
// searches were not logged.
TEST_F(Integrity, IdsAreMaskedUnlessShownAndEveryLookIsLogged) {
  import(a_.id, "学籍卡", pages_[0]);
  const std::string masked = a_.id.substr(0, 7) + "********" + a_.id.substr(15);
  for (const std::string& cmd : {std::string("student list"), std::string("document list"), std::string("log"),
                                 "student show " + a_.id, "search " + xueji::testing::quote(a_.name)}) {
    const CommandResult r = xueji(cmd, true);
    ASSERT_EQ(r.exit_code, 0) << cmd << r.err;
    EXPECT_EQ(r.out.find(a_.id), std::string::npos) << cmd << ": " << r.out;
    EXPECT_EQ(r.out.find(a_.id_number), std::string::npos) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find(masked), std::string::npos) << cmd << ": " << r.out;
  }
  const CommandResult full = xueji("student list", false);
  EXPECT_NE(full.out.find(a_.id), std::string::npos);
  const json access = json_of("log --access");
  std::set<std::string> actions;
  for (const auto& e : access) actions.insert(e["action"].get<std::string>());
  EXPECT_TRUE(actions.count("view") && actions.count("search") && actions.count("show-ids")) << access.dump();
  for (const auto& e : json_of("log")) EXPECT_EQ(e["kind"], "change");  // the changes log holds no lookups
  expect_verified();
}

TEST_F(Integrity, ArchiveFilesAreForTheOwnerOnly) {
  const std::string pdf = import(a_.id, "学籍卡", pages_[0]);
  auto mode = [](const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(archive() + "/" + pdf), 0640u);
  EXPECT_EQ(mode(fs::path(archive() + "/" + pdf).parent_path()), 0750u);
  EXPECT_EQ(mode(archive() + "/.xueji/audit.key"), 0600u);
  EXPECT_EQ(mode(archive() + "/xueji.db"), 0640u);
  for (auto& e : fs::recursive_directory_iterator(archive()))
    EXPECT_EQ(mode(e.path()) & 07, 0u) << e.path() << " is open to every user";
}

// Before: search, list, verify and log failed with "unable to open database file".
TEST_F(Integrity, ReadOnlyArchiveCanBeSearchedListedAndVerified) {
  import(a_.id, "学籍卡", pages_[0]);
  const fs::path copy = dir_ / "dvd";
  ASSERT_EQ(run("cp -a " + quote(archive()) + " " + quote(copy.string())).exit_code, 0);
  // Read-only for the user who runs the commands: everybody may read, nobody may write. As root
  // (whom modes don't stop) the commands run as nobody.
  ASSERT_EQ(run("chmod -R a+rX,a-w " + quote(copy.string()) + " && chmod a+rx " + quote(dir_.path().string())).exit_code, 0);
  const std::string as = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  auto ro = [&](const std::string& args) { return run(as + quote(kBin) + " --archive " + quote(copy.string()) + " " + args); };
  const CommandResult s = ro("search " + quote(a_.name));
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("1 page"), std::string::npos) << s.out;
  EXPECT_NE(s.err.find("not recorded"), std::string::npos) << s.err;
  EXPECT_EQ(ro("student list").exit_code, 0);
  EXPECT_EQ(ro("document list").exit_code, 0);
  EXPECT_EQ(ro("log").exit_code, 0);
  const CommandResult v = ro("verify");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  const CommandResult w = ro("student edit " + a_.id + " --name 某某");
  EXPECT_NE(w.exit_code, 0);
  EXPECT_NE(w.err.find("read-only"), std::string::npos) << w.err;
  run("chmod -R u+w " + quote(copy.string()));
}

// Before: the same images imported three times gave three documents without a word.
TEST_F(Integrity, DuplicateImagesNeedAllowDuplicate) {
  import(a_.id, "学籍卡", pages_[0]);
  const CommandResult again = xueji("import -q --student " + a_.id + " --doctype 学籍卡 " + quote(pages_[0]));
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("already imported"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--allow-duplicate"), std::string::npos) << again.err;
  EXPECT_EQ(json_of("document list").size(), 1u);
  import(a_.id, "学籍卡", pages_[0], "--allow-duplicate");
  EXPECT_EQ(json_of("document list").size(), 2u);
}

// Before: two imports of the same image at once both passed the check made before their work.
TEST_F(Integrity, TwoImportsOfOneImageAtOnceGiveOneDocument) {
  const std::string cmd = quote(kBin) + " --archive " + quote(archive()) + " import -q --engine tesseract --student " +
                          a_.id + " --doctype 学籍卡 " + quote(pages_[0]);
  const CommandResult r = run("(" + cmd + " & " + cmd + " & wait)");
  EXPECT_EQ(json_of("document list").size(), 1u) << r.err;
  EXPECT_NE(r.err.find("already imported"), std::string::npos) << r.err;
  const CommandResult v = xueji("verify");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(Integrity, CatalogRebuildGivesBackStudentsDocumentsPageOrderAndSearchResults) {
  import(a_.id, "学籍卡", pages_[0]);
  const CommandResult two = xueji("import -q --engine tesseract --student " + a_.id + " --doctype 成绩单 " +
                                  quote(pages_[1]) + " " + quote(pages_[2]));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  import(b_.id, "体检表", pages_[3]);
  ASSERT_EQ(xueji("document move 1 --to " + b_.id).exit_code, 0);
  ASSERT_EQ(xueji("document delete 3").exit_code, 0);
  auto state = [&] {
    json s;
    s["students"] = json_of("student list");
    s["documents"] = json_of("document list");
    s["trash"] = json_of("document list --deleted");
    for (const auto& d : s["documents"]) {
      json shown = json_of("document show " + std::to_string(d["id"].get<int>()));
      shown.erase("created_at");
      s["shown"].push_back(shown);
    }
    for (const std::string& q : {a_.name, b_.name, std::string("成绩"), std::string("type:学籍卡")})
      s["search"].push_back(json_of("search " + quote(q)));
    for (auto& d : s["documents"]) d.erase("created_at");
    for (auto& d : s["trash"]) d.erase("deleted_at");
    return s;
  };
  const json before = state();
  for (const char* f : {"/xueji.db", "/xueji.db-wal", "/xueji.db-shm"}) fs::remove(archive() + f);
  const CommandResult rb = xueji("catalog rebuild");
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_NE(rb.out.find("3 documents (1 in the trash)"), std::string::npos) << rb.out;
  const json after = state();
  EXPECT_EQ(after["students"], before["students"]);
  EXPECT_EQ(after["documents"], before["documents"]);
  EXPECT_EQ(after["trash"], before["trash"]);
  EXPECT_EQ(after["shown"], before["shown"]);
  EXPECT_EQ(after["search"], before["search"]);
  expect_verified();
  // The new trail names the old one's head.
  bool named = false;
  for (const auto& e : json_of("log")) named = named || (e["action"] == "catalog-rebuild" &&
                                                        e["details"].get<std::string>().find("hash") != std::string::npos);
  EXPECT_TRUE(named);
}

// Before: a document of blank pages only counted as a present 学籍卡.
TEST_F(Integrity, AllBlankDocumentIsFlaggedNotCountedAsPresent) {
  PageSpec spec;
  spec.seed = 70;
  spec.student = a_;
  spec.degrade.blank = true;
  const std::string blank = write_page(generate_page(spec), spec, (dir_ / "pages").string(), "blank");
  import(a_.id, "学籍卡", blank);
  const json report = json_of("report completeness");
  json row;
  for (const auto& r : report)
    if (r["student_id"] == a_.id) row = r;
  ASSERT_FALSE(row.is_null()) << report.dump();
  EXPECT_EQ(row["complete"], false);
  EXPECT_NE(std::find(row["missing"].begin(), row["missing"].end(), "学籍卡"), row["missing"].end()) << row.dump();
  ASSERT_EQ(row["blank"].size(), 1u) << row.dump();
  EXPECT_EQ(row["blank"][0]["doc_type"], "学籍卡");
  const CommandResult text = xueji("report completeness");
  EXPECT_NE(text.out.find("only blank pages"), std::string::npos) << text.out;
}

// A database set back to schema 3 (to have a forged unkeyed trail re-hashed under the key on
// upgrade) is refused, not upgraded.
TEST_F(Integrity, CatalogSetBackToAnOldSchemaIsRefused) {
  import(a_.id, "学籍卡", pages_[0]);
  ASSERT_EQ(run("sqlite3 " + quote(archive() + "/xueji.db") + " 'PRAGMA user_version=3'").exit_code, 0);
  const CommandResult r = xueji("student list", true);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("set back"), std::string::npos) << r.err;
}
