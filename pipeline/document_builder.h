#pragma once
// Building one archived document page by page — begin (constructor), add_page, commit — the
// part `import` and `scan` (and the batch job) share, after the page stages.
//
// Design notes (failure safety, many hands): the constructor reserves the document id and
// archive sequence number (models/reservation.h) and opens the PDF under a temporary name;
// each add_page writes the page's master at once (atomically, never over an existing file) and
// adds the page to the PDF; commit closes the PDF, writes the manifest and commits document,
// pages, files, index entries and audit entry in one catalog Write. A builder destroyed
// without commit removes every file it placed and the folders it made, and ends its
// reservation: the archive is as it was, except for the numbers, which are never given again.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/pdf_writer.h"
#include "models/catalog.h"
#include "models/document.h"
#include "models/student.h"
#include "pipeline/page_stages.h"

namespace xueji {

struct DocumentTarget {
  Student student;
  DocType type;
  std::optional<int> declared_pages;
  std::string doc_date;  // yyyy-mm-dd, validated by the caller
  // Refuse the commit (Error InvalidArgument; the builder rolls back) when a page's source
  // image is in the archive already. Checked again inside the committing Write, so that two
  // imports of the same image at once can't both pass (import checks first, to fail early).
  bool refuse_duplicate_sources = false;
};

struct BuiltDocument {
  long long document_id = 0;
  std::filesystem::path pdf_path;  // relative to the archive root
  std::vector<PageRecord> pages;
};

class DocumentBuilder {
 public:
  // `pdf`: the writer's parameters (its record fields are filled from the target).
  DocumentBuilder(Catalog& catalog, const DocumentTarget& target, PdfParams pdf, int master_jpeg_quality);
  ~DocumentBuilder();  // without commit(): rolls back
  DocumentBuilder(const DocumentBuilder&) = delete;
  DocumentBuilder& operator=(const DocumentBuilder&) = delete;

  // A page through its stages; `source_sha256`: of the file it was read from.
  void add_page(const PageWork& work, const std::string& source_sha256);
  int pages() const { return static_cast<int>(result_.pages.size()); }
  const std::filesystem::path& pdf_path() const { return result_.pdf_path; }

  BuiltDocument commit();

 private:
  struct State;
  std::unique_ptr<State> s_;
  BuiltDocument result_;
};

}  // namespace xueji
