#pragma once
// SHA-256 (OpenSSL) for fixity values and the audit hash chain; lower-case hex.
#include <filesystem>
#include <string>
#include <string_view>

namespace xueji {

std::string sha256_hex(std::string_view data);
// HMAC-SHA-256 of `data` under `key` (raw bytes), lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Streams the file; throws Error(Io) if it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace xueji
