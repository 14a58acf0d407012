#include "pipeline/import_job.h"

#include <opencv2/imgcodecs.hpp>

#include "archive/archive_layout.h"
#include "archive/atomic_file.h"
#include "models/sha256.h"
#include "indexer/page_index.h"
#include "models/error.h"
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

// Creates `dir` and its missing parents, telling the rollback about each new one.
void make_folders(const fs::path& dir, Rollback& rollback) {
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && !fs::exists(p); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::error_code ec;
    fs::create_directory(*it, ec);
    if (ec) throw Error(ErrorCode::Io, "cannot create " + it->string() + ": " + ec.message());
    rollback.created_folder(*it);
  }
}

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

  const int sequence = catalog.next_document_sequence(id.normalized, type->code);
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
  doc.student_id = id.normalized;
  doc.doc_type = std::string(type->name);
  doc.title = std::string(type->name) + " " + student->name;
  doc.pdf_path = result.pdf_path.generic_string();
  doc.sequence = sequence;
  doc.declared_pages = request.declared_pages;
  doc.doc_date = request.doc_date;
  doc.pages = result.pages;
  doc.files = files;
  {
    sql::Transaction tx(catalog.db());
    result.document_id = catalog.add_document(doc);
    PageIndex index(catalog.db());
    const PageMeta meta{student->id, student->name, doc.doc_type, doc.title};
    sql::Stmt ids(catalog.db(), "SELECT id, number FROM pages WHERE document_id=? ORDER BY number");
    ids.bind(1, static_cast<int64_t>(result.document_id));
    while (ids.step()) {
      const size_t n = static_cast<size_t>(ids.integer(1));
      index.add_page(ids.integer(0), meta, result.pages[n - 1].text);
    }
    tx.commit();
  }
  rollback.release();
  if (progress) progress({"commit", 1, 1});
  return result;
}

}  // namespace xueji
