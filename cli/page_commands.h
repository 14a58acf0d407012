#pragma once
// `xueji analyze` and `xueji clean`: page cleanup without an archive.
#include <string>

#include "ocr/ocr_engine.h"
#include <vector>

namespace xueji::cli {

// Reports each file that cannot be analysed and goes on; the exit status is that of the first failure.
int cmd_analyze(const std::vector<std::string>& images, bool json);
// Outputs follow archive/output_file.h: existing files only with `force`, never special files.
int cmd_clean(const std::string& image, const std::string& master, const std::string& ocr_image, bool force);
// Writes <stem>.txt and <stem>.json (boxes in input-image pixels) for every page, and
// <stem>.hocr or <stem>.alto.xml when `format` is hocr or alto.
int cmd_ocr(const std::vector<std::string>& images, const std::string& out_dir, const std::string& format,
            int workers, const OcrParams& ocr);

}  // namespace xueji::cli
