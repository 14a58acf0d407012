#pragma once
// Fixity checks over an archive folder: every file the catalog knows is re-hashed (SHA-256)
// and compared with the value stored when it was written; files the catalog does not know are
// reported; the audit trail's hash chain is checked.
#include <optional>
#include <string>
#include <vector>

#include "models/catalog.h"

namespace xueji {

struct Finding {
  std::string kind;    // missing | changed | unexpected | audit
  std::string path;    // relative to the archive root (empty for audit findings)
  std::string detail;
};

// With `student_id`, only that student's files (and folders) are checked; the audit chain is
// always checked.
std::vector<Finding> verify_archive(Catalog& catalog, const std::optional<std::string>& student_id = {});

struct RecoverReport {
  std::vector<std::string> quarantined;  // archive outputs the catalog does not list, moved aside
  std::string quarantine_folder;         // .quarantine/<time> (with QUARANTINE.txt)
  std::vector<std::string> removed;      // temporary files of interrupted writes
  std::vector<std::string> in_use;       // files of imports still running: left alone
  std::vector<std::string> left;         // unknown files that do not look like Xueji's: left alone
  std::vector<long long> stale_reservations;  // reservations of killed imports, ended
};

// Cleans what an interrupted import, move or delete left behind, under the archive lock. It
// never deletes a document: files named like archive outputs that the catalog does not list
// (an older database restored, a killed import) are moved to .quarantine/<time>/ with a
// record, from where `xueji catalog rebuild` or a person can take them back; only temporary
// files (".name.tmp-N", never a committed file) are removed. A running import's files are
// left alone. Other unknown files are reported, not touched. Audited.
RecoverReport recover_archive(Catalog& catalog);

}  // namespace xueji
