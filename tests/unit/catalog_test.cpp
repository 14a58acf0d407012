#include <gtest/gtest.h>

#include "archive/archive_layout.h"
#include "models/access_queue.h"
#include "models/archive_lock.h"
#include "models/audit.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/roster.h"
#include "models/schema.h"
#include "models/sqlite.h"
#include "models/student_id.h"

#include <chrono>
#include "models/text_encoding.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::TempDir;

namespace {

std::string valid_id(int n) {
  // G + 110105 + 2008MMDD + sequence + check character
  char first17[18];
  std::snprintf(first17, sizeof first17, "1101052008%02d%02d%03d", 1 + n % 12, 1 + n % 28, n % 1000);
  return std::string("G") + first17 + *id_check_character(first17);
}

}  // namespace

TEST(Catalog, SchemaUpgradesFromVersionOneAndRefusesNewer) {
  TempDir dir;
  const auto root = dir / "old";
  std::filesystem::create_directories(root / "G11010519491231002X");
  xueji::testing::write_file(root / "G11010519491231002X/G11010519491231002X-XJK-0001.pdf", "%PDF-1.4 old");
  {
    sql::Db db(root / "xueji.db", sql::Db::Mode::Create);
    db.exec(R"sql(
CREATE TABLE students(id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '', grade TEXT NOT NULL DEFAULT '', class_name TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL);
CREATE TABLE documents(id INTEGER PRIMARY KEY, student_id TEXT NOT NULL REFERENCES students(id),
  doc_type TEXT NOT NULL, type_code TEXT NOT NULL, sequence INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '',
  pdf_path TEXT NOT NULL UNIQUE, page_count INTEGER NOT NULL, created_at TEXT NOT NULL,
  UNIQUE(student_id, type_code, sequence));
CREATE TABLE pages(id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  number INTEGER NOT NULL, source TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  dpi REAL NOT NULL, skew_deg REAL NOT NULL, orientation INTEGER NOT NULL DEFAULT 0,
  blank INTEGER NOT NULL DEFAULT 0, color_mode TEXT NOT NULL DEFAULT '', seal INTEGER NOT NULL DEFAULT 0,
  content_x INTEGER NOT NULL DEFAULT 0, content_y INTEGER NOT NULL DEFAULT 0,
  content_w INTEGER NOT NULL DEFAULT 0, content_h INTEGER NOT NULL DEFAULT 0,
  analysis_confidence REAL NOT NULL DEFAULT 0, ocr_confidence REAL NOT NULL, text TEXT NOT NULL,
  UNIQUE(document_id, number));
INSERT INTO students VALUES('G11010519491231002X','张伟','男','1949-12-31','2015级','3班','2020-01-01T00:00:00Z');
INSERT INTO documents VALUES(1,'G11010519491231002X','学籍卡','XJK',1,'','G11010519491231002X/G11010519491231002X-XJK-0001.pdf',1,'2020-01-01T00:00:00Z');
PRAGMA user_version=1;)sql");
  }
  Catalog c(root, "tester");
  sql::Db db(root / Catalog::kDatabaseName, sql::Db::Mode::OpenExisting);  // the test's own connection
  EXPECT_EQ(schema_version(db), kSchemaVersion);
  EXPECT_EQ(c.find_student("G11010519491231002X")->status, "在读");
  ASSERT_EQ(c.all_files().size(), 1u);  // the old PDF got its fixity value
  const auto log = c.audit_log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().action, "upgrade-schema");
  EXPECT_EQ(log.back().operator_name, "tester");
  EXPECT_TRUE(c.verify_audit().empty());

  db.exec("PRAGMA user_version=99");
  try {
    Catalog newer(root);
    FAIL() << "a newer schema was opened";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("newer Xueji"), std::string::npos);
  }
}

TEST(Catalog, AuditChainDetectsEditsAndDeletions) {
  TempDir dir;
  Catalog::create(dir / "a");
  Catalog c(dir / "a", "clerk");
  for (int i = 0; i < 5; ++i) c.add_student({valid_id(i), "学生" + std::to_string(i), "男", "", "2015级", "1班", {}, {}, "在读"});
  EXPECT_TRUE(c.verify_audit().empty());
  EXPECT_EQ(c.audit_log(valid_id(2)).size(), 1u);

  sql::Db(dir / "a" / Catalog::kDatabaseName, sql::Db::Mode::OpenExisting)
      .exec("UPDATE audit SET details='tampered' WHERE id=3");
  auto f = c.verify_audit();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("entry 3 was changed"), std::string::npos);

  TempDir dir2;
  Catalog::create(dir2 / "a");
  Catalog d(dir2 / "a");
  for (int i = 0; i < 5; ++i) d.add_student({valid_id(i), "学生", "男", "", "", "", {}, {}, "在读"});
  sql::Db raw(dir2 / "a" / Catalog::kDatabaseName, sql::Db::Mode::OpenExisting);  // the test's own connection
  raw.exec("DELETE FROM audit WHERE id=2");
  EXPECT_FALSE(d.verify_audit().empty());
  raw.exec("DELETE FROM audit WHERE id=(SELECT MAX(id) FROM audit)");  // the newest entry
  bool tail = false;
  for (const auto& s : d.verify_audit()) tail = tail || s.find("newest") != std::string::npos;
  EXPECT_TRUE(tail);
}

TEST(Catalog, AccessWaitsForNoChangeAndIsChainedOnce) {
  TempDir dir;
  Catalog::create(dir / "a");
  Catalog c(dir / "a", "clerk");
  c.add_student({valid_id(1), "学生", "男", "", "", "", {}, {}, "在读"});
  auto accesses = [&] { return c.audit_log(std::nullopt, std::string("access")); };
  {
    // Another command holds the archive lock (a long recover, say): the search goes on at once.
    FileLock busy(state_dir(c.root()) / "lock", std::chrono::milliseconds(0), "test");
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.record_access("search", "query 数学", "", "3 hits"));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
    EXPECT_EQ(queued_accesses(c.root()).size(), 1u);
    EXPECT_TRUE(accesses().empty());
  }
  // A copy stands for a crash after the chaining commit and before the file was removed.
  const auto queued = queued_accesses(c.root());
  ASSERT_EQ(queued.size(), 1u);
  std::filesystem::copy_file(queued[0].file, queued[0].file.string() + ".copy");
  c.add_student({valid_id(2), "学生二", "女", "", "", "", {}, {}, "在读"});  // the next change chains it
  ASSERT_EQ(accesses().size(), 1u);
  EXPECT_EQ(accesses()[0].details, "3 hits");
  EXPECT_EQ(accesses()[0].time, queued[0].entry.time);
  EXPECT_TRUE(queued_accesses(c.root()).empty());
  std::filesystem::rename(queued[0].file.string() + ".copy", queued[0].file);
  EXPECT_TRUE(c.record_access("student-show", "student " + valid_id(1), valid_id(1), ""));  // lock free now
  EXPECT_EQ(accesses().size(), 2u);  // the left-over copy was not chained again
  EXPECT_TRUE(queued_accesses(c.root()).empty());
  EXPECT_TRUE(c.verify_audit().empty());
}

// Before: an init that failed half-way left its audit key, and every later init was refused
// ("holds the audit key of an archive whose database is gone").
TEST(Catalog, FailedCreateLeavesNothingBehind) {
  TempDir dir;
  std::filesystem::create_directories(dir / "a" / "xueji.db-wal");  // SQLite can't write its WAL
  EXPECT_THROW(Catalog::create(dir / "a"), std::exception);
  EXPECT_FALSE(std::filesystem::exists(audit_key_path(dir / "a")));
  EXPECT_FALSE(std::filesystem::exists(dir / "a" / Catalog::kDatabaseName));
  std::filesystem::remove(dir / "a" / "xueji.db-wal");
  Catalog::create(dir / "a");
  EXPECT_TRUE(Catalog(dir / "a").verify_audit().empty());
}

TEST(Catalog, PathsNeverLeaveTheArchive) {
  const DocType t{"学籍卡", "XJK", true};
  for (const std::string& evil : {std::string("../../etc"), std::string("/etc/passwd"), std::string("a/../../b"),
                                 std::string("x\0y", 3), std::string(300, 'A'), std::string(".."), std::string("班/级")}) {
    Student s{"G11010519491231002X", "某", "", "", evil, evil, {}, {}, "在读"};
    const DocumentPaths p = document_paths(s, t, 1);
    EXPECT_TRUE(is_inside_archive(p.pdf)) << p.pdf;
    EXPECT_TRUE(is_inside_archive(p.master(1, ".jpg")));
    for (const auto& part : p.pdf) {
      EXPECT_NE(part, "..");
      EXPECT_LE(part.string().size(), 96u);  // 32 characters, at most 3 bytes each
    }
    EXPECT_EQ(p.pdf.string().find('\0'), std::string::npos);
  }
  EXPECT_EQ(safe_segment("2015级"), "2015级");
  EXPECT_EQ(safe_segment("../"), "_");
  EXPECT_THROW(document_paths({"../G1", "x", "", "", "", "", {}, {}, "在读"}, t, 1), Error);
  EXPECT_THROW(document_paths({"G11010519491231002X", "x", "", "", "", "", {}, {}, "在读"}, {"x", "../A", false}, 1), Error);
}

TEST(Catalog, RosterOfTwoThousandGb18030StudentsImportsFastAndReimportChangesNothing) {
  TempDir dir;
  Catalog::create(dir / "a");
  Catalog c(dir / "a");
  std::string csv = "学籍号,姓名,性别,出生日期,年级,班级\r\n";
  for (int i = 0; i < 2000; ++i) {
    const std::string id = valid_id(i);
    const std::string birth = id.substr(7, 4) + "/" + id.substr(11, 2) + "/" + id.substr(13, 2);
    csv += id + ",学生" + std::to_string(i) + ",女," + birth + ",2015级," + std::to_string(i % 10) + "班\r\n";
  }
  // Five broken rows, at known lines.
  for (const char* bad : {"G110105200801010010,甲,男,2008-01-01,2015级,1班",  // check character
                          "G1101052008,乙,男,2008-01-01,2015级,1班",          // too short
                          "X11010519491231002X,丙,男,1949-12-31,2015级,1班",  // wrong letter
                          "L110105200802301234,丁,男,2008-02-30,2015级,1班",  // no such date
                          ",戊,男,2008-01-01,2015级,1班"})                     // empty
    csv += std::string(bad) + "\r\n";
  xueji::testing::write_file(dir / "r.csv", convert_encoding(csv, "UTF-8", "GB18030"));
  const auto t0 = std::chrono::steady_clock::now();
  const RosterImportResult r = import_roster(c, dir / "r.csv");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "2000-student GB18030 roster imported in " << s << " s\n";
  EXPECT_LT(s, 2.0);
  EXPECT_EQ(r.encoding, TextEncoding::Gb18030);
  EXPECT_EQ(r.added, 2000);
  ASSERT_EQ(r.rejected.size(), 5u);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(r.rejected[static_cast<size_t>(k)].line, 2002 + k);
  const size_t log_size = c.audit_log().size();
  const RosterImportResult again = import_roster(c, dir / "r.csv");
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 2000);
  EXPECT_EQ(c.audit_log().size(), log_size);  // nothing changed, nothing logged
  EXPECT_EQ(c.students().size(), 2000u);
  // A dry run reports and changes nothing.
  csv.replace(csv.find("学生0,"), std::string("学生0,").size(), "学生零,");
  xueji::testing::write_file(dir / "r2.csv", csv);
  const RosterImportResult dry = import_roster(c, dir / "r2.csv", true);
  EXPECT_EQ(dry.updated, 1);
  EXPECT_EQ(c.find_student(valid_id(0))->name, "学生0");
}
