#pragma once
// Traditional -> Simplified folding with OpenCC (Debian libopencc, its t2s configuration):
// the index keeps a folded form beside the recognized text, and queries are folded the same
// way, so that 學籍 finds 学籍 and the reverse. Character by character plus OpenCC's phrase
// table; the folded text of a string never changes its meaning, only its script.
#include <memory>
#include <string>
#include <string_view>

namespace xueji {

class ChineseFolder {
 public:
  // Throws Error(Config) naming the configuration and the Debian package when it is missing.
  explicit ChineseFolder(const std::string& config = "t2s.json");
  ~ChineseFolder();
  ChineseFolder(const ChineseFolder&) = delete;
  ChineseFolder& operator=(const ChineseFolder&) = delete;

  std::string fold(std::string_view utf8) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xueji
