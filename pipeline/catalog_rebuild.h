#pragma once
// Rebuilding a lost or rolled-back catalog from the archive's own files.
//
// Design notes: every document folder holds, beside the PDF, its manifest (archive/
// document_manifest.h) with the student record, the document's numbers, every page's analysis,
// text and word boxes, and every file's SHA-256. Rebuild reads every manifest (documents in
// .trash/ come back as deleted), checks it against the PDF's own XMP (学籍号, type, page count;
// a disagreement is reported and the document left out), restores students, document types,
// documents with their ids and sequence numbers, pages in order, fixity values as recorded
// (so `verify` still finds a file changed since) and the search index. Numbers of purged
// (.xueji/purged.log) and quarantined documents stay taken. The audit trail restarts: its
// first entry names the head the old trail had (.xueji/audit-head), and the head file is
// started again from the new trail.
#include <filesystem>
#include <string>
#include <vector>

namespace xueji {

struct RebuildReport {
  int students = 0, documents = 0, deleted = 0, pages = 0;
  std::vector<std::string> problems;  // documents left out, files missing or changed
  std::string previous_head;          // the old trail's head, as the head file recorded it
  std::string set_aside;              // where an existing database was moved (replace)
};

// Throws Error(InvalidArgument) when the folder still has a catalog, unless `replace` (the old
// database is then renamed to xueji.db.replaced-<time>, never deleted).
RebuildReport rebuild_catalog(const std::filesystem::path& root, const std::string& operator_name, bool replace);

}  // namespace xueji
