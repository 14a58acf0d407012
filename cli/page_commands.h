#pragma once
// `xueji analyze` and `xueji clean`: page cleanup without an archive.
#include <string>
#include <vector>

namespace xueji::cli {

int cmd_analyze(const std::vector<std::string>& images, bool json);
int cmd_clean(const std::string& image, const std::string& master, const std::string& ocr_image);

}  // namespace xueji::cli
