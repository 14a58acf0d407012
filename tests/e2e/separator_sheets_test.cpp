// Separator sheets end to end: the PDF written by write_separator_sheets checked with real
// readers (pdftotext, pdffonts, qpdf, pdfinfo), rendered by pdftoppm at 200, 300 and 600 dpi,
// scanned again badly (turned 0/90/180/270, skewed, noised, blurred, photocopied, gray and
// colour: tests/pagegen/scan_degrade.h) and found by detect_separator_sheet with the right code;
// ordinary generated pages and blank pages are neither found nor misread.
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <algorithm>
#include <chrono>
#include <random>
#include <regex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "archive/separator_pdf.h"
#include "archive/truetype_glyph_fix.h"
#include "capture/separator_sheet.h"
#include "models/error.h"
#include "models/id_mask.h"
#include "models/student_id.h"
#include "tests/pagegen/pagegen.h"
#include "tests/pagegen/scan_degrade.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

// A valid 学籍号: G + 17 digits + the GB 11643 check character.
std::string valid_id(const std::string& first17) { return "G" + first17 + *id_check_character(first17); }

struct Sheet {
  SeparatorSheetSpec spec;
  SheetCode code;
};

Sheet student_sheet(const std::string& name, const std::string& id, const std::string& cls) {
  Sheet s;
  s.code = {SheetKind::Student, id, {}};
  s.spec.kind = SeparatorSheetSpec::Kind::Student;
  s.spec.payload = encode_sheet_payload(s.code);
  s.spec.name = name;
  s.spec.student_id = id;
  s.spec.grade = "2015级";
  s.spec.class_name = cls;
  return s;
}

Sheet type_sheet(const std::string& type) {
  Sheet s;
  s.code = {SheetKind::DocType, {}, type};
  s.spec.kind = SeparatorSheetSpec::Kind::DocType;
  s.spec.payload = encode_sheet_payload(s.code);
  s.spec.doc_type = type;
  return s;
}

Sheet next_sheet() {
  Sheet s;
  s.code = {SheetKind::NextDocument, {}, {}};
  s.spec.kind = SeparatorSheetSpec::Kind::NextDocument;
  s.spec.payload = encode_sheet_payload(s.code);
  return s;
}

// Three students (张学良: most of Micro Hei's CJK glyphs are composites of parts above glyph
// 32767, the case libharu 2.3 loses), three document types and a Patch-T sheet.
const std::vector<Sheet>& sheets() {
  static const std::vector<Sheet> all = {
      student_sheet("欧阳娜娜", valid_id("11010820050101123"), "3班"),
      student_sheet("张学良", valid_id("44030520040228567"), "10班"),
      student_sheet("司马相如", valid_id("51010720051130002"), "2班"),
      type_sheet("成绩单"),
      type_sheet("毕业生登记表"),
      type_sheet("综合素质评价"),
      next_sheet(),
  };
  return all;
}

std::vector<SeparatorSheetSpec> specs(const std::vector<Sheet>& s) {
  std::vector<SeparatorSheetSpec> out;
  for (const Sheet& x : s) out.push_back(x.spec);
  return out;
}

// The sheets' PDF, written once for the test program.
const fs::path& sheets_pdf() {
  static TempDir dir;
  static const fs::path pdf = [] {
    const fs::path p = dir / "sheets.pdf";
    write_separator_sheets(specs(sheets()), p);
    return p;
  }();
  return pdf;
}

// pdftoppm's gray renders of pages first..last (1-based; 0: all), in page order.
std::vector<cv::Mat> render(const fs::path& pdf, int dpi, int first = 0, int last = 0) {
  TempDir out;
  std::string cmd = "pdftoppm -r " + std::to_string(dpi) + " -gray";  // PGM: nothing to compress
  if (first > 0) cmd += " -f " + std::to_string(first) + " -l " + std::to_string(last);
  const CommandResult r = run(cmd + " " + quote(pdf.string()) + " " + quote((out / "p").string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(out.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<cv::Mat> pages;
  for (const fs::path& f : files) pages.push_back(cv::imread(f.string(), cv::IMREAD_GRAYSCALE));
  return pages;
}

int pdf_pages(const fs::path& pdf) {
  const CommandResult info = run("pdfinfo " + quote(pdf.string()));
  std::smatch m;
  return std::regex_search(info.out, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : -1;
}

const std::vector<cv::Mat>& renders_300() {
  static const std::vector<cv::Mat> pages = render(sheets_pdf(), 300);
  return pages;
}

std::string describe(const SheetReport& r) {
  return "found=" + std::to_string(r.found) + " misread=" + std::to_string(r.misread) + " orientation=" +
         std::to_string(r.orientation) + " code=" + (r.found ? encode_sheet_payload(r.code) : "-") + ": " + r.message;
}

void expect_found(const cv::Mat& scan, const Sheet& sheet, int orientation, const std::string& what) {
  const SheetReport r = detect_separator_sheet(scan);
  EXPECT_TRUE(r.found) << what << ": " << describe(r);
  EXPECT_FALSE(r.misread) << what << ": " << describe(r);
  if (r.found) {
    EXPECT_EQ(r.code, sheet.code) << what << ": " << describe(r);
    EXPECT_EQ(r.orientation, orientation) << what << ": " << describe(r);
    EXPECT_GT(r.confidence, 0.5) << what;
  }
}

}  // namespace

TEST(SeparatorSheetsPdf, RealReadersSeeTheTextAndAnEmbeddedFont) {
  const fs::path& pdf = sheets_pdf();
  const CommandResult text = run("pdftotext -enc UTF-8 " + quote(pdf.string()) + " -");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.err, "") << "pdftotext warned (a broken ToUnicode map?)";
  const std::vector<std::string> expected = {
      "学籍档案分隔页 · 学生", "欧阳娜娜", "张学良", "司马相如", "年级 2015级", "班级 10班",
      "学籍号 " + mask_ids(sheets()[0].code.student_id), "请把本页放在该学生全部档案材料的最前面",
      "文件类型分隔页 · 成绩单", "文件类型分隔页 · 毕业生登记表", "「综合素质评价」", "下一份文件（同一学生）", "Patch T",
      "本页不存入档案"};
  for (const std::string& s : expected)
    EXPECT_NE(text.out.find(s), std::string::npos) << "pdftotext lacks: " << s << "\n" << text.out;
  for (const Sheet& s : sheets()) {  // the 学籍号 is printed masked only (the QR carries it)
    if (!s.code.student_id.empty()) {
      EXPECT_EQ(text.out.find(s.code.student_id), std::string::npos) << s.code.student_id;
    }
  }

  const CommandResult fonts = run("pdffonts " + quote(pdf.string()));
  ASSERT_EQ(fonts.exit_code, 0) << fonts.err;
  EXPECT_NE(fonts.out.find("WenQuanYiMicroHei"), std::string::npos) << fonts.out;
  EXPECT_NE(fonts.out.find("CID TrueType      Identity-H       yes yes yes"), std::string::npos) << fonts.out;
  EXPECT_EQ(std::count(fonts.out.begin(), fonts.out.end(), '\n'), 3) << "one font only:\n" << fonts.out;

  const CommandResult check = run("qpdf --check " + quote(pdf.string()));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("No syntax or stream encoding errors"), std::string::npos) << check.out;
  EXPECT_EQ(check.err, "");

  EXPECT_EQ(pdf_pages(pdf), 7);
  const CommandResult info = run("pdfinfo " + quote(pdf.string()));
  EXPECT_NE(info.out.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info.out;
}

TEST(SeparatorSheetsPdf, EmbeddedFontHasEveryPartOfItsCompositeGlyphs) {
  QPDF pdf;
  pdf.processFile(sheets_pdf().c_str());
  int fonts = 0;
  for (QPDFObjectHandle page : pdf.getAllPages()) {
    QPDFObjectHandle dict = page.getKey("/Resources").getKey("/Font");
    for (const std::string& key : dict.getKeys()) {
      QPDFObjectHandle file =
          dict.getKey(key).getKey("/DescendantFonts").getArrayItem(0).getKey("/FontDescriptor").getKey("/FontFile2");
      ASSERT_TRUE(file.isStream());
      const auto data = file.getStreamData(qpdf_dl_generalized);
      const std::string_view font(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
      EXPECT_EQ(missing_components(font), 0);
      EXPECT_EQ(file.getDict().getKey("/Length1").getIntValue(), static_cast<long long>(font.size()));
      EXPECT_LT(font.size(), 2u << 20) << "a subset, not the whole 5 MB face";
      ++fonts;
    }
  }
  EXPECT_EQ(fonts, 7);  // one font, listed on every page
  // Glyphs drawn: the title line of the student sheet has ink where each character stands.
  const cv::Mat& page = renders_300().at(1);
  const cv::Mat title = page(cv::Rect(300, 260, 1880, 120));  // "学籍档案分隔页 · 学生", 24 pt at 30 mm
  cv::Mat ink;
  cv::threshold(title, ink, 128, 255, cv::THRESH_BINARY_INV);
  cv::Mat cols;
  cv::reduce(ink, cols, 0, cv::REDUCE_MAX);
  int runs = 0;
  for (int x = 1; x < cols.cols; ++x) runs += cols.at<uchar>(x) > 0 && cols.at<uchar>(x - 1) == 0;
  EXPECT_GE(runs, 10) << "characters missing from the title (glyphs lost in the embedded font?)";
}

TEST(SeparatorSheetsPdf, WritesAtomicallyAndRefusesWhatItCannotWrite) {
  TempDir dir;
  const fs::path out = dir / "s.pdf";
  write_separator_sheets({next_sheet().spec}, out);
  write_separator_sheets({type_sheet("体检表").spec, next_sheet().spec}, out);  // replaced
  EXPECT_EQ(pdf_pages(out), 2);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1) << "a temporary file left";
  try {
    write_separator_sheets({}, dir / "none.pdf");
    ADD_FAILURE() << "no sheets accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
  SeparatorSheetSpec empty;
  EXPECT_THROW(separator_sheets_pdf({empty}), Error);
  try {
    separator_sheets_pdf({next_sheet().spec}, "/nonexistent/font.ttc");
    ADD_FAILURE() << "a missing font accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  EXPECT_FALSE(fs::exists(dir / "none.pdf"));
}

TEST(SeparatorSheetsDetect, EveryRenderedSheetIsFoundAt300Dpi) {
  const auto& pages = renders_300();
  ASSERT_EQ(pages.size(), sheets().size());
  for (size_t i = 0; i < pages.size(); ++i) {
    const SheetReport r = detect_separator_sheet(pages[i]);
    ASSERT_TRUE(r.found) << "page " << i + 1 << ": " << describe(r);
    EXPECT_EQ(r.code, sheets()[i].code);
    EXPECT_EQ(r.orientation, 0);
    EXPECT_EQ(r.confidence, 1.0);
  }
}

// Every sheet at 200 and 300 dpi, four scans each: all four orientations, skew within +-4
// degrees, noise, blur, JPEG on half, photocopied on half, gray and colour.
TEST(SeparatorSheetsDetect, BadScansAt200And300DpiAreFound) {
  for (int dpi : {200, 300}) {
    const std::vector<cv::Mat> pages = dpi == 300 ? renders_300() : render(sheets_pdf(), dpi);
    ASSERT_EQ(pages.size(), sheets().size());
    for (size_t i = 0; i < pages.size(); ++i)
      for (int v = 0; v < 4; ++v) {
        const unsigned seed = static_cast<unsigned>(dpi * 100 + i * 10 + v);
        ScanDegradation d = random_scan_degradation(seed, dpi, dpi, v % 2 == 1, v >= 2);
        d.orientation = 90 * static_cast<int>((i + v) % 4);
        d.skew_deg = (v % 2 ? -1 : 1) * (1.0 + (seed % 30) / 10.0);  // 1..4 degrees, both ways
        expect_found(degrade_scan(pages[i], d), sheets()[i], d.orientation,
                     std::to_string(dpi) + " dpi page " + std::to_string(i + 1) + " " + to_json(d).dump());
      }
  }
}

// 600 dpi: a student sheet and the Patch-T sheet, rendered there and scanned badly.
TEST(SeparatorSheetsDetect, BadScansAt600DpiAreFound) {
  for (int page : {2, 7}) {
    const std::vector<cv::Mat> pages = render(sheets_pdf(), 600, page, page);
    ASSERT_EQ(pages.size(), 1u);
    for (int v = 0; v < 2; ++v) {
      ScanDegradation d = random_scan_degradation(600 + page * 10 + v, 600, 600, v == 0, v == 1);
      d.orientation = v == 0 ? 90 : 180;
      d.skew_deg = v == 0 ? 3.5 : -4;
      expect_found(degrade_scan(pages[0], d), sheets()[page - 1], d.orientation,
                   "600 dpi page " + std::to_string(page) + " " + to_json(d).dump());
    }
  }
}

// A 300 dpi render scanned at 200 dpi and at 600 dpi (resampled), as the batch stack does.
TEST(SeparatorSheetsDetect, ResampledScansAreFound) {
  const auto& pages = renders_300();
  for (double out : {200.0, 600.0}) {
    ScanDegradation d = random_scan_degradation(static_cast<unsigned>(out), 300, out, true, out > 300);
    d.orientation = 270;
    expect_found(degrade_scan(pages[0], d), sheets()[0], 270, "300 -> " + std::to_string(out) + " dpi");
  }
}

TEST(SeparatorSheetsDetect, OrdinaryAndBlankPagesAreNeitherFoundNorMisread) {
  std::vector<PageSpec> page_specs = mixed_specs(41, 8, PageSet::Tune);
  for (const PageSpec& s : mixed_specs(43, 3, PageSet::Test)) page_specs.push_back(s);
  PageSpec blank = page_specs.front();
  blank.degrade = {};
  blank.degrade.blank = true;
  page_specs.push_back(blank);
  double total_ms = 0, worst_ms = 0;
  int timed = 0;
  for (const PageSpec& spec : page_specs) {
    const GeneratedPage page = generate_page(spec);
    const std::string what = std::string(kind_name(spec.kind)) + " seed " + std::to_string(spec.seed) +
                             (spec.degrade.blank ? " (blank)" : "");
    const auto t0 = std::chrono::steady_clock::now();
    const SheetReport r = detect_separator_sheet(page.image);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    total_ms += ms, worst_ms = std::max(worst_ms, ms), ++timed;
    EXPECT_FALSE(r.found) << what << ": " << describe(r);
    EXPECT_FALSE(r.misread) << what << ": " << describe(r);
    // The same page photocopied and turned, gray.
    ScanDegradation d = random_scan_degradation(spec.seed, spec.dpi, spec.dpi, true, true);
    const SheetReport c = detect_separator_sheet(degrade_scan(page.image, d));
    EXPECT_FALSE(c.found) << what << " photocopied: " << describe(c);
    EXPECT_FALSE(c.misread) << what << " photocopied: " << describe(c);
  }
  std::cout << "detection on ordinary pages (300 dpi, colour): mean " << total_ms / timed << " ms, worst " << worst_ms
            << " ms\n";
  RecordProperty("ordinary_page_mean_ms", static_cast<int>(total_ms / timed));
}

// The back of a sheet seen through thin paper, or a scanner that mirrors: the sheet, with less
// confidence and a note (ZXing reads some mirrored symbols itself; for the others the detector
// sees the finder patterns and reads the page flipped). Never nothing, never another code.
TEST(SeparatorSheetsDetect, AMirroredSymbolIsStillTheSheet) {
  int found = 0;
  for (size_t i = 0; i < sheets().size(); ++i) {
    cv::Mat mirrored;
    cv::flip(renders_300()[i], mirrored, 1);
    const SheetReport r = detect_separator_sheet(mirrored);
    EXPECT_TRUE(r.found || r.misread) << "page " << i + 1 << ": " << describe(r);
    if (r.found) {
      ++found;
      EXPECT_EQ(r.code, sheets()[i].code) << "page " << i + 1;
      EXPECT_LT(r.confidence, 1.0);
      EXPECT_NE(r.message.find("mirrored"), std::string::npos) << r.message;
    }
  }
  EXPECT_EQ(found, static_cast<int>(sheets().size()));
}

TEST(SeparatorSheetsDetect, ACodeWithAWrongCheckIsAMisreadNotASheet) {
  TempDir dir;
  std::string payload = sheets()[0].spec.payload;
  payload.back() = payload.back() == '0' ? '1' : '0';  // the check no longer matches
  SeparatorSheetSpec bad = sheets()[0].spec;
  bad.payload = payload;
  write_separator_sheets({bad}, dir / "bad.pdf");
  const std::vector<cv::Mat> pages = render(dir / "bad.pdf", 300);
  ASSERT_EQ(pages.size(), 1u);
  const SheetReport r = detect_separator_sheet(pages[0]);
  EXPECT_FALSE(r.found) << describe(r);
  EXPECT_TRUE(r.misread) << describe(r);
}

TEST(SeparatorSheetsDetect, AForeignQrCodeIsNeitherFoundNorMisread) {
  TempDir dir;
  SeparatorSheetSpec foreign = sheets()[3].spec;
  foreign.payload = "https://www.moe.gov.cn/";
  write_separator_sheets({foreign}, dir / "foreign.pdf");
  const std::vector<cv::Mat> pages = render(dir / "foreign.pdf", 300);
  ASSERT_EQ(pages.size(), 1u);
  const SheetReport r = detect_separator_sheet(pages[0]);
  EXPECT_FALSE(r.found) << describe(r);
  EXPECT_FALSE(r.misread) << describe(r);
}

// A sheet whose symbol lost half its data area (a torn corner, a coffee stain): its finder
// patterns are intact, so the page is reported as a sheet that could not be read.
TEST(SeparatorSheetsDetect, ADamagedSymbolIsAMisread) {
  cv::Mat page = renders_300()[0].clone();
  const double px_mm = 300 / 25.4;
  const int left = static_cast<int>(75 * px_mm), top = static_cast<int>(108 * px_mm), side = static_cast<int>(60 * px_mm);
  std::mt19937 rng(5);
  const int cell = side / 37 + 1;  // about one module
  for (int y = top + side * 3 / 10; y < top + side; y += cell)
    for (int x = left + side * 3 / 10; x < left + side; x += cell)
      cv::rectangle(page, cv::Rect(x, y, cell, cell), cv::Scalar(rng() % 2 ? 0 : 255), cv::FILLED);
  for (int turn : {0, 90}) {
    ScanDegradation d;
    d.orientation = turn;
    d.skew_deg = turn ? 2 : 0;
    d.noise_sigma = 4;
    const SheetReport r = detect_separator_sheet(degrade_scan(page, d));
    EXPECT_FALSE(r.found) << describe(r);
    EXPECT_TRUE(r.misread) << describe(r);
    EXPECT_EQ(r.orientation, turn) << describe(r);
  }
}
