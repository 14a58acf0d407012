#include "cli/help.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "models/error.h"

namespace xueji::cli {

std::string version_text() { return std::string("xueji ") + XUEJI_VERSION; }

CLI::App* add_help_command(CLI::App& app, std::vector<std::string>& words) {
  app.name("xueji");
  app.set_version_flag("--version", version_text(), "print the version and exit");
  app.footer(exit_table_text() + "\nMore: xueji help COMMAND, or xueji COMMAND --help.");
  auto* help = app.add_subcommand("help", "print the help of xueji or of a command, e.g. `xueji help roster import`");
  help->add_option("COMMAND", words, "command (and subcommand)");
  return help;
}

int cmd_help(CLI::App& app, const std::vector<std::string>& words) {
  CLI::App* cur = &app;
  std::string path = app.get_name();
  for (const std::string& w : words) {
    CLI::App* next = nullptr;
    for (CLI::App* sub : cur->get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == w) next = sub;
    if (!next) throw Error(ErrorCode::InvalidArgument, "no such command: " + path + " " + w + " (see: xueji help)");
    cur = next;
    path += " " + w;
  }
  // The formatter directly: App::help() would describe the command selected on this command
  // line, which is `help` itself.
  std::cout << cur->get_formatter()->make_help(cur, path, CLI::AppFormatMode::Normal);
  return code(Exit::Ok);
}

}  // namespace xueji::cli
