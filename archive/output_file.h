#pragma once
// Files the user names as outputs (`xueji pdf -o`, `xueji clean -o`, `--ocr-image`): one policy.
//  - a path that exists and is not a regular file (a device, FIFO, socket, folder, or a link to
//    one) is refused;
//  - an existing regular file is refused unless `force`, and then replaced atomically;
//  - the content is written to a temporary file beside the target and renamed onto it, so the
//    target is never half-written, and nothing is left behind on an error.
#include <filesystem>
#include <functional>
#include <string_view>

namespace xueji {

// Throws Error(InvalidArgument) when `target` may not be written under the policy above.
// Called before the work that makes the content, so a refusal costs nothing.
void check_output_path(const std::filesystem::path& target, bool force);

// Checks the target, lets `write` fill a temporary path beside it (same extension, so that
// format-from-name writers work) and renames it onto the target; without `force` the rename
// refuses a file that appeared meanwhile. Throws Error(InvalidArgument) or Error(Io).
void write_output_file(const std::filesystem::path& target, bool force,
                       const std::function<void(const std::filesystem::path& temp)>& write);
void write_output_file(const std::filesystem::path& target, bool force, std::string_view data);

}  // namespace xueji
