#pragma once
// A standalone searchable PDF/A from image files (`xueji pdf`): the same cleanup, OCR and
// writer as an import, without an archive.
#include <filesystem>
#include <vector>

#include "archive/pdf_writer.h"
#include "capture/image_loader.h"
#include "ocr/ocr_engine.h"
#include "pipeline/page_runner.h"

namespace xueji {

struct PdfJobParams {
  LoadParams load;
  StageParams stages;
  OcrParams ocr;
  int workers = default_workers();
  PdfParams pdf;
};

// Returns the number of pages written.
int make_pdf(const std::vector<std::filesystem::path>& images, const std::filesystem::path& output,
             const PdfJobParams& params, const ProgressFn& progress = {}, const CancelToken* cancel = nullptr);

}  // namespace xueji
