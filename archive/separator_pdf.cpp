#include "archive/separator_pdf.h"

#include <hpdf.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <type_traits>

#include "archive/atomic_file.h"
#include "archive/pdfa_metadata.h"
#include "archive/truetype_glyph_fix.h"
#include "models/error.h"
#include "models/id_mask.h"
#include "models/utf8.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

constexpr double kPageW = 595.276, kPageH = 841.89;  // A4, points
constexpr double kPt = 72.0 / 25.4;                   // points per mm
constexpr double kQrMm = 60;                          // the symbol's side, quiet zone not included
constexpr double kQrTopMm = 108;                      // from the top edge
constexpr double kTextWidthMm = 170;                  // widest line

// libharu reports errors through a callback and refuses every later call (errors are sticky):
// the first error is kept and checked after each step; no exception crosses C.
class HaruDoc {
 public:
  HaruDoc() : doc_(HPDF_New(&HaruDoc::on_error, this)) {
    if (!doc_) throw Error(ErrorCode::Pdf, "separator sheets: libharu cannot create a document");
  }
  HPDF_Doc get() const { return doc_.get(); }
  void check(const char* what) const {
    if (code_ == HPDF_OK) return;
    char buf[80];
    std::snprintf(buf, sizeof buf, " (libharu error 0x%04X, detail %u)", static_cast<unsigned>(code_),
                  static_cast<unsigned>(detail_));
    throw Error(ErrorCode::Pdf, std::string("separator sheets: ") + what + buf);
  }
  void clear_eof() {
    if (code_ == HPDF_STREAM_EOF) code_ = HPDF_OK;
  }

 private:
  static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void* user) {
    auto* self = static_cast<HaruDoc*>(user);
    if (self->code_ == HPDF_OK) self->code_ = code, self->detail_ = detail;
  }
  struct Free {
    void operator()(HPDF_Doc d) const { HPDF_Free(d); }
  };
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, Free> doc_;
  HPDF_STATUS code_ = HPDF_OK, detail_ = 0;
};

// Text as drawn: characters outside the BMP (which libharu's UTF-8 encoder cannot draw)
// become 〓, the typesetter's mark for a missing character; control characters go.
std::string drawable(const std::string& text) {
  std::u32string out;
  for (char32_t c : utf8_to_u32(text)) {
    if (c < 0x20 || c == 0x7F) continue;
    out.push_back(c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF) ? U'〓' : c);
  }
  return u32_to_utf8(out);
}

class SheetPainter {
 public:
  SheetPainter(HaruDoc& doc, HPDF_Font font, std::map<char16_t, char32_t>& codes)
      : doc_(doc), font_(font), codes_(codes) {}

  void begin_page() {
    page_ = HPDF_AddPage(doc_.get());
    HPDF_Page_SetWidth(page_, static_cast<HPDF_REAL>(kPageW));
    HPDF_Page_SetHeight(page_, static_cast<HPDF_REAL>(kPageH));
    doc_.check("adding a page");
  }

  // One line centred on the page, its baseline `top_mm` below the top edge; the size shrinks
  // when the line is wider than the text column. `gray`: 0 black .. 1 white.
  void centred(const std::string& utf8, double size, double top_mm, double gray = 0) {
    const std::string text = drawable(utf8);
    if (text.empty()) return;
    for (char32_t c : utf8_to_u32(text)) codes_.emplace(static_cast<char16_t>(c), c);
    HPDF_Page_SetFontAndSize(page_, font_, static_cast<HPDF_REAL>(size));
    double width = HPDF_Page_TextWidth(page_, text.c_str());
    if (width > kTextWidthMm * kPt) {
      size *= kTextWidthMm * kPt / width;
      HPDF_Page_SetFontAndSize(page_, font_, static_cast<HPDF_REAL>(size));
      width = HPDF_Page_TextWidth(page_, text.c_str());
    }
    HPDF_Page_SetGrayFill(page_, static_cast<HPDF_REAL>(gray));
    HPDF_Page_BeginText(page_);
    HPDF_Page_TextOut(page_, static_cast<HPDF_REAL>((kPageW - width) / 2), static_cast<HPDF_REAL>(y(top_mm)),
                      text.c_str());
    HPDF_Page_EndText(page_);
    HPDF_Page_SetGrayFill(page_, 0);
    doc_.check("drawing text");
  }

  void rule(double top_mm, double width_mm = kTextWidthMm) {
    HPDF_Page_SetLineWidth(page_, 0.8f);
    HPDF_Page_MoveTo(page_, static_cast<HPDF_REAL>((kPageW - width_mm * kPt) / 2), static_cast<HPDF_REAL>(y(top_mm)));
    HPDF_Page_LineTo(page_, static_cast<HPDF_REAL>((kPageW + width_mm * kPt) / 2), static_cast<HPDF_REAL>(y(top_mm)));
    HPDF_Page_Stroke(page_);
    doc_.check("drawing a rule");
  }

  // A filled rectangle, `left_mm`/`top_mm` from the page's left and top edges.
  void box(double left_mm, double top_mm, double w_mm, double h_mm) {
    HPDF_Page_Rectangle(page_, static_cast<HPDF_REAL>(left_mm * kPt), static_cast<HPDF_REAL>(y(top_mm + h_mm)),
                        static_cast<HPDF_REAL>(w_mm * kPt), static_cast<HPDF_REAL>(h_mm * kPt));
  }

  // The QR symbol, centred, `kQrMm` wide: runs of dark modules in a row as one rectangle each
  // (a little wider than the run, so that no hairline gaps appear between rows).
  void qr(const std::string& payload) {
    ZXing::BitMatrix m;
    try {
      m = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
              .setEncoding(ZXing::CharacterSet::UTF8)
              .setEccLevel(8)  // level H: 30 % of the symbol may be lost to specks and creases
              .setMargin(0)
              .encode(payload, 0, 0);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::Pdf, std::string("separator sheets: cannot encode the QR code: ") + e.what());
    }
    const double module = kQrMm / m.width(), left = (kPageW / kPt - kQrMm) / 2;
    const double overlap = 0.02;  // mm
    for (int row = 0; row < m.height(); ++row)
      for (int x = 0; x < m.width();) {
        if (!m.get(x, row)) {
          ++x;
          continue;
        }
        int end = x;
        while (end < m.width() && m.get(end, row)) ++end;
        box(left + x * module, kQrTopMm + row * module, (end - x) * module + overlap, module + overlap);
        x = end;
      }
    HPDF_Page_Fill(page_);
    doc_.check("drawing the QR code");
  }

  // Kodak's Patch T (narrow, wide, narrow, wide bars; 0.08 in narrow, 0.20 in wide, 0.08 in
  // spaces), bars parallel to the leading (top) edge, 12 mm from it, 150 mm long.
  void patch_t() {
    const double narrow = 0.08 * 25.4, wide = 0.20 * 25.4, len = 150, left = (kPageW / kPt - len) / 2;
    double top = 12;
    for (double bar : {narrow, wide, narrow, wide}) {
      box(left, top, len, bar);
      top += bar + narrow;
    }
    HPDF_Page_Fill(page_);
    doc_.check("drawing the patch bars");
  }

 private:
  static double y(double top_mm) { return kPageH - top_mm * kPt; }

  HaruDoc& doc_;
  HPDF_Font font_;
  HPDF_Page page_ = nullptr;
  std::map<char16_t, char32_t>& codes_;
};

void draw_sheet(SheetPainter& p, const SeparatorSheetSpec& s) {
  using Kind = SeparatorSheetSpec::Kind;
  p.begin_page();
  const double below_qr = kQrTopMm + kQrMm;
  switch (s.kind) {
    case Kind::Student:
      p.centred("学籍档案分隔页 · 学生", 24, 30);
      p.rule(37);
      p.centred(s.name.empty() ? "（未填姓名）" : s.name, 60, 66);
      p.centred("学籍号  " + mask_ids(s.student_id), 18, 82);
      p.centred("年级  " + (s.grade.empty() ? std::string("—") : s.grade) + "      班级  " +
                    (s.class_name.empty() ? std::string("—") : s.class_name),
                18, 94);
      p.qr(s.payload);
      p.centred("请把本页放在该学生全部档案材料的最前面，与材料一起放入扫描仪。", 14, below_qr + 18);
      p.centred("扫描时识别本页的二维码，之后的页面归入该学生，直到下一张学生分隔页。", 12, below_qr + 27, 0.25);
      break;
    case Kind::DocType:
      p.centred("文件类型分隔页 · " + s.doc_type, 24, 30);
      p.rule(37);
      p.centred(s.doc_type, 60, 70);
      p.centred("文件类型", 18, 86);
      p.qr(s.payload);
      p.centred("请把本页放在该学生的「" + s.doc_type + "」前面，与材料一起放入扫描仪。", 14, below_qr + 18);
      p.centred("之后的页面归入「" + s.doc_type + "」，直到下一张分隔页。本页可复印、反复使用。", 12, below_qr + 27, 0.25);
      break;
    case Kind::NextDocument:
      p.patch_t();
      p.centred("下一份文件（同一学生）", 30, 56);
      p.rule(64);
      p.centred("Patch T", 18, 78, 0.25);
      p.qr(s.payload);
      p.centred("请把本页放在同一学生的下一份文件前面，与材料一起放入扫描仪。", 14, below_qr + 18);
      p.centred("之后的页面另成一份文件，仍归入同一学生。本页可复印、反复使用。", 12, below_qr + 27, 0.25);
      break;
  }
  p.rule(272);
  p.centred("Xueji 批量扫描分隔页 · 本页不存入档案 · 请勿折叠或涂写二维码", 9, 279, 0.35);
}

// The embedded font's missing composite-glyph parts put back (archive/truetype_glyph_fix.h).
void repair_font_file(QPDFObjectHandle type0, const std::string& original) {
  QPDFObjectHandle file = type0.getKey("/DescendantFonts").getArrayItem(0).getKey("/FontDescriptor").getKey("/FontFile2");
  if (!file.isStream()) return;
  std::shared_ptr<Buffer> data = file.getStreamData(qpdf_dl_generalized);
  const std::string_view subset(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
  const std::string fixed = complete_composite_glyphs(subset, original);
  if (fixed.size() == subset.size() && fixed == subset) return;
  file.replaceStreamData(fixed, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
  file.getDict().replaceKey("/Length1", QPDFObjectHandle::newInteger(static_cast<long long>(fixed.size())));
}

// libharu's ToUnicode for a UTF-8 Type0 font is a CID map; replaced by a bfchar map of the
// characters drawn (archive/pdfa_metadata.h). The font file is repaired and the Info
// dictionary filled in.
std::string finish_with_qpdf(const std::string& haru_bytes, const std::map<char16_t, char32_t>& codes,
                             const std::string& font_file) {
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile("separator sheets", haru_bytes.data(), haru_bytes.size());
    const std::string cmap = to_unicode_cmap(codes);
    const std::string original = read_file_bytes(font_file);
    std::set<QPDFObjGen> done;
    for (QPDFObjectHandle page : pdf.getAllPages()) {
      QPDFObjectHandle fonts = page.getKey("/Resources").getKey("/Font");
      if (!fonts.isDictionary()) continue;
      for (const std::string& key : fonts.getKeys()) {
        QPDFObjectHandle font = fonts.getKey(key);
        if (!font.getKey("/Subtype").isNameAndEquals("/Type0") || !done.insert(font.getObjGen()).second) continue;
        if (font.getKey("/ToUnicode").isStream())
          font.getKey("/ToUnicode").replaceStreamData(cmap, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
        repair_font_file(font, original);
      }
    }
    QPDFObjectHandle info = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    info.replaceKey("/Title", QPDFObjectHandle::newUnicodeString("Xueji 分隔页"));
    info.replaceKey("/Producer", QPDFObjectHandle::newUnicodeString("Xueji"));
    pdf.getTrailer().replaceKey("/Info", info);
    QPDFWriter w(pdf);
    w.setOutputMemory();
    w.setStreamDataMode(qpdf_s_compress);
    w.setObjectStreamMode(qpdf_o_generate);
    w.setDeterministicID(true);
    w.write();
    std::shared_ptr<Buffer> out = w.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(out->getBuffer()), out->getSize());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Pdf, std::string("separator sheets: qpdf: ") + e.what());
  }
}

}  // namespace

std::string separator_sheets_pdf(const std::vector<SeparatorSheetSpec>& sheets, const std::string& font_file) {
  if (sheets.empty()) throw Error(ErrorCode::InvalidArgument, "separator sheets: no sheets to write");
  for (const SeparatorSheetSpec& s : sheets)
    if (s.payload.empty()) throw Error(ErrorCode::InvalidArgument, "separator sheets: a sheet without a QR payload");
  std::error_code ec;
  if (!fs::is_regular_file(font_file, ec))
    throw Error(ErrorCode::NotFound, "separator sheets: the font " + font_file +
                                         " is missing (Debian package fonts-wqy-microhei)");
  HaruDoc doc;
  HPDF_Doc d = doc.get();
  HPDF_SetCompressionMode(d, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(d);
  HPDF_SetCurrentEncoder(d, "UTF-8");
  doc.check("document set-up");
  const char* name = HPDF_LoadTTFontFromFile2(d, font_file.c_str(), 0, HPDF_TRUE);
  doc.check("loading the font");
  HPDF_Font font = HPDF_GetFont(d, name, "UTF-8");
  doc.check("selecting the font");

  std::map<char16_t, char32_t> codes;
  SheetPainter painter(doc, font, codes);
  for (const SeparatorSheetSpec& s : sheets) draw_sheet(painter, s);

  HPDF_SaveToStream(d);
  doc.check("saving");
  HPDF_UINT32 size = HPDF_GetStreamSize(d);
  std::string bytes(size, '\0');
  HPDF_ReadFromStream(d, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  doc.clear_eof();  // reading to the end reports EOF
  doc.check("reading the document back");
  bytes.resize(size);
  return finish_with_qpdf(bytes, codes, font_file);
}

void write_separator_sheets(const std::vector<SeparatorSheetSpec>& sheets, const fs::path& out) {
  write_file_atomic(out, separator_sheets_pdf(sheets), Replace::Allowed);
}

}  // namespace xueji
