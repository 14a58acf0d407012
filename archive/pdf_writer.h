#pragma once
// Searchable PDF/A writer: each page is the master image with an invisible text layer.
//
// Design notes: the life cycle is Tesseract's renderers': begin(), add_page() for each page
// in order, end(). Memory does not grow with the page count: libharu draws each page alone
// into a one-page PDF in memory (haru_page.h), whose page objects are copied at once into the
// output file (libqpdf parses the page; pdf_object_file.h writes it) and then dropped. What
// every page shares is written once: the page tree, the glyphless text font (one CID font for
// the whole file, its ToUnicode map listing exactly the character codes used), the sRGB
// output intent, the XMP metadata and the Info dictionary (pdfa_metadata.h). The file grows
// under a temporary name beside the output; end() closes it, reads it back and checks the
// PDF/A rules (pdfa_check.h), and only then renames it into place. On any error the
// temporary file is removed and nothing appears under the final name.
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "archive/page_image.h"
#include "archive/pdfa_metadata.h"
#include "models/ocr_page.h"

namespace xueji {

struct PdfParams {
  JpegParams jpeg;         // gray and colour masters
  PdfaLevel level = PdfaLevel::A2b;
  PdfMetadata meta;        // title, student fields (UTF-8): Info and XMP
  std::string icc_profile = "/usr/share/color/icc/sRGB.icc";  // Debian icc-profiles-free (ICC v2)
  bool text_layer = true;  // false: images only (for checking that the text layer is invisible)
};

struct PdfPageReport {
  long long bytes = 0;       // what the page added to the file
  long long text_bytes = 0;  // of which its text layer (content stream)
  int characters = 0;        // characters in its text layer
  int jpeg_quality = 0;      // 0: not re-encoded as JPEG
  bool bilevel = false, passed_through = false;
};

class PdfWriter {
 public:
  explicit PdfWriter(PdfParams params = {});
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  void begin(const std::filesystem::path& output);
  // `ocr`: recognized text with boxes in the pixels of the image that was recognized
  // (ocr.width x ocr.height; the master's size when 0).
  PdfPageReport add_page(const PageImage& image, const OcrPage& ocr);
  PdfPageReport add_page(const cv::Mat& master, double dpi, const OcrPage& ocr);
  void end();  // closes, verifies and renames into place; throws Error(Pdf/Io) on failure

  int pages() const;

 private:
  struct Impl;
  PdfParams params_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xueji
