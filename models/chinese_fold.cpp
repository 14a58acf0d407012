#include "models/chinese_fold.h"

#include <opencc.h>

#include <cstring>

#include "models/error.h"

namespace xueji {

struct ChineseFolder::Impl {
  opencc_t handle = reinterpret_cast<opencc_t>(-1);
  ~Impl() {
    if (handle != reinterpret_cast<opencc_t>(-1)) opencc_close(handle);
  }
};

ChineseFolder::ChineseFolder(const std::string& config) : impl_(std::make_unique<Impl>()) {
  impl_->handle = opencc_open(config.c_str());
  if (impl_->handle == reinterpret_cast<opencc_t>(-1))
    throw Error(ErrorCode::NotFound, "cannot load the OpenCC configuration " + config + " (" + opencc_error() +
                                         "; install the Debian package libopencc1.1 and libopencc-data)");
}

ChineseFolder::~ChineseFolder() = default;

std::string ChineseFolder::fold(std::string_view utf8) const {
  if (utf8.empty()) return {};
  char* out = opencc_convert_utf8(impl_->handle, utf8.data(), utf8.size());
  if (!out) throw Error(ErrorCode::BadEncoding, std::string("OpenCC could not convert text: ") + opencc_error());
  std::string result(out);
  opencc_convert_utf8_free(out);
  return result;
}

}  // namespace xueji
