#include "archive/haru_page.h"

#include <hpdf.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "models/error.h"

namespace xueji {
namespace {

// libharu reports errors through a callback and then refuses every later call (errors are
// sticky); the first error is recorded and checked after each step. No exception crosses C.
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

struct DocDeleter {
  void operator()(HPDF_Doc d) const { HPDF_Free(d); }
};
using DocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocDeleter>;

}  // namespace

std::string haru_page_pdf(const EncodedImage& image, double width_pt, double height_pt,
                          const std::vector<TextRun>& runs, const std::string& font_file) {
  HpdfError error;
  auto check = [&](const char* what) {
    if (error.code == HPDF_OK) return;
    char buf[96];
    std::snprintf(buf, sizeof buf, " (libharu error 0x%04X, detail %u)", static_cast<unsigned>(error.code),
                  static_cast<unsigned>(error.detail));
    throw Error(ErrorCode::Pdf, std::string("PDF writer: ") + what + buf);
  };
  DocPtr doc(HPDF_New(on_error, &error));
  if (!doc) throw Error(ErrorCode::Pdf, "PDF writer: libharu cannot create a document");
  HPDF_Doc d = doc.get();
  HPDF_SetCompressionMode(d, HPDF_COMP_ALL);  // content streams Flate, bilevel images CCITT G4
  check("document set-up");

  HPDF_Image img = nullptr;
  if (image.kind == EncodedImage::Kind::Bilevel) {
    // Data 1 = black with black_is1 = FALSE: libharu writes the inverse Decode that readers
    // need (measured; TRUE renders inverted in poppler and Ghostscript).
    img = HPDF_Image_LoadRaw1BitImageFromMem(d, image.bits.data(), static_cast<HPDF_UINT>(image.width),
                                             static_cast<HPDF_UINT>(image.height),
                                             static_cast<HPDF_UINT>(image.stride), HPDF_FALSE, HPDF_TRUE);
  } else {
    img = HPDF_LoadJpegImageFromMem(d, reinterpret_cast<const HPDF_BYTE*>(image.jpeg.data()),
                                    static_cast<HPDF_UINT>(image.jpeg.size()));
  }
  check("embedding the page image");

  HPDF_Page page = HPDF_AddPage(d);
  HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(width_pt));
  HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(height_pt));
  HPDF_Page_DrawImage(page, img, 0, 0, static_cast<HPDF_REAL>(width_pt), static_cast<HPDF_REAL>(height_pt));
  check("drawing the page image");

  if (!runs.empty()) {
    HPDF_UseUTFEncodings(d);
    HPDF_SetCurrentEncoder(d, "UTF-8");
    const char* name = HPDF_LoadTTFontFromFile(d, font_file.c_str(), HPDF_TRUE);
    check("loading the text-layer font");
    HPDF_Font font = HPDF_GetFont(d, name, "UTF-8");
    check("selecting the text-layer font");
    HPDF_Page_BeginText(page);
    HPDF_Page_SetTextRenderingMode(page, HPDF_INVISIBLE);
    // Positions and sizes on a 1/8 pt grid (exact in binary, so libharu prints them short:
    // "759.625", not "759.65759"); the font is set again only when the size changes (once
    // per line). Both keep the text layer small; 1/8 pt is far inside the 2 pt box tolerance.
    auto grid = [](double v) { return static_cast<HPDF_REAL>(std::round(v * 8) / 8); };
    HPDF_REAL size = -1;
    for (const TextRun& r : runs) {
      if (grid(r.font_size) != size) {
        size = grid(r.font_size);
        HPDF_Page_SetFontAndSize(page, font, size);
      }
      // Stretch through the text matrix: HPDF_Page_SetHorizontalScalling stops at 10-300 %.
      if (r.angle_deg == 0) {
        HPDF_Page_SetTextMatrix(page, static_cast<HPDF_REAL>(r.h_scale), 0, 0, 1, grid(r.x), grid(r.baseline));
      } else {  // stretch, then rotate: [h·cos h·sin −sin cos x y]
        const double a = r.angle_deg * M_PI / 180.0;
        HPDF_Page_SetTextMatrix(page, static_cast<HPDF_REAL>(r.h_scale * std::cos(a)),
                                static_cast<HPDF_REAL>(r.h_scale * std::sin(a)), static_cast<HPDF_REAL>(-std::sin(a)),
                                static_cast<HPDF_REAL>(std::cos(a)), grid(r.x), grid(r.baseline));
      }
      HPDF_Page_ShowText(page, r.text.c_str());
    }
    HPDF_Page_EndText(page);
    check("writing the text layer");
  }

  HPDF_SaveToStream(d);
  check("saving the page");
  HPDF_UINT32 size = HPDF_GetStreamSize(d);
  std::string bytes(size, '\0');
  HPDF_ReadFromStream(d, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  if (error.code == HPDF_STREAM_EOF) error = {};  // reading to the end reports EOF
  check("reading the page back");
  bytes.resize(size);
  return bytes;
}

}  // namespace xueji
