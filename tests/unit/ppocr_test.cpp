// The PP-OCR recognizer on the installed, converted graphs: known answers of the converter,
// lines rendered with known text, and the errors a missing model gives.
#include <gtest/gtest.h>

#include <fstream>

#include <opencv2/imgproc.hpp>

#include "models/error.h"
#include "ocr/ocr_engine.h"
#include "ocr/ppocr_lines.h"
#include "ocr/ppocr_recognizer.h"
#include "ocr/text_detector.h"
#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;

namespace {

std::vector<float> read_floats(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

std::string text_of(const std::vector<RecognizedChar>& chars) {
  std::string s;
  for (const RecognizedChar& c : chars) s += c.text;
  return s;
}

}  // namespace

// Every converted graph, run through OpenCV with our layers, gives the logits the converter's
// own evaluation of the original graph gave on the same random input.
TEST(PpOcr, ConvertedGraphsGiveTheOriginalGraphsLogits) {
  PpOcrRecognizer rec(default_model_dir());
  ASSERT_GE(rec.widths().size(), 4u);
  int checked = 0;
  for (int w : rec.widths()) {
    const auto in = read_floats(rec.folder() / ("rec-" + std::to_string(w) + ".check-in.f32"));
    const auto want = read_floats(rec.folder() / ("rec-" + std::to_string(w) + ".check-out.f32"));
    ASSERT_EQ(in.size(), size_t(3 * 48 * w)) << w;
    const int sizes[] = {1, 3, 48, w};
    cv::Mat blob(4, sizes, CV_32F, const_cast<float*>(in.data()));
    const cv::Mat got = rec.logits(w, blob);
    ASSERT_EQ(got.total(), want.size()) << w;
    double worst = 0, scale = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      worst = std::max(worst, double(std::abs(got.ptr<float>()[i] - want[i])));
      scale = std::max(scale, double(std::abs(want[i])));
    }
    EXPECT_LT(worst, 1e-3 * std::max(1.0, scale)) << "width " << w;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(rec.widths().size()));
}

// Lines rendered at known places read exactly, and each character's span lies inside the
// word's ink box, in order.
TEST(PpOcr, ReadsRenderedLinesExactlyWithCharacterSpansOnTheInk) {
  PpOcrRecognizer rec(default_model_dir());
  const std::vector<std::string> texts = {"海淀区实验中学", "学籍号G110108200803151231", "身体健康，成绩优秀。",
                                          "出生日期2008-03-15"};
  std::vector<PlacedWord> words;
  for (size_t i = 0; i < texts.size(); ++i) words.push_back({texts[i], 150, 200 + 150 * static_cast<int>(i), 50});
  const PlacedPage page = render_placed_words(words);
  cv::Mat gray;
  cv::cvtColor(page.image, gray, cv::COLOR_BGR2GRAY);
  for (size_t i = 0; i < texts.size(); ++i) {
    const cv::Rect ink = page.boxes[i];
    const int m = ink.height / 4;
    const cv::Rect crop(ink.x - m, ink.y - m, ink.width + 2 * m, ink.height + 2 * m);
    const LineReading r = rec.read(gray(crop));
    EXPECT_EQ(text_of(r.chars), texts[i]);
    int prev = -1;
    for (const RecognizedChar& c : r.chars) {
      EXPECT_GE(c.x0 + crop.x, ink.x - ink.height / 2) << c.text;
      EXPECT_LE(c.x1 + crop.x, ink.x + ink.width + ink.height / 2) << c.text;
      EXPECT_GT(c.x0, prev) << c.text;
      EXPECT_GT(c.probability, 0.5f) << c.text;
      prev = c.x0;
    }
  }
}

// A line much wider than the widest graph is cut where there is no ink and read whole.
TEST(PpOcr, ReadsALineWiderThanTheWidestGraph) {
  PpOcrRecognizer rec(default_model_dir());
  std::string text;
  for (int i = 0; i < 6; ++i) text += "学生学籍档案管理";
  const PlacedPage page = render_placed_words({{text, 40, 300, 50}});
  cv::Mat gray;
  cv::cvtColor(page.image, gray, cv::COLOR_BGR2GRAY);
  const cv::Rect ink = page.boxes[0];
  const cv::Rect crop(ink.x - 10, ink.y - 10, ink.width + 20, ink.height + 20);
  ASSERT_GT(crop.width * 48.0 / crop.height, rec.max_width());
  EXPECT_EQ(text_of(rec.read(gray(crop)).chars), text);
}

// The detector finds each rendered word once, its box on the word's ink, also when the ink is
// faded to a quarter of its strength beside a dark scanner border; a page turned a quarter
// (another canvas shape) before and after does not disturb it (OpenCV keeps one graph per shape).
TEST(PpOcr, DetectorFindsEachWordOnItsInkAlsoFaded) {
  TextDetector det(default_model_dir());
  const std::vector<PlacedWord> words = {{"海淀区实验中学", 300, 300, 50},    {"学籍号G110108200803151231", 300, 600, 40},
                                         {"姓名", 300, 900, 40},              {"张伟", 1200, 900, 40},
                                         {"身体健康，成绩优秀。", 300, 1200, 36}};
  const PlacedPage page = render_placed_words(words);
  cv::Mat gray;
  cv::cvtColor(page.image, gray, cv::COLOR_BGR2GRAY);
  cv::Mat faded;
  gray.convertTo(faded, CV_8U, 0.25, 255 * 0.75);
  faded.colRange(0, 150).setTo(40);
  cv::Mat turned;
  cv::rotate(gray, turned, cv::ROTATE_90_CLOCKWISE);
  for (const cv::Mat* img : {&gray, &turned, &faded, &gray}) {
    const std::vector<DetectedText> found = det.detect(*img);
    if (img == &turned) {
      EXPECT_GE(found.size(), words.size());
      continue;
    }
    ASSERT_EQ(found.size(), words.size());
    for (const cv::Rect& ink : page.boxes) {
      int hits = 0;
      for (const DetectedText& t : found) {
        const cv::Rect both = t.bounds & ink;
        if (both.area() < 0.9 * ink.area()) continue;
        ++hits;
        EXPECT_LT(t.bounds.area(), 3.0 * ink.area());
      }
      EXPECT_EQ(hits, 1) << ink;
    }
  }
}

// Regions become rows top to bottom, cells left to right, also when the regions of a row are
// not at quite the same height; a tall region beside two short ones joins the first row.
TEST(PpOcr, RegionsAreReadRowByRowLeftToRight) {
  const std::vector<TextRegion> regions = {
      {cv::Rect(900, 105, 200, 40), 0}, {cv::Rect(100, 100, 300, 40), 0}, {cv::Rect(500, 98, 200, 42), 0},
      {cv::Rect(100, 200, 300, 40), 0}, {cv::Rect(520, 190, 300, 95), 0}, {cv::Rect(100, 250, 300, 40), 0},
      {cv::Rect(100, 400, 900, 40), 0}};
  const std::vector<LayoutLine> lines = rows_in_reading_order(regions);
  ASSERT_EQ(lines.size(), regions.size());
  const std::vector<std::pair<int, int>> want = {{100, 100}, {500, 98}, {900, 105}, {100, 200},
                                                 {520, 190}, {100, 250}, {100, 400}};
  const std::vector<int> rows = {0, 0, 0, 1, 1, 2, 3};
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(std::make_pair(lines[i].box.x, lines[i].box.y), want[i]) << i;
    EXPECT_EQ(lines[i].row, rows[i]) << i;
  }
}

// The lean left after the cleanup is the lines' median angle when they agree.
TEST(PpOcr, ResidualSkewNeedsAgreeingWideLines) {
  OcrPage page;
  for (double a : {7.8, 7.1, 8.1, 5.2, 7.6}) {
    OcrLine l;
    l.box = Box{0, 0, 1000, 80};
    l.angle_deg = a;
    page.lines.push_back(l);
  }
  ASSERT_TRUE(residual_skew(page).has_value());
  EXPECT_DOUBLE_EQ(*residual_skew(page), 7.6);
  page.lines.resize(2);
  EXPECT_FALSE(residual_skew(page).has_value());  // too few lines to tell
  OcrPage mixed;
  for (double a : {-6.0, 0.0, 6.0, -3.0, 3.0}) {
    OcrLine l;
    l.box = Box{0, 0, 1000, 80};
    l.angle_deg = a;
    mixed.lines.push_back(l);
  }
  EXPECT_FALSE(residual_skew(mixed).has_value());  // they disagree
}

// From the detector's rotated boxes: a leaning line is wide by its own sides, not by its upright
// bounding box; tall boxes (a vertical label) do not vote.
TEST(PpOcr, ResidualSkewFromDetectedBoxes) {
  std::vector<cv::RotatedRect> boxes;
  for (float a : {6.6f, 7.1f, 6.0f, 8.1f, 6.7f})  // OpenCV: angle clockwise on screen
    boxes.emplace_back(cv::Point2f(500, 300), cv::Size2f(700, 70), -a);
  boxes.emplace_back(cv::Point2f(100, 100), cv::Size2f(40, 300), 0.f);
  const auto lean = residual_skew(boxes);
  ASSERT_TRUE(lean.has_value());
  EXPECT_NEAR(*lean, 6.7, 0.01);
  boxes.resize(2);
  EXPECT_FALSE(residual_skew(boxes).has_value());
}

// Lines turned a quarter stand: the detector's long regions tell it before any reading. Short
// regions (a digit, one character: as wide as tall) do not count either way.
TEST(PpOcr, StandingLinesFromDetectedBoxes) {
  std::vector<cv::RotatedRect> across, turned;
  for (int i = 0; i < 6; ++i) {
    across.emplace_back(cv::Point2f(500, 100 + 90 * i), cv::Size2f(600, 60), 1.5f);
    turned.emplace_back(cv::Point2f(100 + 90 * i, 500), cv::Size2f(60, 600), -2.f);
    turned.emplace_back(cv::Point2f(100 + 90 * i, 900), cv::Size2f(600, 60), 88.f);  // OpenCV's other way of saying it
    for (auto* v : {&across, &turned}) v->emplace_back(cv::Point2f(900, 900), cv::Size2f(60, 70), 0.f);
  }
  ASSERT_TRUE(standing_share(across).has_value());
  EXPECT_DOUBLE_EQ(*standing_share(across), 0.0);
  ASSERT_TRUE(standing_share(turned).has_value());
  EXPECT_DOUBLE_EQ(*standing_share(turned), 1.0);
  across.resize(4);  // two long ones, two short ones: too few to say
  EXPECT_FALSE(standing_share(across).has_value());
}

TEST(PpOcr, MissingModelNamesTheInstallStep) {
  TempDir empty;
  try {
    PpOcrRecognizer rec(empty.path());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Ocr);
    EXPECT_NE(std::string(e.what()).find("install-models.sh"), std::string::npos) << e.what();
  }
  OcrParams p;
  p.model_dir = empty.path();
  EXPECT_THROW(OcrEngine{p}, Error);
  p.recognizer = Recognizer::Tesseract;  // Tesseract alone needs no model
  EXPECT_NO_THROW(OcrEngine{p});
  EXPECT_THROW(parse_recognizer("paddle"), Error);
  EXPECT_THROW(TextDetector{empty.path()}, Error);
  EXPECT_THROW(parse_line_finder("east"), Error);
}
