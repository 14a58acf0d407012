#pragma once
// Typed errors shared by every module. Library code throws xueji::Error (never aborts);
// the CLI and viewer turn them into messages and exit codes.
#include <stdexcept>
#include <string>

namespace xueji {

enum class ErrorCode {
  InvalidArgument,   // bad user input: a malformed ID, an unknown document type
  NotFound,          // a student, archive or file that does not exist
  BadImage,          // unreadable, truncated or oversized image
  BadEncoding,       // text in an encoding we cannot read
  BadFormat,         // a file whose structure is wrong (missing CSV column, ...)
  Database,          // SQLite reported an error
  Io,                // file system error (full disk, permissions)
  Ocr,               // Tesseract failed
  Pdf,               // the PDF writer failed
  Cancelled,         // the user cancelled
  Busy,              // another command holds the archive lock
  ReadOnly,          // the archive is on read-only media or not writable by this user
  Integrity,         // a file or the audit trail is not what the catalog recorded
};

const char* to_string(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace xueji
