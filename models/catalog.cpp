#include "models/catalog.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include "models/access_queue.h"
#include "models/archive_lock.h"
#include "models/audit.h"
#include "models/error.h"
#include "models/schema.h"
#include "models/student_id.h"
#include "models/text_index_store.h"

#include <cerrno>
#include <cstring>

namespace fs = std::filesystem;

namespace xueji {
namespace {

bool archive_is_writable(const fs::path& dir) {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) return false;
  return ::access(dir.c_str(), W_OK) == 0 && ::access((dir / Catalog::kDatabaseName).c_str(), W_OK) == 0;
}

void configure(sql::Db& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA foreign_keys=ON");
  db.exec("PRAGMA synchronous=FULL");
  // Reads: a 64 MB page cache and memory-mapped reads (search checks candidate pages by id;
  // at a million pages the default 2 MB cache misses on most of them).
  db.exec("PRAGMA cache_size=-65536");
  db.exec("PRAGMA mmap_size=1073741824");
}

fs::path existing_database(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorCode::NotFound, "archive folder does not exist: " + dir.string());
  fs::path file = dir / Catalog::kDatabaseName;
  if (!fs::is_regular_file(file, ec))
    throw Error(ErrorCode::NotFound, "no Xueji archive in " + dir.string() +
                                         " (create one with: xueji init " + dir.string() + ")");
  return file;
}

constexpr const char* kStudentColumns =
    "id,name,gender,birth_date,grade,class_name,ethnicity,school,status";

Student read_student(const sql::Stmt& st) {
  Student s;
  s.id = st.text(0);
  s.name = st.text(1);
  s.gender = st.text(2);
  s.birth_date = st.text(3);
  s.grade = st.text(4);
  s.class_name = st.text(5);
  s.ethnicity = st.text(6);
  s.school = st.text(7);
  s.status = st.text(8);
  return s;
}

std::string changes(const Student& a, const Student& b) {
  std::string out;
  auto field = [&](const char* name, const std::string& x, const std::string& y) {
    if (x != y) out += std::string(out.empty() ? "" : "; ") + name + ": " + x + " -> " + y;
  };
  field("姓名", a.name, b.name);
  field("性别", a.gender, b.gender);
  field("出生日期", a.birth_date, b.birth_date);
  field("年级", a.grade, b.grade);
  field("班级", a.class_name, b.class_name);
  field("民族", a.ethnicity, b.ethnicity);
  field("学校", a.school, b.school);
  field("状态", a.status, b.status);
  return out;
}

void write_student(sql::Db& db, const Student& s) {
  sql::Stmt st(db,
               "INSERT INTO students(id,name,gender,birth_date,grade,class_name,ethnicity,school,status,"
               "updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) ON CONFLICT(id) DO UPDATE SET "
               "name=?2,gender=?3,birth_date=?4,grade=?5,class_name=?6,ethnicity=?7,school=?8,status=?9,"
               "updated_at=?10");
  st.bind(1, s.id).bind(2, s.name).bind(3, s.gender).bind(4, s.birth_date).bind(5, s.grade);
  st.bind(6, s.class_name).bind(7, s.ethnicity).bind(8, s.school).bind(9, s.status).bind(10, utc_now_iso());
  st.run();
}

void check_student(const Student& s) {
  const StudentIdCheck id = check_student_id(s.id);
  if (!id.valid || id.normalized != s.id)
    throw Error(ErrorCode::InvalidArgument, "invalid student number '" + s.id + "': " + id.reason);
  if (s.name.empty()) throw Error(ErrorCode::InvalidArgument, "a student needs a name (姓名)");
  if (s.name.find('\0') != std::string::npos || s.class_name.find('\0') != std::string::npos ||
      s.grade.find('\0') != std::string::npos)
    throw Error(ErrorCode::InvalidArgument, "NUL characters are not allowed in student fields");
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

std::string utc_now_file_stamp() {
  std::string s = utc_now_iso();
  for (char& c : s)
    if (c == ':') c = '-';
  return s;
}

void Catalog::create(const fs::path& dir, bool for_rebuild) {
  std::error_code ec;
  if (fs::exists(dir / kDatabaseName, ec))
    throw Error(ErrorCode::InvalidArgument, "an archive already exists in " + dir.string());
  if (dir.has_parent_path() && !fs::is_directory(dir.parent_path(), ec))
    throw Error(ErrorCode::NotFound, "parent folder does not exist: " + dir.parent_path().string());
  const bool made_dir = !fs::exists(dir, ec);
  if (made_dir && ::mkdir(dir.c_str(), 0750) != 0)
    throw Error(ErrorCode::Io, "cannot create " + dir.string() + ": " + std::strerror(errno));
  const auto old_key = load_audit_key(dir);
  if (old_key && !for_rebuild)
    throw Error(ErrorCode::InvalidArgument, dir.string() + " holds the audit key of an archive whose database is gone: "
                                            "use `xueji catalog rebuild`, not init");
  const bool made_state = !fs::exists(state_dir(dir), ec);
  try {
    const std::string key = old_key ? *old_key : create_audit_key(dir);
    sql::Db db(dir / kDatabaseName, sql::Db::Mode::Create);
    ::chmod((dir / kDatabaseName).c_str(), 0640);  // the -wal and -shm files take the same mode
    configure(db);
    create_schema(db, key);
    if (!for_rebuild) write_audit_head_file(dir, xueji::audit_head(db));
  } catch (...) {
    // A failed init (full disk, say) leaves nothing behind that a second init would refuse:
    // no database, and no audit key of an archive that never was.
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      ::unlink((dir / (std::string(kDatabaseName) + suffix)).c_str());
    if (!old_key) {
      ::unlink(audit_key_path(dir).c_str());
      ::unlink((state_dir(dir) / "audit-head").c_str());
      if (made_state) ::rmdir(state_dir(dir).c_str());
      if (made_dir) ::rmdir(dir.c_str());
    }
    throw;
  }
}

Catalog::Catalog(const fs::path& dir, std::string operator_name)
    : root_(fs::absolute(existing_database(dir).parent_path())),
      read_only_(!archive_is_writable(root_)),
      db_(root_ / kDatabaseName, read_only_ ? sql::Db::Mode::ReadOnly : sql::Db::Mode::OpenExisting),
      operator_(operator_name.empty() ? os_user_name() : std::move(operator_name)),
      key_(load_audit_key(root_)),
      text_index_(std::make_unique<TextIndexStore>(db_, *this)) {
  if (read_only_) {
    db_.exec("PRAGMA foreign_keys=ON");
    if (schema_version(db_) != kSchemaVersion)
      throw Error(ErrorCode::ReadOnly, "the read-only archive " + root_.string() + " has schema " +
                                           std::to_string(schema_version(db_)) + ", this Xueji reads schema " +
                                           std::to_string(kSchemaVersion) + ": open a writable copy once to upgrade it");
    return;
  }
  configure(db_);
  if (schema_version(db_) != kSchemaVersion) {
    FileLock lock(state_dir(root_) / "lock", archive_lock_wait(), "the archive " + root_.string());
    migrate_schema(db_, root_, operator_);
    key_ = load_audit_key(root_);
    write_audit_head_file(root_, xueji::audit_head(db_));
  }
}

Catalog::~Catalog() = default;

Catalog::Write::Write(Catalog& c) : c_(c) {
  if (c.read_only_)
    throw Error(ErrorCode::ReadOnly, "the archive " + c.root_.string() + " is read-only: nothing can be changed here");
  if (c.write_depth_ == 0) {
    lock_ = std::make_unique<FileLock>(state_dir(c.root_) / "lock", archive_lock_wait(), "the archive " + c.root_.string());
    tx_ = std::make_unique<sql::Transaction>(c.db_);
  }
  ++c.write_depth_;
}

Catalog::Write::Write(Catalog& c, std::unique_ptr<FileLock> held) : c_(c) {
  if (c.read_only_)
    throw Error(ErrorCode::ReadOnly, "the archive " + c.root_.string() + " is read-only: nothing can be changed here");
  if (c.write_depth_ != 0) throw Error(ErrorCode::Database, "internal error: an adopted lock inside a catalog write");
  lock_ = std::move(held);
  tx_ = std::make_unique<sql::Transaction>(c.db_);
  ++c.write_depth_;
}

Catalog::Write::~Write() {
  --c_.write_depth_;
  tx_.reset();  // rolls back unless committed
  lock_.reset();
}

void Catalog::Write::commit() {
  if (!tx_) return;  // joined an outer Write
  // Access events queued while the lock was busy join this transaction (access_queue.h).
  if (c_.key_) {
    for (const QueuedAccess& q : queued_accesses(c_.root_)) {
      if (!has_access_entry(c_.db_, q.entry)) append_audit(c_.db_, *c_.key_, q.entry);
      folded_.push_back(q.file);
    }
  }
  tx_->commit();
  for (const auto& f : folded_) ::unlink(f.c_str());
  // After the commit, still under the lock. The change is committed whatever happens here; a
  // head file left behind still checks (see audit.h).
  try {
    advance_audit_head_file(c_.db_, c_.root_);
  } catch (const std::exception&) {
  }
}

Catalog::Savepoint::Savepoint(Catalog& c) : c_(c) {
  c.require_write("a savepoint");
  c.db_.exec("SAVEPOINT part");
}

void Catalog::Savepoint::release() {
  c_.db_.exec("RELEASE part");
  done_ = true;
}

Catalog::Savepoint::~Savepoint() {
  if (done_) return;
  try {
    c_.db_.exec("ROLLBACK TO part");
    c_.db_.exec("RELEASE part");
  } catch (const std::exception&) {
  }
}

void Catalog::require_write(const char* what) const {
  if (write_depth_ == 0) throw Error(ErrorCode::Database, std::string("internal error: ") + what + " outside a catalog write");
}

void Catalog::audit(const std::string& action, const std::string& object, const std::string& student_id,
                    const std::string& details) {
  require_write("an audit entry");
  if (!key_)
    throw Error(ErrorCode::Integrity, "the audit key " + audit_key_path(root_).string() +
                                          " is missing or unreadable: no change can be recorded");
  append_audit(db_, *key_, {0, "", operator_, action, object, student_id, details, "", "", "change"});
}

bool Catalog::record_access(const std::string& action, const std::string& object, const std::string& student_id,
                            const std::string& details) {
  if (read_only_ || !key_) return false;
  const AuditEntry e{0, utc_now_iso(), operator_, action, object, student_id, details, "", "", "access"};
  if (write_depth_ > 0) {
    append_audit(db_, *key_, e);
    return true;
  }
  std::unique_ptr<FileLock> lock;
  try {
    lock = std::make_unique<FileLock>(state_dir(root_) / "lock", std::chrono::milliseconds(200), "the archive");
  } catch (const Error& err) {
    if (err.code() != ErrorCode::Busy) throw;
    queue_access(root_, e);
    return true;
  }
  Write w(*this, std::move(lock));
  append_audit(db_, *key_, e);
  w.commit();
  return true;
}

std::vector<AuditEntry> Catalog::audit_log(const std::optional<std::string>& student_id,
                                           const std::optional<std::string>& kind) {
  return audit_entries(db_, student_id, kind);
}

AuditHead Catalog::audit_head() { return xueji::audit_head(db_); }

std::vector<std::string> Catalog::verify_audit() {
  return verify_audit_chain(db_, key_, read_audit_head_file(root_));
}

long long Catalog::allocate_document_id() {
  require_write("allocating a document id");
  db_.exec("INSERT INTO counters(name,value) VALUES('document',0) ON CONFLICT(name) DO NOTHING");
  sql::Stmt st(db_,
               "UPDATE counters SET value=MAX(value,(SELECT COALESCE(MAX(id),0) FROM documents),"
               "(SELECT COALESCE(MAX(document_id),0) FROM reservations))+1 WHERE name='document' RETURNING value");
  if (!st.step()) throw Error(ErrorCode::Database, "no document counter");
  const long long id = st.integer(0);
  st.run();
  return id;
}

int Catalog::allocate_sequence(const std::string& student_id, const std::string& code) {
  require_write("allocating a sequence number");
  const std::string name = "seq/" + student_id + "/" + code;
  {
    sql::Stmt ins(db_, "INSERT INTO counters(name,value) VALUES(?,0) ON CONFLICT(name) DO NOTHING");
    ins.bind(1, name).run();
  }
  sql::Stmt st(db_,
               "UPDATE counters SET value=MAX(value,"
               "(SELECT COALESCE(MAX(sequence),0) FROM documents WHERE student_id=?2 AND type_code=?3),"
               "(SELECT COALESCE(MAX(sequence),0) FROM reservations WHERE student_id=?2 AND type_code=?3))+1 "
               "WHERE name=?1 RETURNING value");
  st.bind(1, name).bind(2, student_id).bind(3, code);
  if (!st.step()) throw Error(ErrorCode::Database, "no sequence counter");
  const int seq = static_cast<int>(st.integer(0));
  st.run();
  return seq;
}

std::vector<Catalog::ReservationRow> Catalog::reservations() {
  sql::Stmt st(db_, "SELECT document_id,student_id,type_code,sequence,started_at FROM reservations ORDER BY document_id");
  std::vector<ReservationRow> out;
  while (st.step())
    out.push_back({st.integer(0), st.text(1), st.text(2), static_cast<int>(st.integer(3)), st.text(4)});
  return out;
}

void Catalog::add_reservation(const ReservationRow& r) {
  require_write("a reservation");
  sql::Stmt st(db_, "INSERT INTO reservations(document_id,student_id,type_code,sequence,operator,started_at) VALUES(?,?,?,?,?,?)");
  st.bind(1, static_cast<int64_t>(r.document_id)).bind(2, r.student_id).bind(3, r.type_code).bind(4, r.sequence);
  st.bind(5, operator_).bind(6, r.started_at.empty() ? utc_now_iso() : r.started_at).run();
}

void Catalog::drop_reservation(long long document_id) {
  require_write("dropping a reservation");
  sql::Stmt st(db_, "DELETE FROM reservations WHERE document_id=?");
  st.bind(1, static_cast<int64_t>(document_id)).run();
}

std::vector<long long> Catalog::documents_with_source(const std::string& sha) {
  std::vector<long long> out;
  if (sha.empty()) return out;
  sql::Stmt st(db_, "SELECT DISTINCT d.id FROM pages p JOIN documents d ON d.id=p.document_id "
                    "WHERE p.source_sha256=? AND d.deleted_at IS NULL ORDER BY d.id");
  st.bind(1, sha);
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

Catalog::Upsert Catalog::upsert_student(const Student& s) {
  require_write("a roster change");
  check_student(s);
  const auto old = find_student(s.id);
  if (old && changes(*old, s).empty()) return Upsert::Unchanged;
  write_student(db_, s);
  if (old) audit("roster-update", "student " + s.id, s.id, changes(*old, s));
  else audit("roster-add", "student " + s.id, s.id, s.name + " " + s.grade + " " + s.class_name);
  return old ? Upsert::Updated : Upsert::Added;
}

void Catalog::add_student(const Student& s) {
  check_student(s);
  Write tx(*this);
  if (find_student(s.id)) throw Error(ErrorCode::InvalidArgument, "student " + s.id + " already exists");
  write_student(db_, s);
  audit("student-add", "student " + s.id, s.id, s.name + " " + s.grade + " " + s.class_name);
  tx.commit();
}

void Catalog::edit_student(const Student& s) {
  check_student(s);
  Write tx(*this);
  const auto old = find_student(s.id);
  if (!old) throw Error(ErrorCode::NotFound, "unknown student number " + s.id);
  const std::string diff = changes(*old, s);
  if (diff.empty()) return;
  write_student(db_, s);
  audit("student-edit", "student " + s.id, s.id, diff);
  tx.commit();
}

std::optional<Student> Catalog::find_student(const std::string& id) {
  sql::Stmt st(db_, std::string("SELECT ") + kStudentColumns + " FROM students WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_student(st);
}

std::vector<Student> Catalog::students(const std::string& grade, const std::string& class_name) {
  sql::Stmt st(db_, std::string("SELECT ") + kStudentColumns +
                        " FROM students WHERE (?1='' OR grade=?1) AND (?2='' OR class_name=?2) "
                        "ORDER BY grade, class_name, id");
  st.bind(1, grade).bind(2, class_name);
  std::vector<Student> out;
  while (st.step()) out.push_back(read_student(st));
  return out;
}

std::vector<DocType> Catalog::doc_types() {
  sql::Stmt st(db_, "SELECT name, code, required FROM doc_types ORDER BY position, name");
  std::vector<DocType> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.integer(2) != 0});
  return out;
}

std::optional<DocType> Catalog::find_doc_type(const std::string& name_or_code) {
  const std::string name = name_or_code == "学生登记表" ? "学籍卡" : name_or_code;  // one type, two names
  for (const DocType& t : doc_types())
    if (t.name == name || t.code == name) return t;
  return std::nullopt;
}

void Catalog::set_doc_type(const DocType& t) {
  if (t.name.empty()) throw Error(ErrorCode::InvalidArgument, "a document type needs a name");
  if (!is_valid_type_code(t.code))
    throw Error(ErrorCode::InvalidArgument, "type code '" + t.code + "' must be 1-8 upper-case letters or digits");
  Write tx(*this);
  for (const DocType& other : doc_types())  // a clear message instead of the UNIQUE constraint's
    if (other.code == t.code && other.name != t.name)
      throw Error(ErrorCode::InvalidArgument, "type code " + t.code + " is already used by " + other.name +
                                                  "; choose another --code");
  sql::Stmt st(db_,
               "INSERT INTO doc_types(name,code,required,position) VALUES(?1,?2,?3,"
               "(SELECT COALESCE(MAX(position),0)+1 FROM doc_types)) "
               "ON CONFLICT(name) DO UPDATE SET code=?2, required=?3");
  st.bind(1, t.name).bind(2, t.code).bind(3, t.required ? 1 : 0).run();
  audit("doctype-set", "doctype " + t.name, "", t.code + (t.required ? " required" : " optional"));
  tx.commit();
}

void Catalog::note_used_numbers(long long document_id, const std::string& student_id, const std::string& code,
                                int sequence) {
  require_write("noting used numbers");
  sql::Stmt st(db_, "INSERT INTO counters(name,value) VALUES(?1,?2) ON CONFLICT(name) DO UPDATE SET value=MAX(value,?2)");
  st.bind(1, std::string_view("document")).bind(2, static_cast<int64_t>(document_id)).run();
  st.reset();
  st.bind(1, "seq/" + student_id + "/" + code).bind(2, static_cast<int64_t>(sequence)).run();
}

long long Catalog::add_document(const DocumentRecord& doc, const std::string& action) {
  require_write("adding a document");
  const auto type = find_doc_type(doc.doc_type);
  if (!type) throw Error(ErrorCode::InvalidArgument, "unknown document type " + doc.doc_type);
  const int seq = doc.sequence > 0 ? doc.sequence : allocate_sequence(doc.student_id, type->code);
  const long long id = doc.id > 0 ? doc.id : allocate_document_id();
  if (doc.id > 0) drop_reservation(doc.id);
  sql::Stmt st(db_,
               "INSERT INTO documents(id,student_id,doc_type,type_code,sequence,title,pdf_path,page_count,"
               "created_at,declared_pages,doc_date) VALUES(?11,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  st.bind(11, static_cast<int64_t>(id));
  st.bind(1, doc.student_id).bind(2, type->name).bind(3, type->code).bind(4, seq);
  st.bind(5, doc.title).bind(6, doc.pdf_path).bind(7, static_cast<int>(doc.pages.size()));
  st.bind(8, doc.created_at.empty() ? utc_now_iso() : doc.created_at);
  if (doc.declared_pages) st.bind(9, *doc.declared_pages);
  else st.bind_null(9);
  st.bind(10, doc.doc_date);
  st.run();
  sql::Stmt pg(db_,
               "INSERT INTO pages(document_id,number,source,width,height,dpi,skew_deg,ocr_confidence,text,"
               "orientation,blank,color_mode,seal,content_x,content_y,content_w,content_h,analysis_confidence,words,"
               "source_sha256) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const PageRecord& p : doc.pages) {
    pg.reset();
    pg.bind(1, static_cast<int64_t>(id)).bind(2, p.number).bind(3, p.source).bind(4, p.width);
    pg.bind(5, p.height).bind(6, p.dpi).bind(7, p.skew_deg).bind(8, p.ocr_confidence).bind(9, p.text);
    pg.bind(10, p.orientation).bind(11, p.blank ? 1 : 0).bind(12, p.color_mode).bind(13, p.seal ? 1 : 0);
    pg.bind(14, p.content_box.x).bind(15, p.content_box.y).bind(16, p.content_box.w).bind(17, p.content_box.h);
    pg.bind(18, p.analysis_confidence);
    pg.bind(19, p.words);
    pg.bind(20, p.source_sha256);
    pg.run();
  }
  sql::Stmt fl(db_, "INSERT INTO files(path,document_id,kind,page,sha256,size,created_at) VALUES(?,?,?,?,?,?,?)");
  for (const FileRecord& f : doc.files) {
    fl.reset();
    fl.bind(1, f.path).bind(2, static_cast<int64_t>(id)).bind(3, f.kind);
    if (f.page > 0) fl.bind(4, f.page);
    else fl.bind_null(4);
    fl.bind(5, f.sha256).bind(6, static_cast<int64_t>(f.size)).bind(7, utc_now_iso()).run();
  }
  audit(action, "document " + std::to_string(id), doc.student_id,
        type->name + " " + doc.pdf_path + ", " + std::to_string(doc.pages.size()) + " pages");
  return id;
}

std::vector<FileRecord> Catalog::files(long long document_id) {
  sql::Stmt st(db_, "SELECT path,kind,COALESCE(page,0),sha256,size FROM files WHERE document_id=? ORDER BY kind DESC, page");
  st.bind(1, static_cast<int64_t>(document_id));
  std::vector<FileRecord> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), static_cast<int>(st.integer(2)), st.text(3), st.integer(4)});
  return out;
}

std::vector<Catalog::PageRow> Catalog::page_rows(long long document_id) {
  sql::Stmt st(db_, "SELECT id, number, text FROM pages WHERE document_id=? ORDER BY number");
  st.bind(1, static_cast<int64_t>(document_id));
  std::vector<PageRow> out;
  while (st.step()) out.push_back({st.integer(0), static_cast<int>(st.integer(1)), st.text(2)});
  return out;
}

std::vector<FileRecord> Catalog::all_files() {
  sql::Stmt st(db_, "SELECT path,kind,COALESCE(page,0),sha256,size FROM files ORDER BY path");
  std::vector<FileRecord> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), static_cast<int>(st.integer(2)), st.text(3), st.integer(4)});
  return out;
}

std::optional<DocumentRecord> Catalog::document(long long id) {
  std::vector<DocumentRecord> found =
      query_documents("id=?1", [id](sql::Stmt& st) { st.bind(1, static_cast<int64_t>(id)); });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<DocumentRecord> Catalog::documents(const std::string& student_id, bool include_deleted) {
  return query_documents("(?1='' OR student_id=?1) AND (?2 OR deleted_at IS NULL)", [&](sql::Stmt& st) {
    st.bind(1, student_id).bind(2, include_deleted ? 1 : 0);
  });
}

std::vector<DocumentRecord> Catalog::query_documents(const char* where,
                                                     const std::function<void(sql::Stmt&)>& bind) {
  std::vector<DocumentRecord> out;
  sql::Stmt st(db_, std::string("SELECT id,student_id,doc_type,type_code,sequence,title,pdf_path,created_at,"
                                "declared_pages,COALESCE(deleted_at,''),doc_date FROM documents WHERE ") +
                        where + " ORDER BY student_id, id");
  bind(st);
  while (st.step()) {
    DocumentRecord d;
    d.id = st.integer(0);
    d.student_id = st.text(1);
    d.doc_type = st.text(2);
    d.type_code = st.text(3);
    d.sequence = static_cast<int>(st.integer(4));
    d.title = st.text(5);
    d.pdf_path = st.text(6);
    d.created_at = st.text(7);
    if (!st.is_null(8)) d.declared_pages = static_cast<int>(st.integer(8));
    d.deleted_at = st.text(9);
    d.doc_date = st.text(10);
    sql::Stmt pg(db_,
                 "SELECT number,source,width,height,dpi,skew_deg,ocr_confidence,text,orientation,blank,"
                 "color_mode,seal,content_x,content_y,content_w,content_h,analysis_confidence,words,source_sha256 FROM pages "
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
      p.orientation = static_cast<int>(pg.integer(8));
      p.blank = pg.integer(9) != 0;
      p.color_mode = pg.text(10);
      p.seal = pg.integer(11) != 0;
      p.content_box = {static_cast<int>(pg.integer(12)), static_cast<int>(pg.integer(13)),
                       static_cast<int>(pg.integer(14)), static_cast<int>(pg.integer(15))};
      p.analysis_confidence = pg.real(16);
      p.words = pg.text(17);
      p.source_sha256 = pg.text(18);
      d.pages.push_back(std::move(p));
    }
    d.files = files(d.id);
    out.push_back(std::move(d));
  }
  return out;
}

void Catalog::relocate_document(long long id, const std::string& student_id, int sequence, const std::string& title,
                                const std::string& pdf_path, const std::vector<FileRecord>& files) {
  require_write("changing a document");
  sql::Stmt st(db_, "UPDATE documents SET student_id=?, sequence=?, title=?, pdf_path=? WHERE id=?");
  st.bind(1, student_id).bind(2, sequence).bind(3, title).bind(4, pdf_path).bind(5, static_cast<int64_t>(id)).run();
  sql::Stmt del(db_, "DELETE FROM files WHERE document_id=?");
  del.bind(1, static_cast<int64_t>(id)).run();
  sql::Stmt fl(db_, "INSERT INTO files(path,document_id,kind,page,sha256,size,created_at) VALUES(?,?,?,?,?,?,?)");
  for (const FileRecord& f : files) {
    fl.reset();
    fl.bind(1, f.path).bind(2, static_cast<int64_t>(id)).bind(3, f.kind);
    if (f.page > 0) fl.bind(4, f.page);
    else fl.bind_null(4);
    fl.bind(5, f.sha256).bind(6, static_cast<int64_t>(f.size)).bind(7, utc_now_iso()).run();
  }
}

void Catalog::mark_deleted(long long id, const std::vector<std::pair<std::string, std::string>>& moved) {
  require_write("changing a document");
  sql::Stmt st(db_, "UPDATE documents SET deleted_at=?, pdf_path=? WHERE id=?");
  std::string pdf;
  for (const auto& [from, to] : moved)
    if (to.size() > 4 && to.compare(to.size() - 4, 4, ".pdf") == 0) pdf = to;
  st.bind(1, utc_now_iso()).bind(2, pdf).bind(3, static_cast<int64_t>(id)).run();
  sql::Stmt f(db_, "UPDATE files SET path=? WHERE path=?");
  for (const auto& [from, to] : moved) {
    f.reset();
    f.bind(1, to).bind(2, from).run();
  }
}

void Catalog::erase_document(long long id) {
  require_write("changing a document");
  for (const char* sql : {"DELETE FROM files WHERE document_id=?", "DELETE FROM pages WHERE document_id=?",
                          "DELETE FROM documents WHERE id=?"}) {
    sql::Stmt st(db_, sql);
    st.bind(1, static_cast<int64_t>(id)).run();
  }
}

}  // namespace xueji
