#include <gtest/gtest.h>

#include "archive/glyphless_font.h"
#include "archive/pdf_writer.h"
#include "archive/pdfa_check.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::TempDir;
using xueji::testing::quote;
using xueji::testing::run;

namespace {

OcrLine line(int y, std::vector<std::pair<std::string, int>> words, int char_w = 50) {
  OcrLine l;
  int x = 200;
  for (auto& [text, n] : words) {
    OcrWord w;
    w.text = text;
    w.box = {x, y, n * char_w, 50};
    w.confidence = 90;
    x += n * char_w + (text[0] & 0x80 ? 0 : 25);
    l.words.push_back(w);
  }
  l.box = {200, y, x - 200, 50};
  l.baseline = y + 44;
  return l;
}

}  // namespace

TEST(GlyphlessFont, IsSmall) {
  const std::string font = make_glyphless_font();
  EXPECT_LT(font.size(), 2000u);
  EXPECT_EQ(font.substr(0, 4), std::string("\0\1\0\0", 4));
}

TEST(PdfWriter, TextLayerExtractsExactlyWithPoppler) {
  TempDir dir;
  cv::Mat page(3508, 2480, CV_8UC3, cv::Scalar(245, 245, 245));
  OcrPage ocr;
  ocr.width = page.cols;
  ocr.height = page.rows;
  ocr.dpi = 300;
  ocr.lines.push_back(line(300, {{"学籍卡", 3}}));
  ocr.lines.push_back(line(420, {{"姓名", 2}, {"张伟", 2}, {"出生日期", 4}, {"2008-01-01", 5}}));
  ocr.lines.push_back(line(540, {{"学籍号", 3}, {"G11010519491231002X", 10}}));
  PdfParams params;
  params.meta.title = "学籍卡 <张伟> & \"𠀋\" 'x'";
  params.meta.student_id = "G11010519491231002X";
  params.meta.student_name = "张𠀋";
  params.meta.doc_type = "学籍卡";
  PdfWriter writer(params);
  const auto out = dir / "out.pdf";
  writer.begin(out);
  writer.add_page(page, 300, ocr);
  writer.add_page(page, 300, ocr);
  writer.end();
  ASSERT_TRUE(std::filesystem::exists(out));

  auto text = run("pdftotext -f 1 -l 1 " + quote(out.string()) + " -");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.err, "") << "poppler complained about the text layer";
  EXPECT_NE(text.out.find("学籍卡"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("姓名张伟出生日期"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("G11010519491231002X"), std::string::npos) << text.out;

  auto info = run("pdfinfo " + quote(out.string()));
  EXPECT_NE(info.out.find("Pages:           2\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("595.2 x 841.92 pts"), std::string::npos) << info.out;  // A4 at 300 dpi

  // PDF/A metadata: Info and XMP agree, Chinese and characters outside the BMP survive, XML
  // special characters are escaped.
  EXPECT_NE(info.out.find("Title:           学籍卡 <张伟> & \"𠀋\" 'x'"), std::string::npos) << info.out;
  auto meta = run("pdfinfo -meta " + quote(out.string()));
  EXPECT_NE(meta.out.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos) << meta.out;
  EXPECT_NE(meta.out.find("学籍卡 &lt;张伟&gt; &amp; &quot;𠀋&quot; &apos;x&apos;"), std::string::npos) << meta.out;
  EXPECT_NE(meta.out.find("<xueji:StudentName>张𠀋</xueji:StudentName>"), std::string::npos) << meta.out;
  EXPECT_NE(meta.out.find("<xueji:PageCount>2</xueji:PageCount>"), std::string::npos) << meta.out;

  auto check = run("qpdf --check " + quote(out.string()));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  auto fonts = run("pdffonts " + quote(out.string()));
  EXPECT_NE(fonts.out.find("CID TrueType"), std::string::npos) << fonts.out;
  // Embedded whole (not a subset: no /CIDSet needed for PDF/A-1b), with a ToUnicode map.
  EXPECT_NE(fonts.out.find("Identity-H       yes no  yes"), std::string::npos) << fonts.out;
  // No temporary files left beside the output.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1);
}

TEST(PdfWriter, OddOcrResultsStillGiveAValidFile) {
  TempDir dir;
  cv::Mat page(1000, 800, CV_8U, cv::Scalar(250));
  OcrPage ocr;
  ocr.width = page.cols;
  ocr.height = page.rows;
  OcrLine l;
  l.words.push_back({"出界", {-500, -500, 100, 40}, 50});   // wholly outside: dropped
  l.words.push_back({"半出", {760, 100, 200, 40}, 50});     // partly outside: clipped
  l.words.push_back({"", {100, 100, 50, 40}, 50});          // empty text: dropped
  l.words.push_back({"𠀋明", {300, 100, 80, 40}, 50});      // a character outside the BMP
  ocr.lines.push_back(l);
  ocr.lines.push_back(OcrLine{});                            // an empty line
  PdfWriter writer;
  writer.begin(dir / "odd.pdf");
  writer.add_page(page, 300, ocr);
  writer.add_page(page, 300, OcrPage{});                     // a page with no text at all
  writer.end();
  EXPECT_EQ(run("qpdf --check " + quote((dir / "odd.pdf").string())).exit_code, 0);
  const auto text = run("pdftotext " + quote((dir / "odd.pdf").string()) + " -");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.err, "");
  EXPECT_NE(text.out.find("半出"), std::string::npos) << text.out;
  // A character outside the BMP comes back exactly (drawn with a private-use code whose
  // ToUnicode entry is its surrogate pair).
  EXPECT_NE(text.out.find("𠀋明"), std::string::npos) << text.out;
  EXPECT_TRUE(check_pdfa(dir / "odd.pdf", PdfaLevel::A2b).empty());
  EXPECT_EQ(text.out.find("出界"), std::string::npos) << text.out;
}

TEST(PdfWriter, UnwritableTargetFailsWithoutAFileUnderTheFinalName) {
  // (A full disk is simulated in tests/e2e/pdfa_matrix_test.cpp through a file-size limit.)
  TempDir dir;
  const auto out = dir / "doc.pdf";
  PdfWriter writer;
  writer.begin(out);
  writer.add_page(cv::Mat(200, 200, CV_8U, cv::Scalar(250)), 300, OcrPage{});
  EXPECT_NO_THROW(writer.end());
  EXPECT_TRUE(std::filesystem::exists(out));
  PdfWriter full;
  EXPECT_THROW(
      {
        full.begin("/dev/full/doc.pdf");  // a path that cannot be written
        full.add_page(cv::Mat(200, 200, CV_8U, cv::Scalar(250)), 300, OcrPage{});
        full.end();
      },
      std::exception);
  EXPECT_FALSE(std::filesystem::exists("/dev/full/doc.pdf"));
}

TEST(PdfaCheck, FindsBrokenRules) {
  TempDir dir;
  // A PDF that is not PDF/A at all: no XMP, no output intent, no ID, an unembedded font.
  const std::string plain =
      "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >> endobj\n"
      "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
      "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /Font << /F1 4 0 R >> >> >> endobj\n"
      "4 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
      "5 0 obj << /Type /Action /S /JavaScript /JS (app.alert(1)) >> endobj\n"
      "trailer << /Root 1 0 R /Size 6 >>\n%%EOF\n";
  xueji::testing::write_file(dir / "plain.pdf", plain);
  const auto bad = check_pdfa(dir / "plain.pdf", PdfaLevel::A1b);
  auto has = [&](const std::string& part) {
    for (auto& b : bad)
      if (b.find(part) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("version 1.4")) << ::testing::PrintToString(bad);
  EXPECT_TRUE(has("binary comment"));
  EXPECT_TRUE(has("/ID"));
  EXPECT_TRUE(has("/OpenAction"));
  EXPECT_TRUE(has("actions are not allowed"));
  EXPECT_TRUE(has("no XMP"));
  EXPECT_TRUE(has("output intent"));
  EXPECT_TRUE(has("not embedded"));
  // The writer's own files pass, at both levels, and declare the level they were written for.
  for (PdfaLevel level : {PdfaLevel::A1b, PdfaLevel::A2b}) {
    PdfParams params;
    params.level = level;
    PdfWriter w(params);
    const auto out = dir / (std::string("ok-") + to_string(level) + ".pdf");
    w.begin(out);
    w.add_page(cv::Mat(300, 200, CV_8U, cv::Scalar(250)), 300, OcrPage{});
    w.end();
    EXPECT_TRUE(check_pdfa(out, level).empty());
    EXPECT_FALSE(check_pdfa(out, level == PdfaLevel::A1b ? PdfaLevel::A2b : PdfaLevel::A1b).empty());
  }
}
