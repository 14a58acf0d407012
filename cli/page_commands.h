#pragma once
// `xueji analyze` and `xueji clean`: page cleanup without an archive.
#include <string>

#include "ocr/ocr_engine.h"
#include <vector>

namespace xueji::cli {

int cmd_analyze(const std::vector<std::string>& images, bool json);
int cmd_clean(const std::string& image, const std::string& master, const std::string& ocr_image);
// Writes <stem>.txt and <stem>.json (boxes in input-image pixels) for every page, and
// <stem>.hocr or <stem>.alto.xml when `format` is hocr or alto.
int cmd_ocr(const std::vector<std::string>& images, const std::string& out_dir, const std::string& format,
            int workers, const OcrParams& ocr);

}  // namespace xueji::cli
