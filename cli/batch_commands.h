#pragma once
// `xueji batch import|scan|resume|report`: a whole grade's stack, split per student.
#include <optional>
#include <string>
#include <vector>

#include "ocr/ocr_engine.h"

namespace CLI {
class App;
}

namespace xueji::cli {

struct BatchArgs {
  std::string archive, op;
  std::string dir, device, source = "adf", mode = "color", grade, class_name, split = "sheets", job, progress = "text";
  int dpi = 300, workers = 2, max_pages = 0;
  bool keep_blank = false, json = false;
  std::vector<std::string> set;  // OPTION=VALUE
  OcrParams ocr;
};

struct BatchCommands {
  CLI::App* batch = nullptr;
  CLI::App* import = nullptr;
  CLI::App* scan = nullptr;
  CLI::App* resume = nullptr;
  CLI::App* report = nullptr;
};

// Adds `batch` and its subcommands to `app`, filling `args`.
BatchCommands add_batch_commands(CLI::App& app, BatchArgs& args);

// Runs whichever batch subcommand was given. Exit 130 when paused by Ctrl-C.
int cmd_batch(const BatchCommands& commands, const BatchArgs& args, bool show_ids);

}  // namespace xueji::cli
