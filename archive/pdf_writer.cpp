#include "archive/pdf_writer.h"

#include <hpdf.h>
#include <unistd.h>

#include <cmath>
#include <set>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "archive/atomic_file.h"
#include "archive/glyphless_font.h"
#include "archive/text_layer.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/utf8.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

// libharu reports errors through a callback and then refuses every later call (errors are
// sticky); we record the first error and check after each step. No exception crosses C code.
struct HpdfError {
  HPDF_STATUS code = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void on_error(HPDF_STATUS code, HPDF_STATUS detail, void* user) {
  auto* e = static_cast<HpdfError*>(user);
  if (e->code == HPDF_OK) {
    e->code = code;
    e->detail = detail;
  }
}

}  // namespace

struct PdfWriter::Impl {
  HpdfError error;
  HPDF_Doc doc = nullptr;
  HPDF_Font font = nullptr;
  fs::path output, temp, raw, font_file;
  std::set<char32_t> used;  // characters of the text layer, for the ToUnicode map
  int pages = 0;

  ~Impl() {
    if (doc) HPDF_Free(doc);
    std::error_code ec;
    if (!font_file.empty()) fs::remove(font_file, ec);
    if (!temp.empty()) fs::remove(temp, ec);
    if (!raw.empty()) fs::remove(raw, ec);
  }

  void check(const char* what) {
    if (error.code != HPDF_OK) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " (libharu error 0x%04X, detail %u)",
                    static_cast<unsigned>(error.code), static_cast<unsigned>(error.detail));
      throw Error(ErrorCode::Pdf, std::string("PDF writer: ") + what + buf);
    }
  }
};

PdfWriter::PdfWriter(PdfParams params) : params_(std::move(params)) {}
PdfWriter::~PdfWriter() = default;

int PdfWriter::pages() const { return impl_ ? impl_->pages : 0; }

void PdfWriter::begin(const fs::path& output) {
  impl_ = std::make_unique<Impl>();
  Impl& m = *impl_;
  m.output = output;
  m.temp = temp_path_for(output);
  m.raw = temp_path_for(output);
  m.doc = HPDF_New(on_error, &m.error);
  if (!m.doc) throw Error(ErrorCode::Pdf, "PDF writer: cannot create document");
  HPDF_SetCompressionMode(m.doc, HPDF_COMP_ALL);
  HPDF_PDFA_SetPDFAConformance(m.doc, HPDF_PDFA_1B);
  HPDF_SetInfoAttr(m.doc, HPDF_INFO_PRODUCER, "Xueji");  // replaced by the post-pass
  m.check("document set-up");

  if (!params_.icc_profile.empty() && fs::exists(params_.icc_profile)) {
    HPDF_OutputIntent icc = HPDF_LoadIccProfileFromFile(m.doc, params_.icc_profile.c_str(), 3);
    m.check("loading the ICC profile");
    HPDF_PDFA_AppendOutputIntents(m.doc, "sRGB IEC61966-2.1", icc);
    m.check("adding the output intent");
  }

  HPDF_UseUTFEncodings(m.doc);
  HPDF_SetCurrentEncoder(m.doc, "UTF-8");
  m.font_file = fs::temp_directory_path() /
                ("xueji-glyphless-" + std::to_string(::getpid()) + "-" +
                 std::to_string(reinterpret_cast<uintptr_t>(this)) + ".ttf");
  {
    std::FILE* f = std::fopen(m.font_file.c_str(), "wb");
    if (!f) throw Error(ErrorCode::Io, "cannot write " + m.font_file.string());
    const std::string font = make_glyphless_font();
    std::fwrite(font.data(), 1, font.size(), f);
    std::fclose(f);
  }
  const char* name = HPDF_LoadTTFontFromFile(m.doc, m.font_file.c_str(), HPDF_TRUE);
  m.check("loading the text-layer font");
  m.font = HPDF_GetFont(m.doc, name, "UTF-8");
  m.check("selecting the text-layer font");
}

void PdfWriter::add_page(const cv::Mat& master, double dpi, const OcrPage& ocr) {
  if (!impl_ || !impl_->doc) throw Error(ErrorCode::Pdf, "PDF writer: add_page before begin");
  Impl& m = *impl_;
  const double k = 72.0 / dpi;
  const double w_pt = master.cols * k, h_pt = master.rows * k;

  std::vector<uchar> jpeg;
  if (!cv::imencode(".jpg", master, jpeg, {cv::IMWRITE_JPEG_QUALITY, params_.jpeg_quality}))
    throw Error(ErrorCode::Pdf, "PDF writer: cannot encode the page image");
  HPDF_Image image = HPDF_LoadJpegImageFromMem(m.doc, jpeg.data(), static_cast<HPDF_UINT>(jpeg.size()));
  m.check("embedding the page image");

  HPDF_Page page = HPDF_AddPage(m.doc);
  HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(w_pt));
  HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(h_pt));
  HPDF_Page_DrawImage(page, image, 0, 0, static_cast<HPDF_REAL>(w_pt), static_cast<HPDF_REAL>(h_pt));
  m.check("drawing the page image");

  // OCR boxes are in the master's pixels unless the OCR image had another size.
  const double sx = ocr.width > 0 ? double(master.cols) / ocr.width : 1.0;
  const double ocr_dpi = dpi / sx;
  const std::vector<TextRun> runs = layout_text_runs(ocr, ocr_dpi, h_pt);
  if (!runs.empty()) {
    HPDF_Page_BeginText(page);
    HPDF_Page_SetTextRenderingMode(page, HPDF_INVISIBLE);
    for (const TextRun& r : runs) {
      HPDF_Page_SetFontAndSize(page, m.font, static_cast<HPDF_REAL>(r.font_size));
      HPDF_Page_SetTextMatrix(page, static_cast<HPDF_REAL>(r.h_scale), 0, 0, 1,
                              static_cast<HPDF_REAL>(r.x), static_cast<HPDF_REAL>(r.baseline));
      HPDF_Page_ShowText(page, r.text.c_str());
      for (char32_t c : utf8_to_u32(r.text)) m.used.insert(c);
    }
    HPDF_Page_EndText(page);
    m.check("writing the text layer");
  }
  ++m.pages;
}

void PdfWriter::end() {
  if (!impl_ || !impl_->doc) throw Error(ErrorCode::Pdf, "PDF writer: end before begin");
  Impl& m = *impl_;
  if (m.pages == 0) throw Error(ErrorCode::Pdf, "PDF writer: a document needs at least one page");
  HPDF_SaveToFile(m.doc, m.raw.c_str());
  m.check("saving");
  PdfMetadata meta = params_.meta;
  meta.page_count = m.pages;
  if (meta.capture_date.empty()) meta.capture_date = utc_now_iso();
  finish_pdfa(m.raw, m.temp, meta, m.used, params_.level);
  commit_file(m.temp, m.output);
  m.temp.clear();
  impl_.reset();
}

}  // namespace xueji
