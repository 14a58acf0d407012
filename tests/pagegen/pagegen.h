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

// Which part of the generator draws a page. Tune: the pages OCR and cleanup are tuned and
// tested on (Noto Sans CJK / WenQuanYi, one layout per kind). Test: held-out pages nothing is
// ever tuned on, with other fonts (Song and Kai faces), three other layouts per kind and
// degradations from other ranges, faded ink among them (heldout_layouts.h).
// Stress: tune layouts with faded ink, dark seals and bleed-through blanks from ranges of their
// own (pagegen.cpp, stress_specs): where the hard cases are tuned, never on the test set.
enum class PageSet { Tune, Test, Stress };
const char* set_name(PageSet s);  // "tune", "test", "stress"

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
  // Test and stress sets only (the tune set ignores these):
  double ink_strength = 1;  // < 1: ink faded towards the paper colour (a faded page)
  int bleed_through = 0;    // gray levels the mirrored text of the other side darkens the paper
  bool light_spot = false;  // uneven light as a bright spot fading outwards, not a gradient
};

struct PageSpec {
  unsigned seed = 1;
  PageKind kind = PageKind::StudentCard;
  StudentInfo student;
  Degradation degrade;
  double dpi = 300;
  std::string font;  // tune set: "noto" or "wqy" (stress set also "babel"); empty: chosen by seed
  PageSet set = PageSet::Tune;
  int layout = -1;   // test set: layout index 0..2 of the kind; -1: chosen by seed
};

struct GeneratedPage {
  cv::Mat image;        // BGR
  std::string text;     // exact text, one printed line per line, reading order
  nlohmann::json truth; // text, skew_deg, orientation, blank, content_bbox, seal, kind, ...
                        // test set also: set, layout, fonts, faded, ink_strength, bleed_through ...
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

// A random but valid student (G + resident ID with a correct check digit); the test set's
// students have names and places the tune set never uses.
StudentInfo random_student(unsigned seed, PageSet set = PageSet::Tune);

// A set of specs mixing all kinds and degradations, deterministic from the seed.
std::vector<PageSpec> mixed_specs(unsigned seed, int count, PageSet set = PageSet::Tune);

// Writes <stem>.png|jpg, <stem>.txt and <stem>.json into dir; returns the image path.
std::string write_page(const GeneratedPage& page, const PageSpec& spec, const std::string& dir,
                       const std::string& stem);

}  // namespace xueji::testing
