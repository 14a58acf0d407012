#include "cli/masked_output.h"

#include "models/id_mask.h"

namespace xueji::cli {

class MaskedStdout::Buf : public std::streambuf {
 public:
  explicit Buf(std::streambuf* out) : out_(out) {}
  ~Buf() override { flush_line(); }

 protected:
  int_type overflow(int_type ch) override {
    if (ch == traits_type::eof()) return traits_type::not_eof(ch);
    line_.push_back(static_cast<char>(ch));
    if (ch == '\n') flush_line();
    return ch;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) overflow(traits_type::to_int_type(s[i]));
    return n;
  }
  int sync() override {
    flush_line();
    return out_->pubsync();
  }

 private:
  void flush_line() {
    if (line_.empty()) return;
    const std::string masked = mask_ids(line_);
    out_->sputn(masked.data(), static_cast<std::streamsize>(masked.size()));
    line_.clear();
  }
  std::streambuf* out_;
  std::string line_;
};

MaskedStdout::MaskedStdout() : buf_(std::make_unique<Buf>(std::cout.rdbuf())) { old_ = std::cout.rdbuf(buf_.get()); }

MaskedStdout::~MaskedStdout() {
  std::cout.flush();
  std::cout.rdbuf(old_);
  buf_.reset();
}

}  // namespace xueji::cli
