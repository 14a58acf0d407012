#pragma once
// The archive catalog: one SQLite database (WAL mode) in the archive folder, holding students,
// documents, pages, document types, the files with their fixity values, the audit trail and
// the full-text index's tables (models/text_index_store.h), so that one transaction covers a
// document and everything derived from it. Every change made through Catalog appends its audit
// entry in the same transaction.
//
// Design notes (many hands): every change runs inside a Catalog::Write, which holds the
// archive lock (models/archive_lock.h) and an IMMEDIATE transaction, and after the commit
// writes the audit head file. Document ids and archive sequence numbers come from counters
// that only grow, so a number is never given twice, not even after purge. An import reserves
// its numbers in a short Write (DocumentReservation), works without the lock, and commits in a
// second Write; `recover` leaves a live reservation's files alone. On read-only media the
// catalog opens immutable: reading works, every change fails with Error(ReadOnly).
//
// The Catalog is the one API to the database: no SQL above models/. What is specific to
// SQLite (the schema, FTS5, the SQL itself) stays behind it, the seam a second backend
// (PostgreSQL) would plug into.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <memory>

#include "models/audit.h"
#include "models/document.h"
#include "models/sqlite.h"
#include "models/student.h"

namespace xueji {

class FileLock;
class TextIndexStore;

class Catalog {
 public:
  static constexpr const char* kDatabaseName = "xueji.db";

  // The archive lock and a transaction. Writes nest: an inner Write joins the outer one (its
  // commit() does nothing; the outer commit decides). Rolled back unless committed.
  class Write {
   public:
    explicit Write(Catalog& catalog);
    // With the archive lock this process took already (catalog rebuild holds it from before
    // the catalog exists): a second FileLock on it would wait for itself.
    Write(Catalog& catalog, std::unique_ptr<FileLock> held);
    ~Write();
    Write(const Write&) = delete;
    Write& operator=(const Write&) = delete;
    void commit();

   private:
    Catalog& c_;
    std::unique_ptr<FileLock> lock_;
    std::unique_ptr<sql::Transaction> tx_;
    std::vector<std::filesystem::path> folded_;  // queued access files chained by this Write
  };

  // Creates a new archive in `dir` (created if missing; its parent must exist).
  // Throws if `dir` already holds an archive. `for_rebuild`: the folder is an archive whose
  // database is gone; its audit key is kept (catalog rebuild).
  static void create(const std::filesystem::path& dir, bool for_rebuild = false);

  // A part of a Write that can fail alone (catalog rebuild: one document): rolled back to its
  // start unless released.
  class Savepoint {
   public:
    explicit Savepoint(Catalog& catalog);
    ~Savepoint();
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    void release();

   private:
    Catalog& c_;
    bool done_ = false;
  };

  // Opens an existing archive (upgrading an older schema); throws Error(NotFound) when there
  // is none and Error(Database) for an archive of a newer Xueji.
  explicit Catalog(const std::filesystem::path& dir, std::string operator_name = {});
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::filesystem::path& root() const { return root_; }
  // The full-text index's tables (indexer/PageIndex works on them); changes inside a Write.
  TextIndexStore& text_index() { return *text_index_; }
  const std::string& operator_name() const { return operator_; }
  bool read_only() const { return read_only_; }
  bool in_write() const { return write_depth_ > 0; }

  // Students.
  enum class Upsert { Added, Updated, Unchanged };
  Upsert upsert_student(const Student& s);           // audited (roster-add / roster-update)
  void add_student(const Student& s);                // throws if the 学籍号 exists
  void edit_student(const Student& s);               // throws if missing; audited with changes
  std::optional<Student> find_student(const std::string& id);
  std::vector<Student> students(const std::string& grade = {}, const std::string& class_name = {});

  // Document types.
  std::vector<DocType> doc_types();
  std::optional<DocType> find_doc_type(const std::string& name_or_code);
  void set_doc_type(const DocType& t);  // adds or updates; audited

  // Documents.
  // Takes the next archive sequence number of a student's documents of one type (inside a Write).
  int allocate_sequence(const std::string& student_id, const std::string& type_code);
  // Inserts the document (with its reserved id when doc.id > 0, which ends the reservation),
  // its pages and files; returns the id. Inside a Write.
  long long add_document(const DocumentRecord& doc, const std::string& action = "import");
  // Counters never fall below numbers already used (catalog rebuild: purged and quarantined
  // documents' numbers stay taken). Inside a Write.
  void note_used_numbers(long long document_id, const std::string& student_id, const std::string& type_code,
                         int sequence);
  // Documents whose pages came from a source image with this SHA-256.
  std::vector<long long> documents_with_source(const std::string& source_sha256);
  std::optional<DocumentRecord> document(long long id);
  std::vector<DocumentRecord> documents(const std::string& student_id = {}, bool include_deleted = false);
  std::vector<FileRecord> files(long long document_id);
  struct PageRow {
    long long id = 0;
    int number = 0;
    std::string text;
  };
  std::vector<PageRow> page_rows(long long document_id);  // in page order
  std::vector<FileRecord> all_files();

  // Low-level updates used by the document operations in pipeline/ (inside a Transaction).
  // Re-files a document: new owner, sequence number, PDF path and file list (inside a Write).
  void relocate_document(long long id, const std::string& student_id, int sequence, const std::string& title,
                         const std::string& pdf_path, const std::vector<FileRecord>& files);
  void mark_deleted(long long id, const std::vector<std::pair<std::string, std::string>>& moved);
  void erase_document(long long id);  // rows only: pages, files, document

  void audit(const std::string& action, const std::string& object, const std::string& student_id,
             const std::string& details);
  // Records a view, search or export (who, what, when) in the audit chain. It never waits
  // behind a change: when the archive lock is busy the event is queued (models/access_queue.h)
  // and chained by the next Write. On a read-only archive nothing can be recorded: returns false.
  bool record_access(const std::string& action, const std::string& object, const std::string& student_id,
                     const std::string& details);

  // Reservations of running imports (models/reservation.h).
  struct ReservationRow {
    long long document_id = 0;
    std::string student_id, type_code;
    int sequence = 0;
    std::string started_at;
  };
  std::vector<ReservationRow> reservations();
  void add_reservation(const ReservationRow& r);   // inside a Write
  void drop_reservation(long long document_id);  // inside a Write
  long long allocate_document_id();                // inside a Write

  // Audit trail.
  std::vector<AuditEntry> audit_log(const std::optional<std::string>& student_id = {},
                                    const std::optional<std::string>& kind = {});
  AuditHead audit_head();
  std::vector<std::string> verify_audit();  // findings, empty when intact

 private:
  friend class Write;
  void require_write(const char* what) const;
  // Documents (with pages and files) matching an SQL condition on the documents table.
  std::vector<DocumentRecord> query_documents(const char* where, const std::function<void(sql::Stmt&)>& bind);

  std::filesystem::path root_;
  bool read_only_ = false;
  sql::Db db_;
  std::string operator_;
  std::optional<std::string> key_;
  int write_depth_ = 0;
  std::unique_ptr<TextIndexStore> text_index_;
};

std::string utc_now_iso();
// The same time with '-' for ':', for file and folder names (2026-12-02T08-41-07Z).
std::string utc_now_file_stamp();

}  // namespace xueji
