#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/ocr_page.h"

namespace xueji {

// Document kinds of a student file, with the short code used in archive file names.
struct DocType {
  std::string_view name;  // 学籍卡
  std::string_view code;  // XJK
};

const std::vector<DocType>& doc_types();
std::optional<DocType> find_doc_type(std::string_view name);

struct PageRecord {
  int number = 0;            // 1-based order in the document
  std::string source;        // original file name (and frame) the page came from
  int width = 0, height = 0; // master image size in pixels
  double dpi = 0;
  double skew_deg = 0;       // skew found and corrected
  int orientation = 0;       // clockwise quarter turns found in the scan and undone (degrees)
  bool blank = false;
  std::string color_mode;    // color | gray | bw
  bool seal = false;
  Box content_box;           // in the input image's pixels
  double analysis_confidence = 0;
  double ocr_confidence = 0; // mean word confidence 0..100
  std::string text;          // recognized text, lines joined by '\n'
};

struct DocumentRecord {
  long long id = 0;
  std::string student_id;
  std::string doc_type;      // 学籍卡 ...
  std::string title;
  std::string pdf_path;      // relative to the archive root
  std::string created_at;    // ISO 8601 UTC
  std::vector<PageRecord> pages;
};

}  // namespace xueji
