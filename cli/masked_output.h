#pragma once
// Standard output with every 学籍号 and 身份证号 masked (models/id_mask.h), line by line: in
// place for the whole run of a command unless --show-ids was given.
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>

namespace xueji::cli {

class MaskedStdout {
 public:
  MaskedStdout();   // std::cout goes through the mask from now on
  ~MaskedStdout();  // the rest flushed; std::cout as before
  MaskedStdout(const MaskedStdout&) = delete;
  MaskedStdout& operator=(const MaskedStdout&) = delete;

 private:
  class Buf;
  std::unique_ptr<Buf> buf_;
  std::streambuf* old_ = nullptr;
};

}  // namespace xueji::cli
