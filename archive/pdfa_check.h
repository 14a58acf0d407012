#pragma once
// A rule check of the PDF/A-1b / -2b clauses that Xueji's files must meet, over libqpdf.
// Not a full validator (no veraPDF in Debian 12): it checks what a writer can get wrong —
// header, trailer /ID, no encryption, XMP (uncompressed, pdfaid part/conformance, agreeing
// with Info), output intent with an ICC profile, fonts embedded with ToUnicode, no
// transparency, no LZW, no JPEG 2000 or object streams in 1b, no actions or JavaScript, no
// embedded files in 1b.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "archive/pdfa_metadata.h"

namespace xueji {

// Every rule broken, one message each (empty: passes). `pages`: set to the page count read.
std::vector<std::string> check_pdfa(const std::filesystem::path& file, PdfaLevel level, int* pages = nullptr);
// The same over a PDF held in memory (the fuzz target's entry; `file` reads through qpdf's file
// source, this through its buffer source, and both share every rule).
std::vector<std::string> check_pdfa_bytes(std::string_view bytes, PdfaLevel level, int* pages = nullptr);

}  // namespace xueji
