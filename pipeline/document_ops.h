#pragma once
// Operations on filed documents that touch files, catalog and index together: moving a
// misfiled document to the right student, deleting into the trash, purging the trash.
//
// Design notes (crash safety, many hands): each operation runs inside one catalog Write, so
// it holds the archive lock throughout. Files are first hard-linked (or copied) to their new
// names (never over an existing file; a moved document's PDF is written anew with the new
// student's Title and XMP, and its manifest too), then the catalog transaction (paths, index,
// audit entry) is committed, and only then are the old names removed. A crash before the
// commit leaves extra files under new names, a crash after it leaves the old names: either way
// the catalog stays right, `xueji verify` reports the extra files and `xueji recover` moves
// them to the quarantine. Purge records the numbers it frees in .xueji/purged.log first, so
// that not even a catalog rebuild gives them again.
#include <filesystem>
#include <string>

#include "models/catalog.h"

namespace xueji {

// Re-files a document under another student (new sequence number and paths). Audited.
DocumentRecord move_document(Catalog& catalog, long long document_id, const std::string& to_student);

// Moves a document's files to .trash/<id>/ and takes it out of the index. Audited.
void delete_document(Catalog& catalog, long long document_id);

// Removes every deleted document's files and rows for good; returns how many. Audited.
int purge_trash(Catalog& catalog);

// The record of purged documents' numbers (.xueji/purged.log: "document <id> <学籍号> <code> <seq> …").
std::filesystem::path purge_record_path(const std::filesystem::path& root);
void append_purge_record(const std::filesystem::path& root, const std::string& lines);

}  // namespace xueji
