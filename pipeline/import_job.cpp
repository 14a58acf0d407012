#include "pipeline/import_job.h"

#include <map>

#include "models/error.h"
#include "models/sha256.h"
#include "models/student_id.h"
#include "pipeline/document_builder.h"
#include "pipeline/page_runner.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

void check_cancel(const CancelToken* cancel) {
  if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "import cancelled");
}

// SHA-256 of each source file, computed once.
class SourceHashes {
 public:
  const std::string& of(const fs::path& file) {
    auto it = hashes_.find(file.string());
    if (it != hashes_.end()) return it->second;
    std::error_code ec;
    std::string h = fs::is_regular_file(file, ec) ? sha256_file(file) : std::string();
    return hashes_.emplace(file.string(), std::move(h)).first->second;
  }

 private:
  std::map<std::string, std::string> hashes_;
};

}  // namespace

ImportTarget resolve_import_target(Catalog& catalog, const std::string& student_id, const std::string& doc_type) {
  ImportTarget t{check_student_id(student_id), std::nullopt, std::nullopt};
  if (!t.id.valid)
    throw Error(ErrorCode::InvalidArgument, "invalid student number '" + student_id + "': " + t.id.reason);
  t.student = catalog.find_student(t.id.normalized);
  if (!t.student)
    throw Error(ErrorCode::NotFound, "unknown student number " + t.id.normalized +
                                         " (import the roster first: xueji roster import)");
  t.type = catalog.find_doc_type(doc_type);
  if (!t.type) throw Error(ErrorCode::InvalidArgument, "unknown document type: " + doc_type);
  return t;
}

ImportResult import_document(Catalog& catalog, const ImportRequest& request,
                             const PipelineParams& params, const ProgressFn& progress,
                             const CancelToken* cancel) {
  // Validate everything that can be checked before any work.
  const ImportTarget target = resolve_import_target(catalog, request.student_id, request.doc_type);
  const std::optional<Student>& student = target.student;
  const std::optional<DocType>& type = target.type;
  if (request.images.empty() && !request.image_source) throw Error(ErrorCode::InvalidArgument, "no image files given");
  for (const fs::path& p : request.images) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec))
      throw Error(ErrorCode::NotFound, "image file not found: " + p.string());
  }

  SourceHashes hashes;
  if (!request.allow_duplicate)
    for (const fs::path& p : request.images)
      if (const auto docs = catalog.documents_with_source(hashes.of(p)); !docs.empty())
        throw Error(ErrorCode::InvalidArgument,
                    "the image " + p.string() + " was already imported (document " + std::to_string(docs.front()) +
                        "); to import it again anyway, use --allow-duplicate");

  // The numbers first (a short catalog write), then the work without the archive lock.
  DocumentBuilder builder(catalog, {*student, *type, request.declared_pages, request.doc_date, !request.allow_duplicate}, params.pdf,
                          params.master_jpeg_quality);
  EnginePool engines(params.ocr, params.workers);
  engines.engine(0);  // fail early (missing language data) before any page work
  const StageFactory stages = [&](const EngineProvider& e) {
    if (params.worker_nice > 0) lower_this_thread_priority(params.worker_nice);  // runs in each worker
    return default_page_stages(params.stages, e, cancel);
  };
  size_t next_image = 0;
  const ImageSource source = request.image_source ? request.image_source : [&]() -> std::optional<fs::path> {
    if (next_image < request.images.size()) return request.images[next_image++];
    return std::nullopt;
  };
  process_images(source, params.load, stages, engines, cancel,
                 [&](PageWork& work) { builder.add_page(work, hashes.of(work.input.file)); }, progress);
  check_cancel(cancel);
  const BuiltDocument built = builder.commit();
  ImportResult result{built.document_id, built.pdf_path, built.pages};
  if (progress) {
    Progress p;
    p.kind = ProgressKind::DocumentCommitted;
    p.index = p.total = 1;
    p.document_id = result.document_id;
    progress(p);
  }
  return result;
}

}  // namespace xueji
