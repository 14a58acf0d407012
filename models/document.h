#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/ocr_page.h"

namespace xueji {

// Document kinds of a student file, with the short code used in archive file names; the
// configured list lives in the catalog (doc_types table).
struct DocType {
  std::string name;  // 学籍卡
  std::string code;  // XJK
  bool required = false;  // counted by the completeness report
};

// Upper-case ASCII letters and digits, 1-8 characters: safe in file names.
bool is_valid_type_code(std::string_view code);

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
  std::string words;         // the OCR words with boxes in master pixels (word_table() format)
  std::string source_sha256; // of the source image file (duplicate imports are found by it)
};

struct FileRecord {
  std::string path;    // relative to the archive root
  std::string kind;    // pdf | master
  int page = 0;        // for masters
  std::string sha256;
  long long size = 0;
};

struct DocumentRecord {
  long long id = 0;
  std::string student_id;
  std::string doc_type;      // 学籍卡 ...
  std::string type_code;
  int sequence = 0;
  std::string title;
  std::string pdf_path;      // relative to the archive root
  std::string created_at;    // ISO 8601 UTC
  std::optional<int> declared_pages;  // page count written on the paper, if known
  std::string doc_date;      // date written on the paper (yyyy-mm-dd), if known
  std::string deleted_at;    // non-empty: in the trash
  std::vector<PageRecord> pages;
  std::vector<FileRecord> files;
};

}  // namespace xueji
