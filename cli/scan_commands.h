#pragma once
// `xueji devices` and `xueji scan`.
#include <optional>
#include <string>

#include "ocr/ocr_engine.h"
#include <vector>

namespace xueji::cli {

struct ScanArgs {
  std::string archive, op, device, source = "flatbed", mode = "color", student, doctype, job, resume;
  int dpi = 300, workers = 1;
  OcrParams ocr;
  std::vector<std::string> set;  // OPTION=VALUE
  std::optional<double> width_mm, height_mm;
  std::optional<int> max_pages;
  bool quiet = false, json = false, source_given = false, mode_given = false, dpi_given = false;
};

int cmd_devices(bool json);
int cmd_scan(const ScanArgs& args);  // exit 4 on a scanner fault

}  // namespace xueji::cli
