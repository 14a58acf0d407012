#include "models/schema.h"

#include <string>

#include "models/audit.h"
#include "models/error.h"
#include "models/sha256.h"

namespace xueji {
namespace {

constexpr const char* kV1 = R"sql(
CREATE TABLE students(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '', grade TEXT NOT NULL DEFAULT '',
  class_name TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY, student_id TEXT NOT NULL REFERENCES students(id),
  doc_type TEXT NOT NULL, type_code TEXT NOT NULL, sequence INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '', pdf_path TEXT NOT NULL UNIQUE, page_count INTEGER NOT NULL,
  created_at TEXT NOT NULL, UNIQUE(student_id, type_code, sequence));
CREATE TABLE pages(
  id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  number INTEGER NOT NULL, source TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  dpi REAL NOT NULL, skew_deg REAL NOT NULL, orientation INTEGER NOT NULL DEFAULT 0,
  blank INTEGER NOT NULL DEFAULT 0, color_mode TEXT NOT NULL DEFAULT '', seal INTEGER NOT NULL DEFAULT 0,
  content_x INTEGER NOT NULL DEFAULT 0, content_y INTEGER NOT NULL DEFAULT 0,
  content_w INTEGER NOT NULL DEFAULT 0, content_h INTEGER NOT NULL DEFAULT 0,
  analysis_confidence REAL NOT NULL DEFAULT 0, ocr_confidence REAL NOT NULL, text TEXT NOT NULL,
  UNIQUE(document_id, number));
CREATE INDEX documents_by_student ON documents(student_id);
)sql";

constexpr const char* kV2 = R"sql(
ALTER TABLE students ADD COLUMN ethnicity TEXT NOT NULL DEFAULT '';
ALTER TABLE students ADD COLUMN school TEXT NOT NULL DEFAULT '';
ALTER TABLE students ADD COLUMN status TEXT NOT NULL DEFAULT '在读';
ALTER TABLE documents ADD COLUMN declared_pages INTEGER;
ALTER TABLE documents ADD COLUMN doc_date TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN deleted_at TEXT;
CREATE TABLE doc_types(
  name TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, required INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL);
INSERT INTO doc_types VALUES
  ('学籍卡','XJK',1,1), ('成绩单','CJD',1,2), ('体检表','TJB',1,3), ('奖惩记录','JCJL',0,4),
  ('综合素质评价','ZHSZ',0,5), ('毕业生登记表','BYDJ',0,6), ('转学/休学材料','ZXXX',0,7), ('其他','QT',0,8);
CREATE TABLE files(
  path TEXT PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
  kind TEXT NOT NULL, page INTEGER, sha256 TEXT NOT NULL, size INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX files_by_document ON files(document_id);
CREATE TABLE audit(
  id INTEGER PRIMARY KEY, time TEXT NOT NULL, operator TEXT NOT NULL, action TEXT NOT NULL,
  object TEXT NOT NULL, student_id TEXT NOT NULL DEFAULT '', details TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX audit_by_student ON audit(student_id);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

// Files that version 1 wrote get their fixity values now.
void hash_v1_files(sql::Db& db, const std::filesystem::path& root) {
  sql::Stmt docs(db, "SELECT id, pdf_path FROM documents");
  sql::Stmt ins(db, "INSERT INTO files(path,document_id,kind,page,sha256,size,created_at) "
                    "VALUES(?,?,'pdf',NULL,?,?,datetime('now'))");
  while (docs.step()) {
    const std::filesystem::path file = root / docs.text(1);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;  // verify will report it missing
    ins.reset();
    ins.bind(1, docs.text(1)).bind(2, docs.integer(0)).bind(3, sha256_file(file));
    ins.bind(4, static_cast<int64_t>(std::filesystem::file_size(file))).run();
  }
}

}  // namespace

// Version 3: each page keeps its OCR words with their boxes (for search hits on the image).
constexpr const char* kV3 = R"sql(
ALTER TABLE pages ADD COLUMN words TEXT NOT NULL DEFAULT '';
)sql";

// Version 4: numbers that are never given twice (document ids and archive sequence numbers
// come from counters that only grow), reservations of running imports, access events in the
// keyed audit chain, and each page's source image hash (duplicate imports).
constexpr const char* kV4 = R"sql(
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters(name,value) SELECT 'document', COALESCE(MAX(id),0) FROM documents;
INSERT INTO counters(name,value)
  SELECT 'seq/' || student_id || '/' || type_code, MAX(sequence) FROM documents GROUP BY student_id, type_code;
CREATE TABLE reservations(
  document_id INTEGER PRIMARY KEY, student_id TEXT NOT NULL, type_code TEXT NOT NULL,
  sequence INTEGER NOT NULL, operator TEXT NOT NULL, started_at TEXT NOT NULL);
ALTER TABLE audit ADD COLUMN kind TEXT NOT NULL DEFAULT 'change';
ALTER TABLE pages ADD COLUMN source_sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX pages_by_source ON pages(source_sha256);
)sql";

int schema_version(sql::Db& db) {
  sql::Stmt st(db, "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.integer(0));
}

void create_schema(sql::Db& db, const std::string& key) {
  sql::Transaction tx(db);
  db.exec(kV1);
  db.exec(kV2);
  db.exec(kV3);
  db.exec(kV4);
  db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  append_audit(db, key, {0, "", os_user_name(), "create-archive", "archive", "", "schema " + std::to_string(kSchemaVersion)});
  tx.commit();
}

void migrate_schema(sql::Db& db, const std::filesystem::path& root, const std::string& op) {
  int v = schema_version(db);
  if (v > kSchemaVersion)
    throw Error(ErrorCode::Database, "the archive was made by a newer Xueji (schema " + std::to_string(v) +
                                         ", this version knows " + std::to_string(kSchemaVersion) +
                                         "); upgrade Xueji to open it");
  if (v < 1) throw Error(ErrorCode::Database, "not a Xueji archive database (schema version 0)");
  if (v == kSchemaVersion) return;
  // An archive of schema 3 or older never had an audit key or head file: finding one means the
  // database was set back to an old schema (to have a forged unkeyed trail re-hashed).
  if (std::filesystem::exists(audit_key_path(root)) || read_audit_head_file(root))
    throw Error(ErrorCode::Integrity, "the catalog says schema " + std::to_string(v) +
                                          ", but the archive already has the audit key of schema 4: the database was "
                                          "set back; it is not upgraded (restore it from a backup, or use "
                                          "`xueji catalog rebuild --replace`)");
  // All steps in one transaction, recorded by one audit entry: the old unkeyed chain is
  // checked and re-hashed under the archive key before anything is appended to it.
  const int from = v;
  sql::Transaction tx(db);
  if (v == 1) {
    db.exec(kV2);
    hash_v1_files(db, root);
  }
  if (v <= 2) db.exec(kV3);  // pages imported before keep no word boxes (search gives no boxes for them)
  db.exec(kV4);
  const auto existing = load_audit_key(root);
  const std::string key = existing ? *existing : create_audit_key(root);
  const std::vector<std::string> old = rekey_audit_chain(db, key);
  const std::string chain = old.empty() ? "the unkeyed audit chain checked and was re-hashed under the archive key"
                                        : "the unkeyed audit chain did NOT check (" + std::to_string(old.size()) +
                                              " findings, first: " + old.front() + "); re-hashed under the archive key";
  db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  append_audit(db, key, {0, "", op, "upgrade-schema", "archive", "",
                         "from schema " + std::to_string(from) + " to " + std::to_string(kSchemaVersion) + "; " + chain});
  tx.commit();
}

}  // namespace xueji
