#include "archive/fixity.h"

#include <regex>
#include <set>

#include "archive/archive_layout.h"
#include "archive/atomic_file.h"
#include "archive/document_manifest.h"
#include "models/error.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include "models/reservation.h"
#include "models/sha256.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

bool is_database_file(const std::string& name) { return name.rfind(Catalog::kDatabaseName, 0) == 0; }

bool is_temp_file(const std::string& name) {
  return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

// The final name a temporary file ".<name>.tmp-N" was for.
std::string temp_target(const std::string& name) { return name.substr(1, name.find(".tmp-") - 1); }

// Names Xueji gives to archive outputs: <学籍号>-<CODE>-<4 digits>[-<4 digits>].<ext>
bool looks_like_output(const std::string& name) {
  static const std::regex re(R"(^[GJL][0-9X]{18}-[A-Z0-9]{1,8}-[0-9]{4}(-[0-9]{4})?\.(pdf|jpg|png|tif|json)$)");
  return std::regex_match(name, re);
}

// Folders of Xueji's own that hold no archive files: its state (.xueji), scans not yet filed
// (.journal: each page carries its own SHA-256) and files taken out by recover (.quarantine).
bool is_own_folder(const std::string& rel) {
  for (const char* dir : {".xueji/", ".journal/", ".quarantine/"})
    if (rel.rfind(dir, 0) == 0) return true;
  return false;
}

std::vector<std::string> files_on_disk(const fs::path& root, const std::vector<fs::path>& under) {
  std::vector<std::string> out;
  for (const fs::path& start : under) {
    std::error_code ec;
    if (!fs::exists(root / start, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root / start, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file()) continue;
      const std::string rel = fs::relative(it->path(), root).generic_string();
      if (start.empty() && is_database_file(rel)) continue;
      if (is_own_folder(rel)) continue;
      out.push_back(rel);
    }
  }
  return out;
}

}  // namespace

std::vector<Finding> verify_archive(Catalog& catalog, const std::optional<std::string>& student_id) {
  std::vector<Finding> findings;
  std::vector<FileRecord> files;
  std::vector<fs::path> folders;
  if (student_id) {
    for (const DocumentRecord& d : catalog.documents(*student_id, true))
      for (const FileRecord& f : d.files) {
        files.push_back(f);
        folders.push_back(fs::path(f.path).parent_path());
      }
    std::sort(folders.begin(), folders.end());
    folders.erase(std::unique(folders.begin(), folders.end()), folders.end());
  } else {
    files = catalog.all_files();
    folders = {fs::path()};
  }
  std::set<std::string> known;
  for (const FileRecord& f : catalog.all_files()) known.insert(f.path);
  for (const FileRecord& f : files) {
    const fs::path abs = catalog.root() / f.path;
    std::error_code ec;
    if (!fs::is_regular_file(abs, ec)) {
      findings.push_back({"missing", f.path, "recorded " + f.sha256.substr(0, 16) + "…"});
      continue;
    }
    const std::string hash = sha256_file(abs);
    if (hash != f.sha256)
      findings.push_back({"changed", f.path, "SHA-256 " + hash.substr(0, 16) + "…, recorded " + f.sha256.substr(0, 16) + "…"});
  }
  for (const std::string& rel : files_on_disk(catalog.root(), folders))
    if (!known.count(rel)) findings.push_back({"unexpected", rel, "not in the catalog"});
  for (const std::string& a : catalog.verify_audit()) findings.push_back({"audit", "", a});
  return findings;
}

RecoverReport recover_archive(Catalog& catalog) {
  RecoverReport r;
  const fs::path& root = catalog.root();
  Catalog::Write tx(catalog);  // waits for running writers; imports hold it only to reserve and commit
  // Names of running imports are left alone; a reservation nobody holds was a killed import's.
  // Matched on the file-name stem alone: the folder follows the student's grade and class,
  // which may change while the import runs.
  std::vector<std::string> live;  // "<学籍号>-<CODE>-<seq>"
  for (const Catalog::ReservationRow& res : catalog.reservations()) {
    if (!DocumentReservation::is_live(root, res.document_id)) {
      catalog.drop_reservation(res.document_id);
      r.stale_reservations.push_back(res.document_id);
      continue;
    }
    char seq[16];
    std::snprintf(seq, sizeof seq, "%04d", res.sequence);
    live.push_back(res.student_id + "-" + res.type_code + "-" + seq);
  }
  auto in_use = [&](const std::string& rel) {
    std::string name = fs::path(rel).filename().string();
    if (is_temp_file(name)) name = temp_target(name);
    for (const std::string& l : live)
      if (name.rfind(l, 0) == 0 && (name.size() == l.size() || name[l.size()] == '.' || name[l.size()] == '-'))
        return true;
    return false;
  };
  std::set<std::string> known;
  for (const FileRecord& f : catalog.all_files()) known.insert(f.path);
  const fs::path bin = fs::path(".quarantine") / utc_now_file_stamp();
  std::string listing;
  for (const std::string& rel : files_on_disk(root, {fs::path()})) {
    if (known.count(rel)) continue;
    if (in_use(rel)) {
      r.in_use.push_back(rel);
      continue;
    }
    const std::string name = fs::path(rel).filename().string();
    std::error_code ec;
    if (is_temp_file(name)) {  // an incomplete write: never a committed file
      fs::remove(root / rel, ec);
      if (!ec) r.removed.push_back(rel);
    } else if (looks_like_output(name)) {
      const fs::path to = root / bin / rel;
      create_folders(to.parent_path());
      const std::string hash = sha256_file(root / rel);
      fs::rename(root / rel, to, ec);
      if (ec) {
        r.left.push_back(rel);
        continue;
      }
      r.quarantined.push_back(rel);
      listing += rel + "\tSHA-256 " + hash + "\n";
      if (fs::path(rel).extension() == ".json") {  // a quarantined document's numbers stay taken
        try {
          const DocumentManifest m = parse_manifest(read_file_bytes(to), rel);
          catalog.note_used_numbers(m.document.id, m.document.student_id, m.document.type_code, m.document.sequence);
        } catch (const Error&) {
        }
      }
    } else {
      r.left.push_back(rel);
    }
  }
  if (!r.quarantined.empty()) {
    r.quarantine_folder = bin.generic_string();
    write_file_atomic(root / bin / "QUARANTINE.txt",
                      "Files xueji recover found in the archive that the catalog does not list, moved here at " +
                          utc_now_iso() + " (path in the archive, SHA-256):\n" + listing);
  }
  // Folders left empty by the moves (never the archive root or Xueji's own folders).
  for (bool again = true; again;) {
    again = false;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const std::string rel = fs::relative(it->path(), root).generic_string();
      if (rel == ".xueji" || rel == ".journal" || rel == ".quarantine" || is_own_folder(rel)) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory() && fs::is_empty(it->path())) {
        fs::remove(it->path(), ec);
        again = true;
        break;
      }
    }
  }
  if (!r.removed.empty() || !r.quarantined.empty() || !r.stale_reservations.empty())
    catalog.audit("recover", "archive", "",
                  std::to_string(r.quarantined.size()) + " unlisted files moved to " +
                      (r.quarantined.empty() ? std::string("the quarantine") : r.quarantine_folder) + ", " +
                      std::to_string(r.removed.size()) + " temporary files removed, " +
                      std::to_string(r.stale_reservations.size()) + " reservations of interrupted imports ended");
  tx.commit();
  return r;
}

}  // namespace xueji
