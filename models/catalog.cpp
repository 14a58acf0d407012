#include "models/catalog.h"

#include <chrono>
#include <ctime>

#include "models/error.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE students(
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  gender      TEXT NOT NULL DEFAULT '',
  birth_date  TEXT NOT NULL DEFAULT '',
  grade       TEXT NOT NULL DEFAULT '',
  class_name  TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL
);
CREATE TABLE documents(
  id          INTEGER PRIMARY KEY,
  student_id  TEXT NOT NULL REFERENCES students(id),
  doc_type    TEXT NOT NULL,
  type_code   TEXT NOT NULL,
  sequence    INTEGER NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  pdf_path    TEXT NOT NULL UNIQUE,
  page_count  INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE(student_id, type_code, sequence)
);
CREATE TABLE pages(
  id              INTEGER PRIMARY KEY,
  document_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  number          INTEGER NOT NULL,
  source          TEXT NOT NULL,
  width           INTEGER NOT NULL,
  height          INTEGER NOT NULL,
  dpi             REAL NOT NULL,
  skew_deg        REAL NOT NULL,
  orientation     INTEGER NOT NULL DEFAULT 0,
  blank           INTEGER NOT NULL DEFAULT 0,
  color_mode      TEXT NOT NULL DEFAULT '',
  seal            INTEGER NOT NULL DEFAULT 0,
  content_x       INTEGER NOT NULL DEFAULT 0,
  content_y       INTEGER NOT NULL DEFAULT 0,
  content_w       INTEGER NOT NULL DEFAULT 0,
  content_h       INTEGER NOT NULL DEFAULT 0,
  analysis_confidence REAL NOT NULL DEFAULT 0,
  ocr_confidence  REAL NOT NULL,
  text            TEXT NOT NULL,
  UNIQUE(document_id, number)
);
CREATE INDEX documents_by_student ON documents(student_id);
)sql";

void configure(sql::Db& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA foreign_keys=ON");
  db.exec("PRAGMA synchronous=FULL");
}

int user_version(sql::Db& db) {
  sql::Stmt st(db, "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.integer(0));
}

}  // namespace

std::string utc_now_iso() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void Catalog::create(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / kDatabaseName, ec))
    throw Error(ErrorCode::InvalidArgument, "an archive already exists in " + dir.string());
  if (!dir.parent_path().empty() && !fs::is_directory(dir.parent_path(), ec) &&
      dir.has_parent_path())
    throw Error(ErrorCode::NotFound,
                "parent folder does not exist: " + dir.parent_path().string());
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot create " + dir.string() + ": " + ec.message());
  sql::Db db(dir / kDatabaseName, sql::Db::Mode::Create);
  configure(db);
  sql::Transaction tx(db);
  db.exec(kSchema);
  db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  tx.commit();
}

static fs::path existing_database(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorCode::NotFound, "archive folder does not exist: " + dir.string());
  fs::path file = dir / Catalog::kDatabaseName;
  if (!fs::is_regular_file(file, ec))
    throw Error(ErrorCode::NotFound, "no Xueji archive in " + dir.string() +
                                         " (create one with: xueji init " + dir.string() + ")");
  return file;
}

Catalog::Catalog(const fs::path& dir)
    : root_(fs::absolute(dir)), db_(existing_database(dir), sql::Db::Mode::OpenExisting) {
  configure(db_);
  int v = user_version(db_);
  if (v > kSchemaVersion)
    throw Error(ErrorCode::Database, "the archive was made by a newer Xueji (schema " +
                                         std::to_string(v) + "); upgrade Xueji to open it");
  if (v < 1) throw Error(ErrorCode::Database, "not a Xueji archive database: " + dir.string());
}

Catalog::Upsert Catalog::upsert_student(const Student& s) {
  auto old = find_student(s.id);
  if (old && old->name == s.name && old->gender == s.gender && old->birth_date == s.birth_date &&
      old->grade == s.grade && old->class_name == s.class_name)
    return Upsert::Unchanged;
  sql::Stmt st(db_,
               "INSERT INTO students(id,name,gender,birth_date,grade,class_name,updated_at) "
               "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(id) DO UPDATE SET name=?2,gender=?3,"
               "birth_date=?4,grade=?5,class_name=?6,updated_at=?7");
  st.bind(1, s.id).bind(2, s.name).bind(3, s.gender).bind(4, s.birth_date).bind(5, s.grade);
  st.bind(6, s.class_name).bind(7, utc_now_iso());
  st.run();
  return old ? Upsert::Updated : Upsert::Added;
}

static Student read_student(const sql::Stmt& st) {
  return Student{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)};
}

std::optional<Student> Catalog::find_student(const std::string& id) {
  sql::Stmt st(db_, "SELECT id,name,gender,birth_date,grade,class_name FROM students WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_student(st);
}

std::vector<Student> Catalog::students() {
  sql::Stmt st(db_, "SELECT id,name,gender,birth_date,grade,class_name FROM students ORDER BY id");
  std::vector<Student> out;
  while (st.step()) out.push_back(read_student(st));
  return out;
}

int Catalog::next_document_sequence(const std::string& student_id, const std::string& code) {
  sql::Stmt st(db_,
               "SELECT COALESCE(MAX(sequence),0)+1 FROM documents WHERE student_id=? AND "
               "type_code=?");
  st.bind(1, student_id).bind(2, code);
  st.step();
  return static_cast<int>(st.integer(0));
}

long long Catalog::add_document(const DocumentRecord& doc) {
  auto type = find_doc_type(doc.doc_type);
  if (!type) throw Error(ErrorCode::InvalidArgument, "unknown document type " + doc.doc_type);
  int seq = next_document_sequence(doc.student_id, std::string(type->code));
  sql::Stmt st(db_,
               "INSERT INTO documents(student_id,doc_type,type_code,sequence,title,pdf_path,"
               "page_count,created_at) VALUES(?,?,?,?,?,?,?,?)");
  st.bind(1, doc.student_id).bind(2, doc.doc_type).bind(3, type->code).bind(4, seq);
  st.bind(5, doc.title).bind(6, doc.pdf_path).bind(7, static_cast<int>(doc.pages.size()));
  st.bind(8, doc.created_at.empty() ? utc_now_iso() : doc.created_at);
  st.run();
  long long id = db_.last_insert_rowid();
  sql::Stmt pg(db_,
               "INSERT INTO pages(document_id,number,source,width,height,dpi,skew_deg,"
               "ocr_confidence,text,orientation,blank,color_mode,seal,content_x,content_y,"
               "content_w,content_h,analysis_confidence) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const PageRecord& p : doc.pages) {
    pg.reset();
    pg.bind(1, static_cast<int64_t>(id)).bind(2, p.number).bind(3, p.source).bind(4, p.width);
    pg.bind(5, p.height).bind(6, p.dpi).bind(7, p.skew_deg).bind(8, p.ocr_confidence);
    pg.bind(9, p.text).bind(10, p.orientation).bind(11, p.blank ? 1 : 0).bind(12, p.color_mode);
    pg.bind(13, p.seal ? 1 : 0).bind(14, p.content_box.x).bind(15, p.content_box.y);
    pg.bind(16, p.content_box.w).bind(17, p.content_box.h).bind(18, p.analysis_confidence);
    pg.run();
  }
  return id;
}

std::vector<DocumentRecord> Catalog::documents(const std::string& student_id) {
  std::vector<DocumentRecord> out;
  sql::Stmt st(db_,
               "SELECT id,student_id,doc_type,title,pdf_path,created_at FROM documents WHERE "
               "student_id=? ORDER BY id");
  st.bind(1, student_id);
  while (st.step()) {
    DocumentRecord d;
    d.id = st.integer(0);
    d.student_id = st.text(1);
    d.doc_type = st.text(2);
    d.title = st.text(3);
    d.pdf_path = st.text(4);
    d.created_at = st.text(5);
    sql::Stmt pg(db_,
                 "SELECT number,source,width,height,dpi,skew_deg,ocr_confidence,text FROM pages "
                 "WHERE document_id=? ORDER BY number");
    pg.bind(1, static_cast<int64_t>(d.id));
    while (pg.step()) {
      PageRecord p;
      p.number = static_cast<int>(pg.integer(0));
      p.source = pg.text(1);
      p.width = static_cast<int>(pg.integer(2));
      p.height = static_cast<int>(pg.integer(3));
      p.dpi = pg.real(4);
      p.skew_deg = pg.real(5);
      p.ocr_confidence = pg.real(6);
      p.text = pg.text(7);
      d.pages.push_back(std::move(p));
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace xueji
