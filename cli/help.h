#pragma once
// `xueji help [COMMAND [SUBCOMMAND]]` and `xueji --version`.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace xueji::cli {

// The version the build was configured with (CMake's project version).
std::string version_text();

// Adds `--version`, the exit-status table (as the help footer) and the `help` command to the
// top-level app. Returns the `help` command; its COMMAND words are stored in `words`.
CLI::App* add_help_command(CLI::App& app, std::vector<std::string>& words);

// Prints the help of the command named by `words` (the whole program's when empty); throws
// Error(InvalidArgument) for a command that does not exist.
int cmd_help(CLI::App& app, const std::vector<std::string>& words);

}  // namespace xueji::cli
