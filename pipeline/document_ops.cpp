#include "pipeline/document_ops.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <filesystem>

#include "archive/archive_layout.h"
#include "archive/atomic_file.h"
#include "archive/document_manifest.h"
#include "archive/pdf_metadata_edit.h"
#include "indexer/page_index.h"
#include "models/archive_lock.h"
#include "models/error.h"
#include "models/sha256.h"
#include "models/student_id.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

// New names made for an operation, removed again unless the catalog commit went through.
class Created {
 public:
  void add(fs::path p) { paths_.push_back(std::move(p)); }
  void keep() { keep_ = true; }
  ~Created() {
    if (keep_) return;
    std::error_code ec;
    for (const fs::path& p : paths_) fs::remove(p, ec);
  }

 private:
  std::vector<fs::path> paths_;
  bool keep_ = false;
};

// Links (or copies) `from` to the new name `to` (never over an existing file).
void link_file(const fs::path& root, const std::string& from, const std::string& to, Created& created) {
  if (!is_inside_archive(to)) throw Error(ErrorCode::InvalidArgument, "unsafe path " + to);
  create_folders((root / to).parent_path());
  std::error_code ec;
  if (fs::exists(root / to, ec)) throw Error(ErrorCode::InvalidArgument, "refusing to replace the existing file " + to);
  fs::create_hard_link(root / from, root / to, ec);
  if (ec) {
    const fs::path tmp = temp_path_for(root / to);
    fs::copy_file(root / from, tmp);
    commit_file(tmp, root / to);
  }
  created.add(root / to);
}

void remove_names(const fs::path& root, const std::vector<std::string>& names) {
  std::error_code ec;
  for (const std::string& rel : names) {
    fs::remove(root / rel, ec);
    for (fs::path dir = (root / rel).parent_path(); dir != root && fs::is_empty(dir, ec); dir = dir.parent_path())
      fs::remove(dir, ec);
  }
}

void check_live(const std::optional<DocumentRecord>& doc, long long id) {
  if (!doc) throw Error(ErrorCode::NotFound, "no document " + std::to_string(id));
  if (!doc->deleted_at.empty()) throw Error(ErrorCode::InvalidArgument, "document " + std::to_string(id) + " is in the trash");
}

PdfMetadata record_fields(const Student& s, const DocumentRecord& d) {
  PdfMetadata m;
  m.title = d.doc_type + " " + s.name + " " + s.id;
  m.student_id = s.id;
  m.student_name = s.name;
  m.class_name = s.grade + " " + s.class_name;
  m.doc_type = d.doc_type;
  m.page_count = static_cast<int>(d.pages.size());
  return m;
}

FileRecord file_record(const fs::path& root, const std::string& rel, const std::string& kind, int page) {
  return {rel, kind, page, sha256_file(root / rel), static_cast<long long>(fs::file_size(root / rel))};
}

}  // namespace

std::filesystem::path purge_record_path(const std::filesystem::path& root) { return state_dir(root) / "purged.log"; }

void append_purge_record(const std::filesystem::path& root, const std::string& lines) {
  std::FILE* f = std::fopen(purge_record_path(root).c_str(), "a");
  if (!f) throw Error(ErrorCode::Io, "cannot write " + purge_record_path(root).string());
  const bool ok = std::fwrite(lines.data(), 1, lines.size(), f) == lines.size() && std::fflush(f) == 0 &&
                  ::fsync(::fileno(f)) == 0;
  std::fclose(f);
  if (!ok) throw Error(ErrorCode::Io, "cannot write " + purge_record_path(root).string());
}

DocumentRecord move_document(Catalog& catalog, long long id, const std::string& to_student) {
  Catalog::Write tx(catalog);  // the whole move under the archive lock
  const auto doc = catalog.document(id);
  check_live(doc, id);
  const StudentIdCheck sid = check_student_id(to_student);
  const auto student = sid.valid ? catalog.find_student(sid.normalized) : std::nullopt;
  if (!student) throw Error(ErrorCode::NotFound, "unknown student number " + to_student);
  if (student->id == doc->student_id) throw Error(ErrorCode::InvalidArgument, "the document already belongs to " + student->id);
  const auto type = catalog.find_doc_type(doc->doc_type);
  if (!type) throw Error(ErrorCode::InvalidArgument, "unknown document type " + doc->doc_type);
  const int seq = catalog.allocate_sequence(student->id, type->code);
  const DocumentPaths paths = document_paths(*student, *type, seq);
  const fs::path& root = catalog.root();

  Created created;
  std::vector<FileRecord> files;
  std::vector<std::string> old_names;
  DocumentRecord moved = *doc;
  moved.student_id = student->id;
  moved.sequence = seq;
  moved.type_code = type->code;
  moved.pdf_path = paths.pdf.generic_string();
  moved.title = doc->doc_type + " " + student->name;
  for (const FileRecord& f : doc->files) {
    old_names.push_back(f.path);
    if (f.kind == "master") {
      const std::string to = paths.master(f.page, fs::path(f.path).extension().string()).generic_string();
      link_file(root, f.path, to, created);
      files.push_back({to, f.kind, f.page, f.sha256, f.size});
    } else if (f.kind == "pdf") {
      // A new PDF: the same pages, the new student's Title and XMP.
      create_folders((root / paths.pdf).parent_path());
      write_pdf_with_record_fields(root / f.path, root / paths.pdf, record_fields(*student, moved));
      created.add(root / paths.pdf);
      files.insert(files.begin(), file_record(root, moved.pdf_path, "pdf", 0));
    }  // the manifest is written anew below
  }
  moved.files = files;
  const fs::path manifest = manifest_path_for(paths.pdf);
  int revision = 2;
  for (const FileRecord& f : doc->files)
    if (f.kind == "manifest") try {
        revision = parse_manifest(read_file_bytes(root / f.path), f.path).revision + 1;
      } catch (const Error&) {
      }
  const std::string text = manifest_json({*student, moved, revision});
  write_file_atomic(root / manifest, text);
  created.add(root / manifest);
  files.push_back({manifest.generic_string(), "manifest", 0, sha256_hex(text), static_cast<long long>(text.size())});

  catalog.relocate_document(id, student->id, seq, moved.title, moved.pdf_path, files);
  PageIndex index(catalog);
  for (const Catalog::PageRow& row : catalog.page_rows(id)) {
    index.remove_page(row.id);
    index.add_page(row.id, {student->id, student->name, doc->doc_type, moved.title}, row.text);
  }
  catalog.audit("move", "document " + std::to_string(id), doc->student_id,
                "to " + student->id + " (" + doc->pdf_path + " -> " + moved.pdf_path + "; Title and XMP rewritten)");
  catalog.audit("move", "document " + std::to_string(id), student->id, "from " + doc->student_id);
  tx.commit();
  created.keep();
  remove_names(root, old_names);  // a crash before this leaves extra names: recover quarantines them
  return *catalog.document(id);
}

void delete_document(Catalog& catalog, long long id) {
  Catalog::Write tx(catalog);
  const auto doc = catalog.document(id);
  check_live(doc, id);
  Created created;
  std::vector<std::pair<std::string, std::string>> moves;
  std::vector<std::string> old_names;
  for (const FileRecord& f : doc->files) {
    const std::string to = trash_path(id, f.path).generic_string();
    link_file(catalog.root(), f.path, to, created);
    moves.emplace_back(f.path, to);
    old_names.push_back(f.path);
  }
  catalog.mark_deleted(id, moves);
  PageIndex index(catalog);
  for (const Catalog::PageRow& row : catalog.page_rows(id)) index.remove_page(row.id);
  catalog.audit("delete", "document " + std::to_string(id), doc->student_id, doc->doc_type + " " + doc->pdf_path + " -> trash");
  tx.commit();
  created.keep();
  remove_names(catalog.root(), old_names);
}

int purge_trash(Catalog& catalog) {
  int n = 0;
  Catalog::Write tx(catalog);  // one purge at a time, and no recover while it runs
  std::vector<std::string> names;
  std::string tombstones;
  std::vector<DocumentRecord> purged;
  for (const DocumentRecord& d : catalog.documents({}, true))
    if (!d.deleted_at.empty()) purged.push_back(d);
  // The numbers of purged documents, kept outside the database before the rows go: a catalog
  // rebuild must never give them again.
  for (const DocumentRecord& d : purged)
    tombstones += "document " + std::to_string(d.id) + " " + d.student_id + " " + d.type_code + " " +
                  std::to_string(d.sequence) + " purged " + utc_now_iso() + "\n";
  if (!tombstones.empty()) append_purge_record(catalog.root(), tombstones);
  for (const DocumentRecord& d : purged) {
    catalog.erase_document(d.id);
    catalog.audit("purge", "document " + std::to_string(d.id), d.student_id,
                  d.doc_type + ", " + std::to_string(d.files.size()) + " files");
    for (const FileRecord& f : d.files) names.push_back(f.path);
    ++n;
  }
  tx.commit();
  remove_names(catalog.root(), names);
  return n;
}

}  // namespace xueji
