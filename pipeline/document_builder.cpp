#include "pipeline/document_builder.h"

#include <opencv2/imgcodecs.hpp>

#include "archive/archive_layout.h"
#include "archive/atomic_file.h"
#include "archive/document_manifest.h"
#include "indexer/page_index.h"
#include "models/error.h"
#include "models/reservation.h"
#include "models/sha256.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

// Removes what an unfinished document created: files already placed and new folders.
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

// The master as stored: JPEG (DA/T 31-2017 allows TIFF, JPEG or JPEG 2000 masters).
std::vector<uchar> encode_master(const cv::Mat& master, int quality) {
  std::vector<uchar> buf;
  if (!cv::imencode(".jpg", master, buf, {cv::IMWRITE_JPEG_QUALITY, quality}))
    throw Error(ErrorCode::Io, "cannot encode the master image");
  return buf;
}

}  // namespace

// Declared in this order so that the writer (its temporary file) goes first, then the placed
// files, then the reservation.
struct DocumentBuilder::State {
  Catalog& catalog;
  DocumentTarget target;
  int jpeg_quality;
  DocumentReservation reservation;
  DocumentPaths paths;
  Rollback rollback;
  std::vector<FileRecord> files;
  std::optional<PdfWriter> writer;
  bool committed = false;

  State(Catalog& c, const DocumentTarget& t, int q)
      : catalog(c), target(t), jpeg_quality(q), reservation(c, t.student.id, t.type.code),
        paths(document_paths(t.student, t.type, reservation.sequence())) {}
};

DocumentBuilder::DocumentBuilder(Catalog& catalog, const DocumentTarget& target, PdfParams pdf, int quality)
    : s_(std::make_unique<State>(catalog, target, quality)) {
  result_.pdf_path = s_->paths.pdf;
  const fs::path pdf_abs = catalog.root() / result_.pdf_path;
  make_folders(pdf_abs.parent_path(), s_->rollback);
  const Student& st = target.student;
  if (pdf.meta.title.empty()) pdf.meta.title = target.type.name + " " + st.name + " " + st.id;
  pdf.meta.student_id = st.id;
  pdf.meta.student_name = st.name;
  pdf.meta.class_name = st.grade + " " + st.class_name;
  pdf.meta.doc_type = target.type.name;
  s_->writer.emplace(pdf);
  s_->writer->begin(pdf_abs);
}

DocumentBuilder::~DocumentBuilder() = default;

void DocumentBuilder::add_page(const PageWork& work, const std::string& source_sha256) {
  State& s = *s_;
  s.writer->add_page(archive_image(work), work.ocr);
  PageRecord rec;
  rec.number = pages() + 1;
  {  // the master, written (atomically) as soon as the page is done
    const std::vector<uchar> jpeg = encode_master(work.cleaned.master, s.jpeg_quality);
    const fs::path rel = s.paths.master(rec.number, ".jpg");
    const std::string_view bytes(reinterpret_cast<const char*>(jpeg.data()), jpeg.size());
    write_file_atomic(s.catalog.root() / rel, bytes);
    s.rollback.placed_file(s.catalog.root() / rel);
    s.files.push_back({rel.generic_string(), "master", rec.number, sha256_hex(bytes), static_cast<long long>(jpeg.size())});
  }
  rec.source = work.input.source;
  rec.source_sha256 = source_sha256;
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
  result_.pages.push_back(std::move(rec));
}

BuiltDocument DocumentBuilder::commit() {
  State& s = *s_;
  if (s.committed) throw Error(ErrorCode::InvalidArgument, "the document was committed already");
  if (result_.pages.empty()) throw Error(ErrorCode::InvalidArgument, "a document needs at least one page");
  const fs::path pdf_abs = s.catalog.root() / result_.pdf_path;
  s.writer->end();  // complete file renamed into place
  s.rollback.placed_file(pdf_abs);
  s.files.insert(s.files.begin(), FileRecord{result_.pdf_path.generic_string(), "pdf", 0, sha256_file(pdf_abs),
                                             static_cast<long long>(fs::file_size(pdf_abs))});
  const Student& st = s.target.student;
  DocumentRecord doc;
  doc.id = s.reservation.document_id();
  doc.type_code = s.target.type.code;
  doc.created_at = utc_now_iso();
  doc.student_id = st.id;
  doc.doc_type = s.target.type.name;
  doc.title = s.target.type.name + " " + st.name;
  doc.pdf_path = result_.pdf_path.generic_string();
  doc.sequence = s.reservation.sequence();
  doc.declared_pages = s.target.declared_pages;
  doc.doc_date = s.target.doc_date;
  doc.pages = result_.pages;
  doc.files = s.files;
  {  // the manifest: what the catalog will hold, kept beside the PDF (catalog rebuild reads it)
    const fs::path rel = manifest_path_for(result_.pdf_path);
    const std::string text = manifest_json({st, doc});
    write_file_atomic(s.catalog.root() / rel, text);
    s.rollback.placed_file(s.catalog.root() / rel);
    doc.files.push_back({rel.generic_string(), "manifest", 0, sha256_hex(text), static_cast<long long>(text.size())});
  }
  {
    Catalog::Write tx(s.catalog);
    if (s.target.refuse_duplicate_sources)
      for (const PageRecord& page : result_.pages)
        if (const auto docs = s.catalog.documents_with_source(page.source_sha256); !docs.empty())
          throw Error(ErrorCode::InvalidArgument,
                      "page " + std::to_string(page.number) + "'s image was already imported (document " +
                          std::to_string(docs.front()) + "); to import it again anyway, use --allow-duplicate");
    result_.document_id = s.catalog.add_document(doc);
    PageIndex index(s.catalog);
    const PageMeta meta{st.id, st.name, doc.doc_type, doc.title};
    for (const Catalog::PageRow& row : s.catalog.page_rows(result_.document_id)) index.add_page(row.id, meta, row.text);
    tx.commit();
  }
  s.rollback.release();
  s.committed = true;
  return result_;
}

}  // namespace xueji
