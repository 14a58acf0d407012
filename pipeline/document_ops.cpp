#include "pipeline/document_ops.h"

#include <filesystem>

#include "archive/archive_layout.h"
#include "indexer/page_index.h"
#include "models/error.h"
#include "models/student_id.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

// Links (or copies) every file to its new name; returns the created names for cleanup.
std::vector<fs::path> link_all(const fs::path& root, const std::vector<std::pair<std::string, std::string>>& moves) {
  std::vector<fs::path> created;
  try {
    for (const auto& [from, to] : moves) {
      if (!is_inside_archive(to)) throw Error(ErrorCode::InvalidArgument, "unsafe path " + to);
      fs::create_directories((root / to).parent_path());
      std::error_code ec;
      fs::create_hard_link(root / from, root / to, ec);
      if (ec) fs::copy_file(root / from, root / to);
      created.push_back(root / to);
    }
  } catch (...) {
    std::error_code ec;
    for (const fs::path& p : created) fs::remove(p, ec);
    throw;
  }
  return created;
}

void remove_all_names(const fs::path& root, const std::vector<std::pair<std::string, std::string>>& moves) {
  std::error_code ec;
  for (const auto& [from, to] : moves) {
    fs::remove(root / from, ec);
    for (fs::path dir = (root / from).parent_path(); dir != root && fs::is_empty(dir, ec); dir = dir.parent_path())
      fs::remove(dir, ec);
  }
}

// Runs the catalog transaction; if it fails, the new names made for it are removed again.
template <class Fn>
void commit_or_unlink(Catalog& catalog, const std::vector<fs::path>& created, Fn&& change) {
  try {
    sql::Transaction tx(catalog.db());
    change();
    tx.commit();
  } catch (...) {
    std::error_code ec;
    for (const fs::path& p : created) fs::remove(p, ec);
    throw;
  }
}

void check_live(const std::optional<DocumentRecord>& doc, long long id) {
  if (!doc) throw Error(ErrorCode::NotFound, "no document " + std::to_string(id));
  if (!doc->deleted_at.empty()) throw Error(ErrorCode::InvalidArgument, "document " + std::to_string(id) + " is in the trash");
}

}  // namespace

DocumentRecord move_document(Catalog& catalog, long long id, const std::string& to_student) {
  const auto doc = catalog.document(id);
  check_live(doc, id);
  const StudentIdCheck sid = check_student_id(to_student);
  const auto student = sid.valid ? catalog.find_student(sid.normalized) : std::nullopt;
  if (!student) throw Error(ErrorCode::NotFound, "unknown student number " + to_student);
  if (student->id == doc->student_id) throw Error(ErrorCode::InvalidArgument, "the document already belongs to " + student->id);
  const auto type = catalog.find_doc_type(doc->doc_type);
  if (!type) throw Error(ErrorCode::InvalidArgument, "unknown document type " + doc->doc_type);
  const int seq = catalog.next_document_sequence(student->id, type->code);
  const DocumentPaths paths = document_paths(*student, *type, seq);
  std::vector<std::pair<std::string, std::string>> moves;
  for (const FileRecord& f : doc->files) {
    const fs::path to = f.kind == "pdf" ? paths.pdf : paths.master(f.page, fs::path(f.path).extension().string());
    moves.emplace_back(f.path, to.generic_string());
  }
  const std::vector<fs::path> created = link_all(catalog.root(), moves);
  commit_or_unlink(catalog, created, [&] {
    catalog.relocate_document(id, student->id, seq, paths.pdf.generic_string(), moves);
    PageIndex index(catalog.db());
    sql::Stmt pages(catalog.db(), "SELECT id, text FROM pages WHERE document_id=?");
    pages.bind(1, static_cast<int64_t>(id));
    while (pages.step()) {
      index.remove_page(pages.integer(0));
      index.add_page(pages.integer(0), {student->id, student->name, doc->doc_type, doc->doc_type + " " + student->name},
                     pages.text(1));
    }
    catalog.audit("move", "document " + std::to_string(id), doc->student_id,
                  "to " + student->id + " (" + doc->pdf_path + " -> " + paths.pdf.generic_string() + ")");
    catalog.audit("move", "document " + std::to_string(id), student->id, "from " + doc->student_id);
  });
  remove_all_names(catalog.root(), moves);
  return *catalog.document(id);
}

void delete_document(Catalog& catalog, long long id) {
  const auto doc = catalog.document(id);
  check_live(doc, id);
  std::vector<std::pair<std::string, std::string>> moves;
  for (const FileRecord& f : doc->files) moves.emplace_back(f.path, trash_path(id, f.path).generic_string());
  const std::vector<fs::path> created = link_all(catalog.root(), moves);
  commit_or_unlink(catalog, created, [&] {
    catalog.mark_deleted(id, moves);
    PageIndex index(catalog.db());
    sql::Stmt pages(catalog.db(), "SELECT id FROM pages WHERE document_id=?");
    pages.bind(1, static_cast<int64_t>(id));
    while (pages.step()) index.remove_page(pages.integer(0));
    catalog.audit("delete", "document " + std::to_string(id), doc->student_id, doc->doc_type + " " + doc->pdf_path + " -> trash");
  });
  remove_all_names(catalog.root(), moves);
}

int purge_trash(Catalog& catalog) {
  int n = 0;
  for (const DocumentRecord& d : catalog.documents({}, true)) {
    if (d.deleted_at.empty()) continue;
    {
      sql::Transaction tx(catalog.db());
      catalog.erase_document(d.id);
      catalog.audit("purge", "document " + std::to_string(d.id), d.student_id, d.doc_type + ", " +
                                                                             std::to_string(d.files.size()) + " files");
      tx.commit();
    }
    std::error_code ec;
    for (const FileRecord& f : d.files) fs::remove(catalog.root() / f.path, ec);
    fs::remove(catalog.root() / ".trash" / std::to_string(d.id), ec);
    ++n;
  }
  return n;
}

}  // namespace xueji
