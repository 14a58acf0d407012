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
  std::vector<std::string> removed;  // temporary files and archive outputs of unfinished imports
  std::vector<std::string> left;     // unknown files that do not look like Xueji's: left alone
};

// Cleans what an interrupted import, move or delete left behind: temporary files (".name.tmp-N")
// and files named like archive outputs that the catalog does not know. Other unknown files are
// reported, not touched. Audited.
RecoverReport recover_archive(Catalog& catalog);

}  // namespace xueji
