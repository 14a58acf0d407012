#pragma once
// Importing image files as one document of a student: load -> page stages (clean, OCR) ->
// searchable PDF/A -> catalog and index in one transaction.
//
// Design notes (failure safety): pages are processed one at a time and the PDF is written to a
// temporary file; only when every page succeeded is it renamed into place and the catalog
// transaction (document, pages, index entries) committed. Any error before that leaves the
// archive exactly as it was (the temporary file and any folder made for it are removed); the
// input files are never modified.
#include <filesystem>
#include <string>
#include <vector>

#include "archive/pdf_writer.h"
#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "models/catalog.h"
#include "models/progress.h"
#include "ocr/ocr_engine.h"
#include "pipeline/page_stages.h"

namespace xueji {

struct PipelineParams {
  LoadParams load;
  StageParams stages;  // cleanup and orientation check
  OcrParams ocr;
  PdfParams pdf;
};

struct ImportRequest {
  std::string student_id;
  std::string doc_type = "其他";
  std::vector<std::filesystem::path> images;
};

struct ImportResult {
  long long document_id = 0;
  std::filesystem::path pdf_path;  // relative to the archive root
  std::vector<PageRecord> pages;
};

ImportResult import_document(Catalog& catalog, const ImportRequest& request,
                             const PipelineParams& params = {}, const ProgressFn& progress = {},
                             const CancelToken* cancel = nullptr);

}  // namespace xueji
