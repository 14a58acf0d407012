#include "cli/exit_codes.h"

#include <iostream>

#include <CLI/CLI.hpp>

namespace xueji::cli {

int code(Exit e) { return static_cast<int>(e); }

Exit exit_for(ErrorCode c) {
  switch (c) {
    case ErrorCode::InvalidArgument: return Exit::Usage;
    case ErrorCode::NotFound: return Exit::NotFound;
    case ErrorCode::BadImage:
    case ErrorCode::BadEncoding:
    case ErrorCode::BadFormat: return Exit::BadInput;
    case ErrorCode::Cancelled: return Exit::Cancelled;
    case ErrorCode::Busy: return Exit::Busy;
    case ErrorCode::ReadOnly: return Exit::ReadOnly;
    case ErrorCode::Integrity: return Exit::Findings;
    case ErrorCode::Database:
    case ErrorCode::Io:
    case ErrorCode::Ocr:
    case ErrorCode::Pdf: return Exit::Failure;
  }
  return Exit::Failure;
}

const std::vector<ExitRow>& exit_table() {
  static const std::vector<ExitRow> kTable = {
      {Exit::Ok, "success"},
      {Exit::Failure, "the command failed (I/O, database, OCR or PDF error); the archive is left as it was"},
      {Exit::Usage, "wrong options or arguments"},
      {Exit::Findings, "a check found problems (verify, check-pdf)"},
      {Exit::ScannerFault, "scanner fault; continue with: xueji scan --continue JOB"},
      {Exit::NotFound, "no such archive, student, document or file"},
      {Exit::BadInput, "unusable input: corrupt image, unreadable roster, rejected roster rows"},
      {Exit::Busy, "another xueji command is writing to the archive (waited $XUEJI_LOCK_WAIT seconds, default 600)"},
      {Exit::ReadOnly, "the archive is read-only here: it can be searched, listed and verified, not changed"},
      {Exit::Cancelled, "interrupted (Ctrl-C)"},
  };
  return kTable;
}

std::string exit_table_text() {
  std::string out = "Exit status:\n";
  for (const ExitRow& r : exit_table()) {
    std::string n = std::to_string(code(r.exit));
    out += "  " + n + std::string(5 - n.size(), ' ') + r.meaning + "\n";
  }
  return out;
}

int report_current_exception(const CLI::App& app) {
  try {
    throw;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return code(Exit::Ok);
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return code(Exit::Ok);
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return code(Exit::Ok);
  } catch (const CLI::ParseError& e) {
    std::cerr << "xueji: error: " << e.what() << "\n(see: xueji help [COMMAND])\n";
    return code(Exit::Usage);
  } catch (const Error& e) {
    std::cerr << "xueji: error: " << e.what() << "\n";
    return code(exit_for(e.code()));
  } catch (const std::exception& e) {
    std::cerr << "xueji: error: " << e.what() << "\n";
    return code(Exit::Failure);
  } catch (...) {
    std::cerr << "xueji: error: unknown failure\n";
    return code(Exit::Failure);
  }
}

}  // namespace xueji::cli
