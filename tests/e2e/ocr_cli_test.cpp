// `xueji ocr` through the real command: text, JSON with boxes in input-image pixels, hOCR and
// ALTO that XML parsers read, and a clear error for missing language data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "models/utf8.h"
#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji::testing;

TEST(OcrCommand, WritesTextJsonHocrAndAltoWithBoxesOnTheInkOfTheInput) {
  TempDir dir;
  PageSpec spec;
  spec.seed = 77;
  spec.kind = PageKind::GraduateForm;
  spec.student = random_student(77);
  spec.degrade.skew_deg = 4.0;      // boxes must come back through the deskew...
  spec.degrade.orientation = 90;    // ...and the quarter turn
  spec.degrade.border_px = 50;      // ...and the crop
  const GeneratedPage page = generate_page(spec);
  const std::string image = write_page(page, spec, dir.path().string(), "scan");

  for (const char* format : {"hocr", "alto"}) {
    const auto r = run(quote(XUEJI_BIN) + " ocr " + quote(image) + " --out " + quote((dir / "out").string()) +
                       " --format " + format);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto j = nlohmann::json::parse(read_file(dir / "out/scan.json"));
  EXPECT_EQ(j["width"], page.image.cols);
  EXPECT_EQ(j["height"], page.image.rows);
  EXPECT_EQ(read_file(dir / "out/scan.txt"), j["text"].get<std::string>() + "\n");
  // The paragraph was read, in full-width punctuation and without spaces between characters.
  const std::string text = j["text"];
  EXPECT_NE(text.find("班主任评语："), std::string::npos) << text;

  // Every word box lies on ink of the input image.
  cv::Mat gray;
  cv::cvtColor(page.image, gray, cv::COLOR_BGR2GRAY);
  int words = 0, on_ink = 0;
  for (const auto& line : j["lines"])
    for (const auto& w : line["words"]) {
      const cv::Rect b(w["box"][0], w["box"][1], w["box"][2], w["box"][3]);
      ASSERT_TRUE((b & cv::Rect(0, 0, gray.cols, gray.rows)) == b) << b;
      ++words;
      double lo;
      cv::minMaxLoc(gray(b), &lo);
      on_ink += lo < 128;
    }
  ASSERT_GT(words, 20);
  EXPECT_EQ(on_ink, words);

  // hOCR and ALTO parse as XML and carry the same words.
  for (const char* file : {"out/scan.hocr", "out/scan.alto.xml"}) {
    const auto r = run("python3 -c \"import sys, xml.etree.ElementTree as E; t = E.parse(sys.argv[1]); "
                       "print(sum(1 for e in t.iter() if e.get('class') == 'ocrx_word' or e.tag.endswith('String')))\" " +
                       quote((dir / file).string()));
    ASSERT_EQ(r.exit_code, 0) << file << r.err;
    EXPECT_EQ(std::stoi(r.out), words) << file;
  }

  const auto missing = run("TESSDATA_PREFIX=/nonexistent " + quote(XUEJI_BIN) + " ocr " + quote(image) + " --out " +
                           quote((dir / "none").string()));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/nonexistent/chi_sim.traineddata"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("tesseract-ocr-chi-sim"), std::string::npos) << missing.err;
}

// Words drawn at known places (upright and turned 3 degrees): every OCR word box lies on the
// ink of the drawn word whose text contains it.
TEST(OcrCommand, EveryWordBoxLiesOnItsCharacters) {
  const std::vector<std::string> texts = {"学籍号", "张伟", "2015", "数学成绩优秀", "体检表", "班主任评语",
                                          "毕业生登记表", "G110105201003074514", "品德良好", "语文", "奖惩记录", "北京市"};
  std::vector<PlacedWord> words;
  for (size_t i = 0; i < texts.size(); ++i)
    words.push_back({texts[i], 250 + static_cast<int>(i % 2) * 1000, 500 + static_cast<int>(i / 2) * 300, 56});
  for (double angle : {0.0, 3.0}) {
    TempDir dir;
    const PlacedPage page = render_placed_words(words, angle);
    const std::string image = (dir / "placed.png").string();
    ASSERT_TRUE(cv::imwrite(image, page.image));
    const auto r = run(quote(XUEJI_BIN) + " ocr " + quote(image) + " --out " + quote((dir / "out").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(read_file(dir / "out/placed.json"));
    int checked = 0;
    std::string all;
    for (const auto& line : j["lines"])
      for (const auto& w : line["words"]) {
        const std::string text = w["text"];
        all += text;
        const cv::Rect b(w["box"][0], w["box"][1], w["box"][2], w["box"][3]);
        // The drawn word this box lies on: most of the box inside it (4 px tolerance).
        bool found = false;
        for (size_t i = 0; i < texts.size() && !found; ++i) {
          const cv::Rect truth = page.boxes[i] + cv::Size(8, 8) - cv::Point(4, 4);
          const double inside = static_cast<double>((b & truth).area()) / std::max(1, b.area());
          found = inside >= 0.8 && texts[i].find(text) != std::string::npos;
        }
        EXPECT_TRUE(found) << "angle " << angle << ": word '" << text << "' at " << b << " is not on its characters";
        ++checked;
      }
    EXPECT_GE(checked, static_cast<int>(texts.size())) << "angle " << angle;
    for (const std::string& t : texts) EXPECT_NE(all.find(t), std::string::npos) << "angle " << angle << ": " << t << " in " << all;
  }
}

// A page without text is not an error: an empty result with the confidence that it is blank.
TEST(OcrCommand, BlankPageGivesAnEmptyResultWithConfidence) {
  TempDir dir;
  PageSpec spec;
  spec.seed = 5;
  spec.degrade.blank = true;
  spec.degrade.noise_sigma = 6;
  const std::string image = write_page(generate_page(spec), spec, dir.path().string(), "blank");
  const auto r = run(quote(XUEJI_BIN) + " ocr " + quote(image) + " --out " + quote((dir / "out").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(read_file(dir / "out/blank.json"));
  EXPECT_TRUE(j["lines"].empty());
  EXPECT_TRUE(j["no_text"].get<bool>());
  EXPECT_GE(j["mean_confidence"].get<double>(), 50.0);
  EXPECT_EQ(read_file(dir / "out/blank.txt"), "\n");
}
