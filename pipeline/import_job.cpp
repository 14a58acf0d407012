#include "pipeline/import_job.h"

#include <opencv2/imgcodecs.hpp>

#include "archive/archive_layout.h"
#include <map>

#include "archive/atomic_file.h"
#include "archive/document_manifest.h"
#include "models/sha256.h"
#include "indexer/page_index.h"
#include "models/error.h"
#include "models/reservation.h"
#include "models/student_id.h"
#include "pipeline/page_runner.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

void check_cancel(const CancelToken* cancel) {
  if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "import cancelled");
}

// Removes what an unfinished import created: files already placed and new folders.
class Rollback {
 public:
  void created_folder(fs::path p) { folders_.push_back(std::move(p)); }
  void placed_file(fs::path p) { files_.push_back(std::move(p)); }
  void release() { active_ = false; }
  ~Rollback() {
    if (!active_) return;
    std::error_code ec;
    for (const fs::path& f : files_) fs::remove(f, ec);
    for (auto it = folders_.rbegin(); it != folders_.rend(); ++it)
      if (fs::is_empty(*it, ec)) fs::remove(*it, ec);
  }

 private:
  bool active_ = true;
  std::vector<fs::path> folders_, files_;
};

// Creates `dir` and its missing parents (mode 0750), telling the rollback about each new one.
void make_folders(const fs::path& dir, Rollback& rollback) {
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    create_folders(*it);
    rollback.created_folder(*it);
  }
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

// The master as stored: JPEG (DA/T 31-2017 allows TIFF, JPEG or JPEG 2000 masters).
std::vector<uchar> encode_master(const cv::Mat& master, int quality) {
  std::vector<uchar> buf;
  if (!cv::imencode(".jpg", master, buf, {cv::IMWRITE_JPEG_QUALITY, quality}))
    throw Error(ErrorCode::Io, "cannot encode the master image");
  return buf;
}

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
  const StudentIdCheck& id = target.id;
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
  DocumentReservation reservation(catalog, id.normalized, type->code);
  const int sequence = reservation.sequence();
  ImportResult result;
  const DocumentPaths paths = document_paths(*student, *type, sequence);
  result.pdf_path = paths.pdf;
  const fs::path pdf_abs = catalog.root() / result.pdf_path;
  Rollback rollback;
  make_folders(pdf_abs.parent_path(), rollback);
  std::vector<FileRecord> files;

  EnginePool engines(params.ocr, params.workers);
  engines.engine(0);  // fail early (missing language data) before any page work
  const StageFactory stages = [&](const EngineProvider& e) {
    if (params.worker_nice > 0) lower_this_thread_priority(params.worker_nice);  // runs in each worker
    return default_page_stages(params.stages, e, cancel);
  };
  PdfParams pdf_params = params.pdf;
  if (pdf_params.meta.title.empty())
    pdf_params.meta.title = type->name + " " + student->name + " " + id.normalized;
  pdf_params.meta.student_id = id.normalized;
  pdf_params.meta.student_name = student->name;
  pdf_params.meta.class_name = student->grade + " " + student->class_name;
  pdf_params.meta.doc_type = type->name;
  PdfWriter writer(pdf_params);
  writer.begin(pdf_abs);

  size_t next_image = 0;
  const ImageSource source = request.image_source ? request.image_source : [&]() -> std::optional<fs::path> {
    if (next_image < request.images.size()) return request.images[next_image++];
    return std::nullopt;
  };
  process_images(source, params.load, stages, engines, cancel, [&](PageWork& work) {
    writer.add_page(archive_image(work), work.ocr);
    PageRecord rec;
    rec.number = static_cast<int>(result.pages.size()) + 1;
    {  // the master, written (atomically) as soon as the page is done
      const std::vector<uchar> jpeg = encode_master(work.cleaned.master, params.master_jpeg_quality);
      const fs::path rel = paths.master(rec.number, ".jpg");
      const std::string_view bytes(reinterpret_cast<const char*>(jpeg.data()), jpeg.size());
      write_file_atomic(catalog.root() / rel, bytes);
      rollback.placed_file(catalog.root() / rel);
      files.push_back({rel.generic_string(), "master", rec.number, sha256_hex(bytes),
                       static_cast<long long>(jpeg.size())});
    }
    rec.source = work.input.source;
    rec.source_sha256 = hashes.of(work.input.file);
    rec.width = work.cleaned.master.cols;
    rec.height = work.cleaned.master.rows;
    rec.dpi = work.input.dpi;
    rec.skew_deg = work.cleaned.skew_corrected ? work.cleaned.analysis.skew.angle_deg : 0;
    const PageAnalysis& an = work.cleaned.analysis;
    rec.orientation = an.orientation.orientation;
    rec.blank = an.boxes.blank;
    rec.color_mode = to_string(an.color.mode);
    rec.seal = an.color.seal;
    const cv::Rect& cb = an.boxes.content;
    rec.content_box = {cb.x, cb.y, cb.width, cb.height};
    rec.analysis_confidence = an.confidence;
    rec.ocr_confidence = work.ocr.mean_confidence();
    rec.text = work.ocr.text();
    rec.words = word_table(work.ocr);
    result.pages.push_back(std::move(rec));
  }, progress);
  check_cancel(cancel);
  writer.end();  // complete file renamed into place
  rollback.placed_file(pdf_abs);
  files.insert(files.begin(), FileRecord{result.pdf_path.generic_string(), "pdf", 0, sha256_file(pdf_abs),
                                         static_cast<long long>(fs::file_size(pdf_abs))});

  DocumentRecord doc;
  doc.id = reservation.document_id();
  doc.type_code = type->code;
  doc.created_at = utc_now_iso();
  doc.student_id = id.normalized;
  doc.doc_type = std::string(type->name);
  doc.title = std::string(type->name) + " " + student->name;
  doc.pdf_path = result.pdf_path.generic_string();
  doc.sequence = sequence;
  doc.declared_pages = request.declared_pages;
  doc.doc_date = request.doc_date;
  doc.pages = result.pages;
  doc.files = files;
  {  // the manifest: what the catalog will hold, kept beside the PDF (catalog rebuild reads it)
    const fs::path rel = manifest_path_for(result.pdf_path);
    const std::string text = manifest_json({*student, doc});
    write_file_atomic(catalog.root() / rel, text);
    rollback.placed_file(catalog.root() / rel);
    doc.files.push_back({rel.generic_string(), "manifest", 0, sha256_hex(text), static_cast<long long>(text.size())});
  }
  {
    Catalog::Write tx(catalog);
    result.document_id = catalog.add_document(doc);
    PageIndex index(catalog.db());
    const PageMeta meta{student->id, student->name, doc.doc_type, doc.title};
    for (const Catalog::PageRow& row : catalog.page_rows(result.document_id))
      index.add_page(row.id, meta, row.text);
    tx.commit();
  }
  rollback.release();
  if (progress) progress({"commit", 1, 1});
  return result;
}

}  // namespace xueji
