#pragma once
// PDF/A document-level metadata: the XMP packet, the Info dictionary that agrees with it, and
// the ToUnicode map of the text layer.
//
// Design notes: PDF/A requires every Info entry to have an equal XMP property (Title =
// dc:title, Subject = dc:description, Creator = xmp:CreatorTool, Producer = pdf:Producer,
// CreationDate = xmp:CreateDate, ModDate = xmp:ModifyDate). The student fields live in a
// namespace of our own (xueji:), declared by a PDF/A extension schema so validators accept
// it. The packet is UTF-8 with XML escaping; characters outside the BMP are written as they
// are. The ToUnicode map has one bfchar entry per character code used (codes are 2-byte CIDs;
// a character outside the BMP is drawn with a private-use code and mapped to its surrogate
// pair, so text extraction gives it back exactly).
#include <map>
#include <string>

namespace xueji {

enum class PdfaLevel { A1b, A2b };
const char* to_string(PdfaLevel level);  // "1b", "2b"

struct PdfMetadata {
  std::string title;          // UTF-8
  std::string student_id, student_name, class_name, doc_type;
  int page_count = 0;
  std::string capture_date;   // ISO 8601 UTC, e.g. 2026-11-28T16:50:00Z
  std::string producer = "Xueji";
};

// "2026-11-28T16:50:00Z" -> "D:20261128165000Z"
std::string pdf_date(const std::string& iso);
std::string xmp_packet(const PdfMetadata& meta, PdfaLevel level);
// The Info dictionary's entries ("/Title (...) /Subject ..."), agreeing with xmp_packet.
std::string info_entries(const PdfMetadata& meta);
// code (as drawn) -> character it stands for
std::string to_unicode_cmap(const std::map<char16_t, char32_t>& codes);

}  // namespace xueji
