#include "models/reservation.h"

#include <unistd.h>

namespace fs = std::filesystem;

namespace xueji {

fs::path DocumentReservation::lock_file(const fs::path& root, long long id) {
  return state_dir(root) / "reservations" / (std::to_string(id) + ".lock");
}

bool DocumentReservation::is_live(const fs::path& root, long long id) {
  return FileLock::held_elsewhere(lock_file(root, id));
}

DocumentReservation::DocumentReservation(Catalog& catalog, const std::string& student_id, const std::string& type_code)
    : catalog_(catalog) {
  Catalog::Write w(catalog);
  id_ = catalog.allocate_document_id();
  sequence_ = catalog.allocate_sequence(student_id, type_code);
  catalog.add_reservation({id_, student_id, type_code, sequence_, ""});
  // Locked before the commit: whoever sees the row (recover, under the archive lock) sees it live.
  lock_ = std::make_unique<FileLock>(lock_file(catalog.root(), id_), std::chrono::milliseconds(0),
                                     "reservation " + std::to_string(id_));
  w.commit();
}

DocumentReservation::~DocumentReservation() {
  try {
    bool open = false;
    for (const auto& r : catalog_.reservations()) open = open || r.document_id == id_;
    if (open) {
      Catalog::Write w(catalog_);
      catalog_.drop_reservation(id_);
      w.commit();
    }
  } catch (...) {
  }
  std::error_code ec;
  fs::remove(lock_file(catalog_.root(), id_), ec);
  lock_.reset();
}

}  // namespace xueji
