#include "archive/archive_layout.h"

#include <cstdio>

#include "models/error.h"
#include "models/student_id.h"
#include "models/utf8.h"

namespace fs = std::filesystem;

namespace xueji {

std::string safe_segment(const std::string& text) {
  std::u32string out;
  for (char32_t c : utf8_to_u32(text)) {
    const bool ok = (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= '0' && c <= '9') ||
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    if (ok) out.push_back(c);
    if (out.size() >= 32) break;
  }
  return out.empty() ? "_" : u32_to_utf8(out);
}

fs::path DocumentPaths::master(int page, const std::string& extension) const {
  char n[16];
  std::snprintf(n, sizeof n, "-%04d", page);
  return folder / (pdf.stem().string() + n + extension);
}

DocumentPaths document_paths(const Student& student, const DocType& type, int sequence) {
  const StudentIdCheck id = check_student_id(student.id);
  if (!id.valid || id.normalized != student.id)
    throw Error(ErrorCode::InvalidArgument, "not a valid student number: " + student.id);
  if (!is_valid_type_code(type.code))
    throw Error(ErrorCode::InvalidArgument, "not a valid document type code: " + type.code);
  if (sequence < 1 || sequence > 9999) throw Error(ErrorCode::InvalidArgument, "document sequence out of range");
  char seq[8];
  std::snprintf(seq, sizeof seq, "%04d", sequence);
  DocumentPaths p;
  p.folder = fs::path(safe_segment(student.grade)) / safe_segment(student.class_name) / student.id;
  p.pdf = p.folder / (student.id + "-" + type.code + "-" + seq + ".pdf");
  return p;
}

fs::path trash_path(long long document_id, const fs::path& file) {
  return fs::path(".trash") / std::to_string(document_id) / file.filename();
}

bool is_inside_archive(const fs::path& relative) {
  if (relative.empty() || relative.is_absolute()) return false;
  for (const auto& part : relative.lexically_normal())
    if (part == "..") return false;
  return true;
}

}  // namespace xueji
