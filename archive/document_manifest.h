#pragma once
// The document manifest: <pdf stem>.json beside each PDF, a fixity-checked file of the
// document that holds what the catalog holds about it (the student record, the document's
// numbers and dates, every page's analysis, text and word boxes, every file's SHA-256), so
// that `xueji catalog rebuild` can give back a lost or rolled-back database from the
// archive's own files. The PDF's XMP (学籍号, name, class, type, page count) is checked against
// it on rebuild; the masters and the PDF are hashed again.
#include <filesystem>
#include <string>

#include "models/document.h"
#include "models/student.h"

namespace xueji {

struct DocumentManifest {
  Student student;
  DocumentRecord document;  // files: the PDF and the masters (not the manifest itself)
  // 1 when imported, one more on each move: of two manifests of one document (a crash between
  // a move's commit and the removal of the old names) the higher is the committed one.
  int revision = 1;
};

std::string manifest_json(const DocumentManifest& m);
// Throws Error(BadFormat) naming `what` for a manifest that can't be read.
DocumentManifest parse_manifest(const std::string& json, const std::string& what);
// <folder>/<stem>.json for <folder>/<stem>.pdf
std::filesystem::path manifest_path_for(const std::filesystem::path& pdf);

}  // namespace xueji
