#pragma once
// The exit status of `xueji`, in one place: every command returns one of these, and every error
// (a typed xueji::Error, a command-line parse error, anything else) is printed as
// `xueji: error: …` and mapped to its status by `report_error`. `xueji help` prints the table.
#include <exception>
#include <string>
#include <vector>

#include "models/error.h"

namespace CLI {
class App;
}

namespace xueji::cli {

enum class Exit : int {
  Ok = 0,
  Failure = 1,       // the command failed: I/O, database, OCR or PDF error, anything unexpected
  Usage = 2,         // wrong options or arguments (also `help` for a command that does not exist)
  Findings = 3,      // a check ran and found problems (verify, check-pdf)
  ScannerFault = 4,  // the scanner stopped (jam, cover open, …); `scan --continue JOB` goes on
  NotFound = 5,      // no such archive, student, document or file
  BadInput = 6,      // an input file that cannot be used: corrupt image, unreadable roster, rejected rows
  Busy = 7,          // another xueji command holds the archive lock for longer than $XUEJI_LOCK_WAIT
  ReadOnly = 8,      // the archive is on read-only media or not writable by this user
  Cancelled = 130,   // interrupted (Ctrl-C)
};

int code(Exit e);
Exit exit_for(ErrorCode code);

struct ExitRow {
  Exit exit;
  const char* meaning;
};
const std::vector<ExitRow>& exit_table();
std::string exit_table_text();  // for `xueji help` and `xueji --help`

// Prints `xueji: error: <message>` on standard error and returns the exit status for the
// exception currently being handled. Call from inside a catch block.
int report_current_exception(const CLI::App& app);

}  // namespace xueji::cli
