#pragma once
// The separator sheets as a printable PDF (`xueji sheets`): one A4 page per sheet, with the
// sheet's QR code (60 mm, error correction H, drawn as vector rectangles) and large Chinese
// text for the operator. Not PDF/A: the sheets are printed, never archived.
//
// Design notes: libharu draws the pages with WenQuanYi Micro Hei embedded (Type0, Identity-H,
// the codes are the Unicode values). libharu's own ToUnicode map is a CID map that poppler only
// decodes by luck (and warns about), so the file is passed through qpdf once and every Type0
// font gets a ToUnicode map with one bfchar entry per character drawn: pdftotext, copy and
// search then give the text back exactly. In the same pass the embedded font is repaired:
// libharu 2.3.0 drops composite-glyph parts above glyph 32767, which is most of Micro Hei's CJK
// characters (archive/truetype_glyph_fix.h). The QR modules come from ZXing-C++'s writer; the
// payload itself is made by the caller (capture/separator_sheet.h), so this module does not
// depend on the capture module.
#include <filesystem>
#include <string>
#include <vector>

namespace xueji {

struct SeparatorSheetSpec {
  enum class Kind { Student, DocType, NextDocument };
  Kind kind = Kind::Student;
  std::string payload;     // the QR text (encode_sheet_payload in capture/separator_sheet.h)
  std::string name;        // Student: 姓名
  std::string student_id;  // Student: 学籍号, printed masked (models/id_mask.h)
  std::string grade;       // Student: 年级
  std::string class_name;  // Student: 班级
  std::string doc_type;    // DocType: the type's name
};

// WenQuanYi Micro Hei (Debian fonts-wqy-microhei).
inline constexpr const char* kSheetFontFile = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

// The PDF's bytes. Throws Error(InvalidArgument) for no sheets or an empty payload,
// Error(NotFound) when the font file is missing, Error(Pdf) when libharu or qpdf fail.
std::string separator_sheets_pdf(const std::vector<SeparatorSheetSpec>& sheets,
                                 const std::string& font_file = kSheetFontFile);

// Written under a temporary name beside `out` and renamed onto it (an existing file is replaced).
void write_separator_sheets(const std::vector<SeparatorSheetSpec>& sheets, const std::filesystem::path& out);

}  // namespace xueji
