#pragma once
// Counts in CLI output: "1 page", "2 pages".
#include <string>

namespace xueji::cli {

inline std::string count(long long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
inline std::string pages(long long n) { return count(n, "page", "pages"); }

}  // namespace xueji::cli
