#pragma once
// `xueji sheets`: the separator sheets of a grade (or a class) as a PDF to print.
//   one student sheet per student matching --grade/--class, ordered by grade and class
//   (numbers compared as numbers: 2班 before 10班), then by 学籍号;
//   --doctypes: then one sheet per document type of the archive, once (they are photocopied
//   and used again for every student);
//   --next-doc N: then N Patch-T sheets ("next document, same student").
#include <string>

namespace CLI {
class App;
}

namespace xueji::cli {

struct SheetsArgs {
  std::string archive, op;
  std::string grade, class_name;  // matched as `student list` matches them
  std::string out;
  bool doctypes = false;
  int next_doc = 0;
  bool force = false;  // replace an existing output file
};

// Adds the `sheets` command to `app`, its options stored in `args` (`--archive` there only when
// given after the command: the caller falls back on the global one).
CLI::App* add_sheets_command(CLI::App& app, SheetsArgs& args);

// Error(NotFound) when no student matches; the output follows archive/output_file.h.
int cmd_sheets(const SheetsArgs& args);

}  // namespace xueji::cli
