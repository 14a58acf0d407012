#include "models/error.h"
#include "models/progress.h"

namespace xueji {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::BadImage: return "bad image";
    case ErrorCode::BadEncoding: return "bad encoding";
    case ErrorCode::BadFormat: return "bad format";
    case ErrorCode::Database: return "database error";
    case ErrorCode::Io: return "I/O error";
    case ErrorCode::Ocr: return "OCR error";
    case ErrorCode::Pdf: return "PDF error";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Busy: return "busy";
    case ErrorCode::ReadOnly: return "read-only";
    case ErrorCode::Integrity: return "integrity";
  }
  return "error";
}

const char* to_string(ProgressKind kind) {
  switch (kind) {
    case ProgressKind::FileLoaded: return "file-loaded";
    case ProgressKind::PageScanned: return "page-scanned";
    case ProgressKind::PageDone: return "page-done";
    case ProgressKind::DocumentCommitted: return "committed";
  }
  return "progress";
}

}  // namespace xueji
