#pragma once
// Reading and rewriting the document-level metadata of a PDF/A file Xueji wrote: the XMP
// packet's record fields, and a copy of the file with new record fields (a document moved to
// another student must not keep the previous student's name and 学籍号 in its Title and XMP).
// The page content is copied as it is; the Info dictionary and the XMP are rewritten together
// (PDF/A requires them to agree); the capture date, producer and PDF/A level are kept.
#include <filesystem>

#include "archive/pdfa_metadata.h"

namespace xueji {

struct PdfRecordFields {
  PdfMetadata meta;
  PdfaLevel level = PdfaLevel::A2b;
};

// Throws Error(Pdf) when the file has no readable Xueji XMP packet.
PdfRecordFields read_pdf_record_fields(const std::filesystem::path& pdf);

// Writes `out` (must not exist; placed atomically, never over an existing file): `in` with
// title, student fields and document type from `meta`.
void write_pdf_with_record_fields(const std::filesystem::path& in, const std::filesystem::path& out,
                                  const PdfMetadata& meta);

}  // namespace xueji
