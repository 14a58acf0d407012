#pragma once
// Searchable PDF/A writer: each page is the master image with an invisible text layer.
// Life cycle as Tesseract's renderers: begin(), add_page() for each page in order, end().
// libharu writes the pages; a qpdf post-pass (pdfa_finisher.h) makes the text layer's
// ToUnicode exact and writes the PDF/A metadata. The file is written to a temporary name and
// renamed into place only when complete.
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "archive/pdfa_finisher.h"
#include "models/ocr_page.h"

namespace xueji {

struct PdfParams {
  int jpeg_quality = 85;   // gray and colour masters
  PdfaLevel level = PdfaLevel::A2b;
  PdfMetadata meta;        // title, student fields (UTF-8): Info and XMP
  std::string icc_profile = "/usr/share/color/icc/sRGB.icc";  // Debian icc-profiles-free
};

class PdfWriter {
 public:
  explicit PdfWriter(PdfParams params = {});
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  void begin(const std::filesystem::path& output);
  // `master`: 8-bit gray or BGR; `ocr`: recognized text with boxes in the master's pixels.
  void add_page(const cv::Mat& master, double dpi, const OcrPage& ocr);
  void end();  // writes and renames into place; throws Error(Pdf/Io) on failure

  int pages() const;

 private:
  struct Impl;
  PdfParams params_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xueji
