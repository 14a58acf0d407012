#include "archive/fixity.h"

#include <regex>
#include <set>

#include "models/audit.h"
#include "models/sha256.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

bool is_database_file(const std::string& name) { return name.rfind(Catalog::kDatabaseName, 0) == 0; }

bool is_temp_file(const std::string& name) {
  return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

// Names Xueji gives to archive outputs: <学籍号>-<CODE>-<4 digits>[-<4 digits>].<ext>
bool looks_like_output(const std::string& name) {
  static const std::regex re(R"(^[GJL][0-9X]{18}-[A-Z0-9]{1,8}-[0-9]{4}(-[0-9]{4})?\.(pdf|jpg|png|tif)$)");
  return std::regex_match(name, re);
}

std::vector<std::string> files_on_disk(const fs::path& root, const std::vector<fs::path>& under) {
  std::vector<std::string> out;
  for (const fs::path& start : under) {
    std::error_code ec;
    if (!fs::exists(root / start, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root / start, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file()) continue;
      const std::string rel = fs::relative(it->path(), root).generic_string();
      if (start.empty() && is_database_file(rel)) continue;
      // The capture journal holds scans not yet (or never) made into documents; each page
      // carries its own SHA-256 in its .json.
      if (rel.rfind(".journal/", 0) == 0) continue;
      out.push_back(rel);
    }
  }
  return out;
}

}  // namespace

std::vector<Finding> verify_archive(Catalog& catalog, const std::optional<std::string>& student_id) {
  std::vector<Finding> findings;
  std::vector<FileRecord> files;
  std::vector<fs::path> folders;
  if (student_id) {
    for (const DocumentRecord& d : catalog.documents(*student_id, true))
      for (const FileRecord& f : d.files) {
        files.push_back(f);
        folders.push_back(fs::path(f.path).parent_path());
      }
    std::sort(folders.begin(), folders.end());
    folders.erase(std::unique(folders.begin(), folders.end()), folders.end());
  } else {
    files = catalog.all_files();
    folders = {fs::path()};
  }
  std::set<std::string> known;
  for (const FileRecord& f : catalog.all_files()) known.insert(f.path);
  for (const FileRecord& f : files) {
    const fs::path abs = catalog.root() / f.path;
    std::error_code ec;
    if (!fs::is_regular_file(abs, ec)) {
      findings.push_back({"missing", f.path, "recorded " + f.sha256.substr(0, 16) + "…"});
      continue;
    }
    const std::string hash = sha256_file(abs);
    if (hash != f.sha256)
      findings.push_back({"changed", f.path, "SHA-256 " + hash.substr(0, 16) + "…, recorded " + f.sha256.substr(0, 16) + "…"});
  }
  for (const std::string& rel : files_on_disk(catalog.root(), folders))
    if (!known.count(rel)) findings.push_back({"unexpected", rel, "not in the catalog"});
  for (const std::string& a : verify_audit_chain(catalog.db())) findings.push_back({"audit", "", a});
  return findings;
}

RecoverReport recover_archive(Catalog& catalog) {
  RecoverReport r;
  std::set<std::string> known;
  for (const FileRecord& f : catalog.all_files()) known.insert(f.path);
  for (const std::string& rel : files_on_disk(catalog.root(), {fs::path()})) {
    if (known.count(rel)) continue;
    const std::string name = fs::path(rel).filename().string();
    if (is_temp_file(name) || looks_like_output(name)) {
      std::error_code ec;
      fs::remove(catalog.root() / rel, ec);
      if (!ec) r.removed.push_back(rel);
    } else {
      r.left.push_back(rel);
    }
  }
  // Folders left empty by the removals (never the archive root).
  for (bool again = true; again;) {
    again = false;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(catalog.root(), ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_directory() && fs::is_empty(it->path())) {
        fs::remove(it->path(), ec);
        again = true;
        break;
      }
    }
  }
  if (!r.removed.empty()) {
    sql::Transaction tx(catalog.db());
    catalog.audit("recover", "archive", "", std::to_string(r.removed.size()) + " leftover files removed");
    tx.commit();
  }
  return r;
}

}  // namespace xueji
