#pragma once
// The archive catalog: one SQLite database (WAL mode) in the archive folder, holding students,
// documents and pages. Other modules (the index) add their tables to the same database so that
// one transaction covers a document and everything derived from it.
#include <filesystem>
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
  static constexpr int kSchemaVersion = 1;

  // Creates a new archive in `dir` (created if missing; its parent must exist).
  // Throws if `dir` already holds an archive.
  static void create(const std::filesystem::path& dir);

  // Opens an existing archive; throws Error(NotFound) when there is none.
  explicit Catalog(const std::filesystem::path& dir);

  const std::filesystem::path& root() const { return root_; }
  sql::Db& db() { return db_; }

  enum class Upsert { Added, Updated, Unchanged };
  Upsert upsert_student(const Student& s);
  std::optional<Student> find_student(const std::string& id);
  std::vector<Student> students();

  // Next free sequence number for a student's documents of one type code (1-based).
  int next_document_sequence(const std::string& student_id, const std::string& type_code);

  // Inserts the document and its pages; returns the document id. Call inside a Transaction.
  long long add_document(const DocumentRecord& doc);
  std::vector<DocumentRecord> documents(const std::string& student_id);

 private:
  std::filesystem::path root_;
  sql::Db db_;
};

std::string utc_now_iso();

}  // namespace xueji
