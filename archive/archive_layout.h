#pragma once
// Where files live inside an archive folder. Paths are built only from validated parts
// (the checked 学籍号, a document-type code from the fixed table, a sequence number), never
// from raw user text: <学籍号>/<学籍号>-<类型代码>-<序号4位>.pdf
#include <filesystem>
#include <string>

#include "models/document.h"

namespace xueji {

// Relative to the archive root. `student_id` must already be validated.
std::filesystem::path document_pdf_path(const std::string& student_id, const DocType& type,
                                        int sequence);

}  // namespace xueji
