#pragma once
// A running import's claim on its numbers: a document id and an archive sequence number,
// taken in a short catalog Write so that imports of the same student and type never collide
// and never wait for each other's OCR. While the import works, this process holds the
// reservation's lock file; `recover` treats files of a reservation whose lock nobody holds
// as left behind by a killed import. The numbers are never given again, even when the import
// fails (an archive number names one thing only).
#include <filesystem>
#include <memory>
#include <string>

#include "models/archive_lock.h"
#include "models/catalog.h"

namespace xueji {

class DocumentReservation {
 public:
  DocumentReservation(Catalog& catalog, const std::string& student_id, const std::string& type_code);
  // Drops the reservation row unless add_document() consumed it (best effort: a row left
  // behind is cleared by `recover`), then releases the lock.
  ~DocumentReservation();
  DocumentReservation(const DocumentReservation&) = delete;
  DocumentReservation& operator=(const DocumentReservation&) = delete;

  long long document_id() const { return id_; }
  int sequence() const { return sequence_; }

  static std::filesystem::path lock_file(const std::filesystem::path& root, long long document_id);
  // True while the process that made the reservation still runs.
  static bool is_live(const std::filesystem::path& root, long long document_id);

 private:
  Catalog& catalog_;
  long long id_ = 0;
  int sequence_ = 0;
  std::unique_ptr<FileLock> lock_;
};

}  // namespace xueji
