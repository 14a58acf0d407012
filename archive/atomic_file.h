#pragma once
// Crash-safe file placement: content is written under a temporary name in the destination
// folder, flushed to disk, then renamed to the final name, so a crash never leaves a
// half-written file under a final name. Archive files are never renamed over an existing file
// (an archive number names one thing only): the rename fails when the final name exists,
// unless the caller asks to replace (the capture journal's own bookkeeping).
// Files placed get mode 0640: student records are not for every user of the machine.
#include <filesystem>
#include <string>
#include <string_view>

namespace xueji {

// A temporary path beside `final_path` (same folder, so rename is atomic).
std::filesystem::path temp_path_for(const std::filesystem::path& final_path);

enum class Replace { Never, Allowed };

// fsync the file, rename it to `final_path`, fsync the folder. Throws Error(Io), and
// Error(InvalidArgument) when `final_path` exists and `replace` is Never (the temp stays).
void commit_file(const std::filesystem::path& temp, const std::filesystem::path& final_path,
                 Replace replace = Replace::Never);

// Writes `data` atomically to `final_path`.
void write_file_atomic(const std::filesystem::path& final_path, std::string_view data,
                       Replace replace = Replace::Never);

// The whole content of a file; throws Error(Io) when it can't be read.
std::string read_file_bytes(const std::filesystem::path& file);

// Creates `dir` and its missing parents with mode 0750.
void create_folders(const std::filesystem::path& dir);

}  // namespace xueji
