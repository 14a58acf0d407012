#pragma once
// Importing image files as one document of a student: load -> page stages (clean, OCR) ->
// DocumentBuilder (pipeline/document_builder.h: page masters and searchable PDF/A -> catalog,
// fixity values, index and audit entry in one transaction).
//
// Design notes (failure safety, many hands): the document id and archive sequence number are
// reserved first (models/reservation.h), so imports of the same student and type run side by
// side without the archive lock and never collide. Pages are processed one at a time; each
// master, the PDF and the manifest are written under temporary names and renamed into place
// when complete, never over an existing file (so no file under a final name is ever partial
// or replaced). Only then is the catalog Write (document, pages, files with SHA-256, index
// entries, audit entry) committed. An error before the commit removes what was placed and any
// folder made for it, leaving the archive as it was; a crash before the commit leaves files of
// a reservation nobody holds, which `xueji verify` reports and `xueji recover` moves to the
// quarantine. Images already imported are refused unless asked for. The input files are
// never modified.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "archive/pdf_writer.h"
#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "models/catalog.h"
#include "models/progress.h"
#include "models/student_id.h"
#include "ocr/engine_pool.h"
#include "pipeline/page_runner.h"
#include "ocr/ocr_engine.h"
#include "pipeline/page_stages.h"

namespace xueji {

struct PipelineParams {
  LoadParams load;
  StageParams stages;  // cleanup and orientation check
  int master_jpeg_quality = 92;
  OcrParams ocr;
  int workers = default_workers();  // pages cleaned and recognized in parallel
  int worker_nice = 0;  // > 0: workers run at lower priority (a scan job: capture comes first)
  PdfParams pdf;
};

struct ImportRequest {
  std::string student_id;
  std::string doc_type = "其他";
  std::vector<std::filesystem::path> images;
  // Instead of `images`: files handed over as they arrive (a scan in progress); a throw from it
  // (a scanner fault) abandons the document and leaves the archive as it was.
  ImageSource image_source;
  std::optional<int> declared_pages;  // page count written on the paper, if known
  std::string doc_date;               // date written on the paper, yyyy-mm-dd (validated by the caller)
  bool allow_duplicate = false;       // import images already in the archive (refused otherwise)
};

struct ImportResult {
  long long document_id = 0;
  std::filesystem::path pdf_path;  // relative to the archive root
  std::vector<PageRecord> pages;
};

// The student and document type of a document-to-be, checked: an invalid or unknown 学籍号 or
// an unknown type is an Error before any page is touched (import and scan both call this).
struct ImportTarget {
  StudentIdCheck id;
  std::optional<Student> student;
  std::optional<DocType> type;
};
ImportTarget resolve_import_target(Catalog& catalog, const std::string& student_id, const std::string& doc_type);

ImportResult import_document(Catalog& catalog, const ImportRequest& request,
                             const PipelineParams& params = {}, const ProgressFn& progress = {},
                             const CancelToken* cancel = nullptr);

}  // namespace xueji
