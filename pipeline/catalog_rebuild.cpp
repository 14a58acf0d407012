#include "pipeline/catalog_rebuild.h"

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "archive/archive_layout.h"
#include "archive/atomic_file.h"
#include "archive/document_manifest.h"
#include "archive/pdf_metadata_edit.h"
#include "indexer/page_index.h"
#include "models/archive_lock.h"
#include "models/audit.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/sha256.h"
#include "pipeline/document_ops.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

bool is_manifest_name(const std::string& name) {
  static const std::regex re(R"(^[GJL][0-9X]{18}-[A-Z0-9]{1,8}-[0-9]{4}\.json$)");
  return std::regex_match(name, re);
}

struct Found {
  fs::path rel;  // the manifest, relative to the root
  bool trash = false, quarantine = false;
};

std::vector<Found> find_manifests(const fs::path& root) {
  std::vector<Found> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string rel = fs::relative(it->path(), root).generic_string();
    if (it->is_directory() && (rel == ".xueji" || rel == ".journal")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || !is_manifest_name(it->path().filename().string())) continue;
    out.push_back({rel, rel.rfind(".trash/", 0) == 0, rel.rfind(".quarantine/", 0) == 0});
  }
  return out;
}

}  // namespace

RebuildReport rebuild_catalog(const fs::path& root_in, const std::string& op, bool replace) {
  RebuildReport r;
  const fs::path root = fs::absolute(root_in);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw Error(ErrorCode::NotFound, "archive folder does not exist: " + root.string());
  const fs::path db = root / Catalog::kDatabaseName;
  if (fs::exists(db, ec) && !replace)
    throw Error(ErrorCode::InvalidArgument, root.string() + " still has its catalog; `xueji catalog rebuild --replace` "
                                            "sets it aside (it is never deleted) and rebuilds");
  // The archive lock from here to the commit; and no import may be running (its commit would
  // go into the old database).
  auto lock = std::make_unique<FileLock>(state_dir(root) / "lock", archive_lock_wait(), "the archive " + root.string());
  for (const auto& e : fs::directory_iterator(state_dir(root) / "reservations", ec))
    if (FileLock::held_elsewhere(e.path()))
      throw Error(ErrorCode::Busy, "an import is still running (" + e.path().filename().string() +
                                       "); rebuild the catalog when it has finished");
  if (fs::exists(db, ec)) {
    const std::string aside = std::string(Catalog::kDatabaseName) + ".replaced-" + utc_now_file_stamp();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path from = root / (std::string(Catalog::kDatabaseName) + suffix);
      if (fs::exists(from, ec)) fs::rename(from, root / (aside + suffix));
    }
    r.set_aside = aside;
  }
  const std::optional<AuditHead> old_head = read_audit_head_file(root);
  if (old_head)
    r.previous_head = "entry " + std::to_string(old_head->entries) + " hash " + old_head->hash + " (" + old_head->time + ")";

  Catalog::create(root, true);
  Catalog c(root, op);
  Catalog::Write tx(c, std::move(lock));
  std::vector<Found> manifests = find_manifests(root);
  std::vector<std::pair<DocumentManifest, Found>> docs;
  for (const Found& f : manifests) {
    try {
      DocumentManifest m = parse_manifest(read_file_bytes(root / f.rel), f.rel.generic_string());
      docs.emplace_back(std::move(m), f);
    } catch (const Error& e) {
      r.problems.push_back(e.what());
    }
  }
  // One manifest per document: the highest revision (a move's new copy), and of equal ones the
  // copy in the trash (a delete links the same manifest there before its commit).
  std::sort(docs.begin(), docs.end(), [](const auto& a, const auto& b) {
    if (a.first.document.id != b.first.document.id) return a.first.document.id < b.first.document.id;
    if (a.first.revision != b.first.revision) return a.first.revision > b.first.revision;
    return a.second.trash > b.second.trash;
  });
  std::map<std::string, bool> students;
  for (auto& [m, where] : docs) {
    DocumentRecord& d = m.document;
    c.note_used_numbers(d.id, d.student_id, d.type_code, d.sequence);
    if (where.quarantine) continue;  // its numbers stay taken; the files stay where they are
    const fs::path folder = where.rel.parent_path();
    const std::string what = "document " + std::to_string(d.id) + " (" + where.rel.generic_string() + ")";
    if (c.document(d.id)) continue;  // an older copy of a document already rebuilt
    // Files where they are now (a trashed document's files all sit in .trash/<id>/).
    bool complete = true;
    for (FileRecord& f : d.files) {
      f.path = (folder / fs::path(f.path).filename()).generic_string();
      if (!fs::is_regular_file(root / f.path, ec)) {
        r.problems.push_back(what + ": " + f.path + " is missing");
        complete = complete && f.kind != "pdf";
      }
    }
    const auto pdf = std::find_if(d.files.begin(), d.files.end(), [](const FileRecord& f) { return f.kind == "pdf"; });
    if (pdf == d.files.end() || !complete) {
      r.problems.push_back(what + ": no PDF, left out");
      continue;
    }
    try {  // the PDF's own record fields must agree with the manifest
      const PdfRecordFields x = read_pdf_record_fields(root / pdf->path);
      if (x.meta.student_id != d.student_id || x.meta.doc_type != d.doc_type ||
          x.meta.page_count != static_cast<int>(d.pages.size())) {
        r.problems.push_back(what + ": the PDF's XMP (" + x.meta.student_id + ", " + x.meta.doc_type + ", " +
                             std::to_string(x.meta.page_count) + " pages) disagrees with the manifest, left out");
        continue;
      }
    } catch (const Error& e) {
      r.problems.push_back(what + ": " + e.what() + ", left out");
      continue;
    }
    d.pdf_path = pdf->path;
    const std::string mtext = read_file_bytes(root / where.rel);
    d.files.push_back({where.rel.generic_string(), "manifest", 0, sha256_hex(mtext), static_cast<long long>(mtext.size())});
    try {
      Catalog::Savepoint part(c);
      if (!c.find_doc_type(d.doc_type)) c.set_doc_type({d.doc_type, d.type_code, false});
      c.upsert_student(m.student);
      c.add_document(d, "rebuild");
      if (where.trash) c.mark_deleted(d.id, {{d.pdf_path, d.pdf_path}});
      part.release();
    } catch (const Error& e) {
      r.problems.push_back(what + ": " + e.what() + ", left out");
      continue;
    }
    students[m.student.id] = true;
    r.deleted += where.trash;
    ++r.documents;
    r.pages += static_cast<int>(d.pages.size());
  }
  // Numbers of purged documents stay taken.
  std::ifstream purged(purge_record_path(root));
  for (std::string line; std::getline(purged, line);) {
    std::istringstream in(line);
    std::string word, sid, code;
    long long id = 0;
    int seq = 0;
    if (in >> word >> id >> sid >> code >> seq && word == "document") c.note_used_numbers(id, sid, code, seq);
  }
  PageIndex index(c);
  index.rebuild();
  r.students = static_cast<int>(students.size());
  c.audit("catalog-rebuild", "archive", "",
          std::to_string(r.students) + " students, " + std::to_string(r.documents) + " documents (" +
              std::to_string(r.deleted) + " in the trash), " + std::to_string(r.pages) + " pages from the manifests; " +
              std::to_string(r.problems.size()) + " problems; the previous audit trail's head: " +
              (r.previous_head.empty() ? "unknown (no head file)" : r.previous_head));
  tx.commit();
  write_audit_head_file(root, c.audit_head(), true);
  return r;
}

}  // namespace xueji
