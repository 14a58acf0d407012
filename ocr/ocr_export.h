#pragma once
// Exports of an OcrPage: JSON (our own), hOCR (HTML microformat) and ALTO 4 XML (the
// archival standard for OCR text), and box mapping between image frames.
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "models/ocr_page.h"

namespace xueji {

nlohmann::json to_json(const OcrPage& page);
std::string to_hocr(const OcrPage& page, const std::string& image_name);
std::string to_alto(const OcrPage& page, const std::string& image_name);

// The page with every box mapped through `m` (e.g. from the cleaned master back to the input
// image) as the bounding box of the mapped corners, clamped to width x height.
OcrPage transform_boxes(const OcrPage& page, const cv::Matx23d& m, int width, int height);

}  // namespace xueji
