#pragma once
// Test-page generator (tests only, not part of the product): renders realistic Chinese
// school-record pages at 300 dpi with Qt (offscreen QPainter on QImage) and degrades them with
// known parameters. Everything is deterministic from the seed; the ground truth travels with
// the image.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace xueji::testing {

enum class PageKind { StudentCard, Transcript, HealthForm, AwardRecord, GraduateForm };
const char* kind_name(PageKind k);  // 学籍卡 ...

struct StudentInfo {
  std::string id, name, gender, birth_date, ethnicity, native_place, id_number, grade, class_name;
};

struct Degradation {
  double skew_deg = 0;      // > 0: content rotated counter-clockwise on screen
  int orientation = 0;      // 0/90/180/270: clockwise rotation applied to the upright page
  int border_px = 0;        // dark scanner border width on each side (after rotation)
  double noise_sigma = 0;   // gaussian noise, gray levels
  double blur_sigma = 0;
  int jpeg_quality = 0;     // 0: lossless PNG
  double uneven_light = 0;  // 0..1 strength of a brightness gradient
  bool red_seal = false;    // a red round seal over text
  bool punch_holes = false; // two binding holes in the left margin
  bool blank = false;       // an empty page (paper texture and specks only)
};

struct PageSpec {
  unsigned seed = 1;
  PageKind kind = PageKind::StudentCard;
  StudentInfo student;
  Degradation degrade;
  double dpi = 300;
  std::string font;  // "noto" or "wqy"; empty: chosen by seed
};

struct GeneratedPage {
  cv::Mat image;        // BGR
  std::string text;     // exact text, one printed line per line, reading order
  nlohmann::json truth; // text, skew_deg, orientation, blank, content_bbox, seal, kind, ...
};

GeneratedPage generate_page(const PageSpec& spec);

// Words drawn at known places on an A4 page, for checking OCR boxes: each word's ink box in
// the returned image (after the optional rotation about the page centre) is returned with it.
struct PlacedWord {
  std::string text;
  int x = 0, y = 0;      // top-left of the text, pixels of the upright page
  int pixel_size = 50;   // font size in pixels (50 px at 300 dpi is about 12 pt)
};
struct PlacedPage {
  cv::Mat image;                 // BGR
  std::vector<cv::Rect> boxes;   // ink box of each word in `image`
};
PlacedPage render_placed_words(const std::vector<PlacedWord>& words, double rotate_deg = 0, double dpi = 300);

// A random but valid student (G + resident ID with a correct check digit).
StudentInfo random_student(unsigned seed);

// A set of specs mixing all kinds and degradations, deterministic from the seed.
std::vector<PageSpec> mixed_specs(unsigned seed, int count);

// Writes <stem>.png|jpg, <stem>.txt and <stem>.json into dir; returns the image path.
std::string write_page(const GeneratedPage& page, const PageSpec& spec, const std::string& dir,
                       const std::string& stem);

}  // namespace xueji::testing
