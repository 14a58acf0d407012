#include "archive/archive_layout.h"

#include <cstdio>

#include "models/error.h"
#include "models/student_id.h"

namespace xueji {

std::filesystem::path document_pdf_path(const std::string& student_id, const DocType& type,
                                        int sequence) {
  if (!check_student_id(student_id).valid || student_id != check_student_id(student_id).normalized)
    throw Error(ErrorCode::InvalidArgument, "not a valid student number: " + student_id);
  if (sequence < 1 || sequence > 9999)
    throw Error(ErrorCode::InvalidArgument, "document sequence out of range");
  char seq[8];
  std::snprintf(seq, sizeof seq, "%04d", sequence);
  return std::filesystem::path(student_id) /
         (student_id + "-" + std::string(type.code) + "-" + seq + ".pdf");
}

}  // namespace xueji
