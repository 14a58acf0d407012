#pragma once
// Where files live inside an archive folder (DA/T 31-2017 naming: the record's archive code
// plus a sequence number):
//   <年级>/<班级>/<学籍号>/<学籍号>-<类型代码>-<序号4位>.pdf            the searchable PDF/A
//   <年级>/<班级>/<学籍号>/<学籍号>-<类型代码>-<序号4位>-<页号4位>.jpg  the page masters
//   .trash/<document id>/...                                             deleted, until purged
// Paths are built only from validated parts: the checked 学籍号, a type code of upper-case
// letters and digits, numbers, and grade and class names reduced to safe folder names
// (CJK characters, ASCII letters and digits, '-' and '_'; at most 32 characters). Whatever a
// roster says, a path never leaves the archive folder.
#include <filesystem>
#include <string>

#include "models/document.h"
#include "models/student.h"

namespace xueji {

// A grade or class name as a folder name ("_" when nothing safe is left).
std::string safe_segment(const std::string& text);

struct DocumentPaths {
  std::filesystem::path folder;  // relative to the archive root
  std::filesystem::path pdf;
  std::filesystem::path master(int page, const std::string& extension) const;
};

DocumentPaths document_paths(const Student& student, const DocType& type, int sequence);

// Where a file of a deleted document is kept until purged.
std::filesystem::path trash_path(long long document_id, const std::filesystem::path& file);

// True if `relative` stays inside the archive (no absolute path, no "..").
bool is_inside_archive(const std::filesystem::path& relative);

}  // namespace xueji
