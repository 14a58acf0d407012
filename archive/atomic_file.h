#pragma once
// Crash-safe file placement: content is written under a temporary name in the destination
// folder, flushed to disk, then renamed over the final name, so a crash never leaves a
// half-written file under a final name.
#include <filesystem>
#include <string_view>

namespace xueji {

// A temporary path beside `final_path` (same folder, so rename is atomic).
std::filesystem::path temp_path_for(const std::filesystem::path& final_path);

// fsync the file, rename it to `final_path`, fsync the folder. Throws Error(Io).
void commit_file(const std::filesystem::path& temp, const std::filesystem::path& final_path);

// Writes `data` atomically to `final_path`.
void write_file_atomic(const std::filesystem::path& final_path, std::string_view data);

}  // namespace xueji
