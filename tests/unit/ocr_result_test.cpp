// Folding, the clean-up of Tesseract's raw result, and the engine pool's page runner.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "models/chinese_fold.h"
#include "models/error.h"
#include "ocr/result_cleanup.h"
#include "ocr/text_normalize.h"
#include "pipeline/page_runner.h"
#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;

TEST(ChineseFolder, FoldsTraditionalToSimplifiedAndLeavesTheRestAlone) {
  ChineseFolder folder;
  EXPECT_EQ(folder.fold("學籍號：G110105201003074514"), "学籍号：G110105201003074514");
  EXPECT_EQ(folder.fold("體檢表 畢業生登記表 獎懲記錄"), "体检表 毕业生登记表 奖惩记录");
  EXPECT_EQ(folder.fold("学籍卡 成绩单 ABC abc １２３"), "学籍卡 成绩单 ABC abc １２３");
  EXPECT_EQ(folder.fold(""), "");
  EXPECT_EQ(folder.fold("𠀀𪚥"), folder.fold("𠀀𪚥"));  // outside the BMP: no crash, stable
  EXPECT_THROW(ChineseFolder("no-such-config.json"), Error);
}

namespace {
OcrLine line(std::vector<std::pair<std::string, float>> words, Box box = {0, 0, 100, 20}) {
  OcrLine l;
  l.box = box;
  for (auto& [t, c] : words) l.words.push_back(OcrWord{t, box, c});
  return l;
}
}  // namespace

TEST(ResultCleanup, DropsPhantomPunctuationAndUnpairedQuotesOnly) {
  OcrPage page;
  page.lines.push_back(line({{"年级：2015级", 90}, {"”", 60}, {"班级", 92}, {"，", 30}, {"学籍号", 91}}));
  page.lines.push_back(line({{"他说“好好学习”。", 90}, {"，", 95}, {"@", 20}}));
  page.lines.push_back(line({{"”班级", 55}}));
  page.lines.push_back(line({{"|", 89}, {"性别", 93}, {"丨", 70}, {"男", 90}}));
  drop_phantom_punctuation(page);
  ASSERT_EQ(page.lines.size(), 4u);
  EXPECT_EQ(page.lines[3].text(), "性别男");
  // A confident lone quote word that has no partner is still a phantom; the low-confidence
  // comma goes; the paired quotes and the confident comma stay.
  EXPECT_EQ(page.lines[0].text(), "年级：2015级班级学籍号");
  EXPECT_EQ(page.lines[1].text(), "他说“好好学习”。，");
  EXPECT_EQ(page.lines[2].text(), "班级");
}

// Single quotes pair on their own (‘’ inside “”); a lone one, a speck read as a quote, goes.
TEST(ResultCleanup, UnpairedSingleQuotesGoPairedOnesStay) {
  OcrPage page;
  page.lines.push_back(line({{"‘参加市级英语演讲比赛", 96}}));
  page.lines.push_back(line({{"他说“老师说‘好’。”", 95}}));
  page.lines.push_back(line({{"籍贯：Xi’an", 95}}));
  drop_phantom_punctuation(page);
  EXPECT_EQ(page.text(), "参加市级英语演讲比赛\n他说“老师说‘好’。”\n籍贯：Xi’an");
}

// Inside a seal's box, lone punctuation and dashes are what is left of its ring and star; words
// with characters stay, and outside the box nothing changes.
TEST(ResultCleanup, LonePunctuationInsideASealsBoxIsDropped) {
  OcrPage page;
  page.lines.push_back(line({{"北京市第一中学", 97}, {"·", 93}, {"优秀", 98}, {"/", 90}, {"．", 91}}));
  page.lines[0].words[0].box = Box{100, 100, 400, 50};
  page.lines[0].words[1].box = Box{620, 110, 10, 10};
  page.lines[0].words[2].box = Box{700, 100, 100, 50};
  page.lines[0].words[3].box = Box{820, 100, 20, 50};
  page.lines[0].words[4].box = Box{900, 110, 20, 8};
  drop_punctuation_inside(page, Box{550, 50, 300, 300});
  EXPECT_EQ(page.text(), "北京市第一中学优秀/．") << "in the box: the dot goes; the word and the slash (an empty field) stay";
}

TEST(TextNormalize, ALoneDashAfter第OrBefore等IsOne) {
  OcrLine l = line({{"北京市第—中学", 97}, {"——", 90}, {"A—B", 90}, {"数学竞赛—等奖", 90}, {"初一—初三", 90}});
  normalize_punctuation(l);
  EXPECT_EQ(l.words[0].text, "北京市第一中学");
  EXPECT_EQ(l.words[1].text, "——");
  EXPECT_EQ(l.words[2].text, "A—B");
  EXPECT_EQ(l.words[3].text, "数学竞赛一等奖");
  EXPECT_EQ(l.words[4].text, "初一—初三") << "a range keeps its dash";
  OcrLine dashes = line({{"此致——敬礼", 90}});
  normalize_punctuation(dashes);
  EXPECT_EQ(dashes.words[0].text, "此致——敬礼");
}

TEST(ResultCleanup, QuotesSpanningLinesArePaired) {
  OcrPage page;
  page.lines.push_back(line({{"评语：“该生", 90}}));
  page.lines.push_back(line({{"表现优秀。”", 90}}));
  drop_phantom_punctuation(page);
  EXPECT_EQ(page.text(), "评语：“该生\n表现优秀。”");
}

TEST(ResultCleanup, OverlappingLinesFormGroups) {
  OcrPage page;
  page.lines.push_back(line({{"ee", 5}}, {700, 270, 800, 35}));   // top strokes of a title
  page.lines.push_back(line({{"北京市", 90}}, {690, 275, 1080, 96}));
  page.lines.push_back(line({{"年级", 90}}, {200, 430, 1200, 60}));
  page.lines.push_back(line({{"右", 90}}, {1500, 440, 200, 60}));  // beside line 2: not a split
  page.lines.push_back(line({{"姓名", 90}}, {200, 600, 1200, 60}));
  const auto groups = overlapping_line_groups(page);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0], (std::vector<size_t>{0, 1}));
}

namespace {
// Six generated pages (one of them two frames of a TIFF) written to `dir`.
std::vector<std::filesystem::path> write_pages(const TempDir& dir, int n) {
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < n; ++i) {
    PageSpec spec;
    spec.seed = 300 + static_cast<unsigned>(i);
    spec.kind = static_cast<PageKind>(i % 5);
    spec.student = random_student(spec.seed);
    spec.degrade.skew_deg = i % 2 ? 2.0 : -1.0;
    files.emplace_back(write_page(generate_page(spec), spec, dir.path().string(), "p" + std::to_string(i)));
  }
  return files;
}
}  // namespace

TEST(PageRunner, TwoWorkersGiveTheSameResultsInTheSameOrderAsOne) {
  TempDir dir;
  const auto files = write_pages(dir, 6);
  auto collect = [&](int workers) {
    EnginePool engines({}, workers);
    std::vector<std::string> out;
    std::vector<int> progress;
    process_images(
        files, {}, [](const EngineProvider& e) { return default_page_stages({}, e, nullptr); }, engines, nullptr,
        [&](PageWork& w) { out.push_back(w.input.source + "\n" + w.ocr.text()); },
        [&](const Progress& p) {
          if (p.kind == ProgressKind::PageDone) {
            progress.push_back(p.index);
            EXPECT_GT(p.page.characters, 0);  // typed outcome: what the page gave
            EXPECT_TRUE(p.page.stage_ms.count("ocr")) << p.page.stage_ms.size();
          }
        });
    EXPECT_EQ(engines.started(), workers);
    EXPECT_EQ(progress, (std::vector<int>{1, 2, 3, 4, 5, 6}));
    return out;
  };
  const auto one = collect(1), two = collect(2);
  ASSERT_EQ(one.size(), 6u);
  EXPECT_EQ(one, two);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i].rfind("p" + std::to_string(i), 0), 0u) << one[i];
}

TEST(PageRunner, ABadFileStopsTheRunWithItsErrorAfterTheGoodPagesBeforeIt) {
  TempDir dir;
  auto files = write_pages(dir, 4);
  {
    std::ofstream bad(dir / "broken.png", std::ios::binary);
    bad << "\x89PNG\r\n\x1a\n truncated";
  }
  files.insert(files.begin() + 2, dir / "broken.png");
  for (int workers : {1, 2}) {
    EnginePool engines({}, workers);
    std::vector<std::string> sunk;
    try {
      process_images(
          files, {}, [](const EngineProvider& e) { return cleanup_stages({}, e); }, engines, nullptr,
          [&](PageWork& w) { sunk.push_back(w.input.source); });
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::BadImage) << e.what();
      EXPECT_NE(std::string(e.what()).find("broken.png"), std::string::npos) << e.what();
    }
    // Pages before the bad file were handed over in order; none after it.
    ASSERT_LE(sunk.size(), 2u);
    for (size_t i = 0; i < sunk.size(); ++i) EXPECT_EQ(sunk[i].rfind("p" + std::to_string(i), 0), 0u);
    if (workers == 1) {
      EXPECT_EQ(sunk.size(), 2u);
    }
  }
}

TEST(PageRunner, CancelStopsAllWorkers) {
  TempDir dir;
  const auto files = write_pages(dir, 6);
  EnginePool engines({}, 2);
  CancelToken cancel;
  int sunk = 0;
  EXPECT_THROW(process_images(
                   files, {}, [&](const EngineProvider& e) { return default_page_stages({}, e, &cancel); }, engines,
                   &cancel,
                   [&](PageWork&) {
                     if (++sunk == 2) cancel.cancel();
                   }),
               Error);
  EXPECT_GE(sunk, 2);
  EXPECT_LT(sunk, 6);
}

TEST(PageRunner, ASinkErrorStopsTheRun) {
  TempDir dir;
  const auto files = write_pages(dir, 5);
  EnginePool engines({}, 2);
  int sunk = 0;
  EXPECT_THROW(process_images(
                   files, {}, [](const EngineProvider& e) { return cleanup_stages({}, e); }, engines, nullptr,
                   [&](PageWork&) {
                     if (++sunk == 2) throw Error(ErrorCode::Io, "disk full");
                   }),
               Error);
  EXPECT_EQ(sunk, 2);
}

// Print faded to under a fifth and softened by the scan is below what the cleanup takes for ink
// (the page's first verdict is blank), but it is read: the verify-blank stage makes it a text
// page with its text. The other side shining through at a darker level stays blank: mirrored,
// it reads as doubt.
TEST(PageStages, FaintSoftPrintIsReadAndShowThroughStaysBlank) {
  TempDir dir;
  PageSpec faint;
  faint.set = PageSet::Stress;
  faint.seed = 8021;
  faint.kind = PageKind::StudentCard;
  faint.student = random_student(faint.seed);
  faint.font = "noto";
  faint.degrade.ink_strength = 0.17;
  faint.degrade.blur_sigma = 2.4;
  faint.degrade.noise_sigma = 7;
  const GeneratedPage faint_page = generate_page(faint);
  PageSpec show = faint;
  show.degrade = Degradation{};
  show.degrade.blank = true;
  show.degrade.bleed_through = 32;
  const std::vector<std::filesystem::path> files = {
      write_page(faint_page, faint, dir.path().string(), "faint"),
      write_page(generate_page(show), show, dir.path().string(), "show")};
  ASSERT_TRUE(clean_page(cv::imread(files[0].string()), 300).analysis.boxes.blank) << "the cleanup alone calls it blank";
  EnginePool engines({}, 1);
  std::vector<PageWork> done;
  process_images(
      files, {}, [](const EngineProvider& e) { return default_page_stages({}, e, nullptr); }, engines, nullptr,
      [&](PageWork& w) { done.push_back(std::move(w)); }, [](const Progress&) {});
  ASSERT_EQ(done.size(), 2u);
  EXPECT_FALSE(done[0].cleaned.analysis.boxes.blank);
  const std::string text = done[0].ocr.text();
  EXPECT_NE(text.find(faint.student.id), std::string::npos) << text;
  EXPECT_NE(text.find(faint.student.name), std::string::npos) << text;
  EXPECT_TRUE(done[1].cleaned.analysis.boxes.blank);
  EXPECT_TRUE(done[1].ocr.lines.empty());
}
