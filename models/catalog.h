#pragma once
// The archive catalog: one SQLite database (WAL mode) in the archive folder, holding students,
// documents, pages, document types, the files with their fixity values, and the audit trail.
// Other modules (the index) add their tables to the same database so that one transaction
// covers a document and everything derived from it. Every change made through Catalog appends
// its audit entry in the same transaction.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/document.h"
#include "models/sqlite.h"
#include "models/student.h"

namespace xueji {

class Catalog {
 public:
  static constexpr const char* kDatabaseName = "xueji.db";

  // Creates a new archive in `dir` (created if missing; its parent must exist).
  // Throws if `dir` already holds an archive.
  static void create(const std::filesystem::path& dir);

  // Opens an existing archive (upgrading an older schema); throws Error(NotFound) when there
  // is none and Error(Database) for an archive of a newer Xueji.
  explicit Catalog(const std::filesystem::path& dir, std::string operator_name = {});

  const std::filesystem::path& root() const { return root_; }
  sql::Db& db() { return db_; }
  const std::string& operator_name() const { return operator_; }

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
  int next_document_sequence(const std::string& student_id, const std::string& type_code);
  // Inserts the document, its pages and files; returns the id. Call inside a Transaction.
  long long add_document(const DocumentRecord& doc);
  std::optional<DocumentRecord> document(long long id);
  std::vector<DocumentRecord> documents(const std::string& student_id = {}, bool include_deleted = false);
  std::vector<FileRecord> files(long long document_id);
  std::vector<FileRecord> all_files();

  // Low-level updates used by the document operations in pipeline/ (inside a Transaction).
  void relocate_document(long long id, const std::string& student_id, int sequence,
                         const std::string& pdf_path, const std::vector<std::pair<std::string, std::string>>& moved);
  void mark_deleted(long long id, const std::vector<std::pair<std::string, std::string>>& moved);
  void erase_document(long long id);  // rows only: pages, files, document

  void audit(const std::string& action, const std::string& object, const std::string& student_id,
             const std::string& details);

 private:
  // Documents (with pages and files) matching an SQL condition on the documents table.
  std::vector<DocumentRecord> query_documents(const char* where, const std::function<void(sql::Stmt&)>& bind);

  std::filesystem::path root_;
  sql::Db db_;
  std::string operator_;
};

std::string utc_now_iso();

}  // namespace xueji
