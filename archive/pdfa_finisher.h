#pragma once
// The PDF/A post-pass over libharu's output (libqpdf).
//
// Design notes (measured facts in shared/notes/pdfa-text-layer.md): libharu's "ToUnicode" for
// a UTF-8 Type0 font is really a CID CMap, which poppler only decodes by luck; its XMP knows
// only PDF/A-1, escapes nothing and writes /SubType; a subset-tagged font name without /CIDSet
// breaks PDF/A-1b; its Info strings cannot carry Chinese. So after libharu has written the
// pages, this pass (1) replaces each Type0 font's ToUnicode with a bfchar map of exactly the
// characters used (one entry each: poppler, Ghostscript and pdf.js all read it), (2) drops the
// subset tag from the font names (the 1 KB font is embedded whole), (3) writes the Info
// dictionary with UTF-16 strings and an uncompressed XMP packet that agrees with it, declaring
// PDF/A-1b or -2b and carrying the student fields in a namespace of our own, described by a
// PDF/A extension schema.
#include <filesystem>
#include <set>
#include <string>

namespace xueji {

enum class PdfaLevel { A1b, A2b };

struct PdfMetadata {
  std::string title;          // UTF-8
  std::string student_id, student_name, class_name, doc_type;
  int page_count = 0;
  std::string capture_date;   // ISO 8601 UTC, e.g. 2026-11-28T16:50:00Z
  std::string producer = "Xueji";
};

// Reads `in`, writes `out` (both complete files; `out` must differ from `in`).
void finish_pdfa(const std::filesystem::path& in, const std::filesystem::path& out, const PdfMetadata& meta,
                 const std::set<char32_t>& used_chars, PdfaLevel level);

}  // namespace xueji
