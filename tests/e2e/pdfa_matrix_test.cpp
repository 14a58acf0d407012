// The PDF/A acceptance matrix: documents of 1, 10 and 200 pages at both conformance levels,
// written from real pages (generated scans of all five kinds, with tables, seals, 90° and 270°
// turned sources, noise and skew) after the real cleanup and OCR, and checked with real
// readers: pdftotext (text and -bbox-layout word boxes), pdffonts, qpdf --check, the own PDF/A
// rule check, and Ghostscript renders with and without the text layer.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <regex>

#include <opencv2/imgproc.hpp>

#include "archive/pdf_writer.h"
#include "archive/pdfa_check.h"
#include "archive/text_layer.h"
#include "models/error.h"
#include "models/utf8.h"
#include "models/xml_escape.h"
#include "ocr/ocr_engine.h"
#include "pipeline/page_runner.h"
#include "pipeline/page_stages.h"
#include "tests/pagegen/pagegen.h"
#include "tests/test_util.h"

using namespace xueji;
using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

struct SourcePage {
  std::string what;
  PageImage image;
  OcrPage ocr;
};

// Ten real pages, cleaned and recognized once for the whole test program.
const std::vector<SourcePage>& source_pages() {
  static const std::vector<SourcePage> pages = [] {
    TempDir dir;
    struct Case { const char* what; PageKind kind; Degradation d; };
    std::vector<Case> cases = {
        {"student card, clean", PageKind::StudentCard, {}},
        {"transcript table, clean", PageKind::Transcript, {}},
        {"health form with a red seal", PageKind::HealthForm, {.red_seal = true}},
        {"award record turned 90", PageKind::AwardRecord, {.orientation = 90}},
        {"graduate form, noisy gray", PageKind::GraduateForm, {.noise_sigma = 8, .uneven_light = 0.4}},
        {"transcript turned 270 with a seal", PageKind::Transcript, {.orientation = 270, .red_seal = true}},
        {"student card from a JPEG", PageKind::StudentCard, {.jpeg_quality = 85}},
        {"health form skewed 3", PageKind::HealthForm, {.skew_deg = 3}},
        {"award record with borders, skewed", PageKind::AwardRecord, {.skew_deg = -2, .border_px = 40}},
        {"graduate form, clean", PageKind::GraduateForm, {}},
    };
    std::vector<fs::path> files;
    for (size_t i = 0; i < cases.size(); ++i) {
      PageSpec spec;
      spec.seed = 500 + static_cast<unsigned>(i);
      spec.kind = cases[i].kind;
      spec.student = random_student(spec.seed);
      spec.degrade = cases[i].d;
      files.emplace_back(write_page(generate_page(spec), spec, dir.path().string(), "s" + std::to_string(i)));
    }
    std::vector<SourcePage> out;
    EnginePool engines({}, 2);
    process_images(
        files, {}, [](const EngineProvider& e) { return default_page_stages({}, e, nullptr); }, engines, nullptr,
        [&](PageWork& w) {
          SourcePage p;
          p.what = cases[out.size()].what;
          p.image = archive_image(w);
          p.image.pixels = p.image.pixels.clone();
          p.ocr = w.ocr;
          out.push_back(std::move(p));
        });
    return out;
  }();
  return pages;
}

std::string no_space(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f') out.push_back(c);
  return out;
}

size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

struct WriteResult {
  std::vector<int> source;  // source page of each page
  std::vector<PdfPageReport> reports;
  long rss_after_20 = 0, rss_after_all = 0;
};

WriteResult write_doc(const fs::path& out, int n, PdfaLevel level, bool text_layer = true) {
  PdfParams params;
  params.level = level;
  params.text_layer = text_layer;
  params.meta.title = "学籍档案 " + std::to_string(n) + " 页 <测试> & \"引号\"";
  params.meta.student_id = "G11010519491231002X";
  params.meta.student_name = "张𠀋";
  params.meta.class_name = "2015级 3班";
  params.meta.doc_type = "学籍卡";
  params.meta.capture_date = "2026-11-28T12:00:00Z";
  PdfWriter writer(params);
  writer.begin(out);
  WriteResult r;
  const auto& src = source_pages();
  for (int i = 0; i < n; ++i) {
    const int s = i % static_cast<int>(src.size());
    r.source.push_back(s);
    r.reports.push_back(writer.add_page(src[size_t(s)].image, src[size_t(s)].ocr));
    if (i + 1 == 20) r.rss_after_20 = rss_kb();
  }
  r.rss_after_all = rss_kb();
  writer.end();
  return r;
}

std::vector<std::string> split_pages(const std::string& text) {
  std::vector<std::string> pages;
  size_t start = 0;
  for (size_t p; (p = text.find('\f', start)) != std::string::npos; start = p + 1) pages.push_back(text.substr(start, p - start));
  return pages;
}

struct PdfWord {
  std::string text;
  double x0, y0, x1, y1;  // points, origin top-left (pdftotext)
};

// Word boxes of each page from `pdftotext -bbox-layout`.
std::vector<std::vector<PdfWord>> bbox_words(const fs::path& pdf, int first, int last) {
  const auto r = run("pdftotext -bbox-layout -f " + std::to_string(first) + " -l " + std::to_string(last) + " " +
                     quote(pdf.string()) + " -");
  std::vector<std::vector<PdfWord>> pages;
  const std::regex word_re(R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*?)</word>)re");
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("<page ") != std::string::npos) pages.emplace_back();
    std::smatch m;
    if (!pages.empty() && std::regex_search(line, m, word_re))
      pages.back().push_back({xml_unescape(m[5].str()), std::stod(m[1].str()), std::stod(m[2].str()),
                              std::stod(m[3].str()), std::stod(m[4].str())});
  }
  return pages;
}

// For each word poppler extracts, the OCR words it was drawn from (a run of words of one
// line whose texts concatenate to it): the largest distance in points between its box and
// theirs (x: the first word's left and the last word's right edge; y: the line's top and
// bottom, which is the height every run of a line is drawn with). Returns the worst word.
double worst_box_error(const std::vector<PdfWord>& words, const OcrPage& ocr, double dpi, int* unmatched) {
  const double k = 72.0 / dpi;
  double worst = 0;
  for (const PdfWord& w : words) {
    double best = 1e9;
    for (const OcrLine& line : ocr.lines) {
      std::vector<OcrWord> ws;
      for (const OcrWord& o : line.words)
        if (!o.text.empty()) ws.push_back(o);
      std::sort(ws.begin(), ws.end(), [](const OcrWord& a, const OcrWord& b) { return a.box.x < b.box.x; });
      if (ws.empty()) continue;
      int top = ws[0].box.y, bottom = ws[0].box.y + ws[0].box.h;
      for (const OcrWord& o : ws) top = std::min(top, o.box.y), bottom = std::max(bottom, o.box.y + o.box.h);
      for (size_t i = 0; i < ws.size(); ++i) {
        std::string acc;
        for (size_t j = i; j < ws.size() && acc.size() < w.text.size(); ++j) {
          acc += ws[j].text;
          if (acc != w.text) continue;
          const double e = std::max({std::abs(w.x0 - ws[i].box.x * k), std::abs(w.x1 - (ws[j].box.x + ws[j].box.w) * k),
                                     std::abs(w.y0 - top * k), std::abs(w.y1 - bottom * k)});
          best = std::min(best, e);
        }
      }
    }
    if (best > 1e8) ++*unmatched;
    else worst = std::max(worst, best);
  }
  return worst;
}

void check_document(int n, PdfaLevel level) {
  TempDir dir;
  const fs::path pdf = dir / "doc.pdf", bare = dir / "bare.pdf";
  const WriteResult w = write_doc(pdf, n, level);
  write_doc(bare, n, level, /*text_layer=*/false);
  const auto& src = source_pages();
  const std::string level_name = to_string(level);

  // Own PDF/A rule check.
  int pages = 0;
  const auto problems = check_pdfa(pdf, level, &pages);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(pages, n);
  EXPECT_TRUE(check_pdfa(bare, level).empty());
  // qpdf --check (decodes every stream).
  const auto qc = run("qpdf --check " + quote(pdf.string()));
  EXPECT_EQ(qc.exit_code, 0) << qc.out << qc.err;
  EXPECT_NE(qc.out.find("No syntax or stream encoding errors found"), std::string::npos) << qc.out;
  // pdffonts: every font embedded with a ToUnicode map.
  const auto fonts = run("pdffonts " + quote(pdf.string()));
  EXPECT_EQ(fonts.exit_code, 0);
  std::istringstream fl(fonts.out);
  std::string row;
  int font_rows = 0;
  for (int i = 0; std::getline(fl, row); ++i) {
    if (i < 2) continue;
    ++font_rows;
    EXPECT_NE(row.find(" yes no  yes "), std::string::npos) << "font not embedded whole with ToUnicode: " << row;
  }
  EXPECT_EQ(font_rows, 1) << fonts.out;
  // PDF version and metadata as declared.
  const auto info = run("pdfinfo " + quote(pdf.string()));
  EXPECT_NE(info.out.find(level == PdfaLevel::A1b ? "PDF version:     1.4" : "PDF version:     1.7"), std::string::npos) << info.out;
  const auto meta = run("pdfinfo -meta " + quote(pdf.string()));
  EXPECT_NE(meta.out.find(std::string("<pdfaid:part>") + (level == PdfaLevel::A1b ? "1" : "2") + "</pdfaid:part>"),
            std::string::npos);
  EXPECT_NE(meta.out.find("<xueji:StudentName>张𠀋</xueji:StudentName>"), std::string::npos);
  EXPECT_NE(meta.out.find("<xueji:PageCount>" + std::to_string(n) + "</xueji:PageCount>"), std::string::npos);

  // Extraction: every page's text is exactly the OCR text (whitespace aside), in the text
  // layer's order (-raw: poppler's default mode regroups table cells into columns).
  const auto text = run("pdftotext -raw -enc UTF-8 " + quote(pdf.string()) + " -");
  EXPECT_EQ(text.err, "") << "poppler warned";
  const auto page_texts = split_pages(text.out);
  ASSERT_EQ(page_texts.size(), size_t(n));
  size_t chars = 0;
  for (int i = 0; i < n; ++i) {
    const SourcePage& s = src[size_t(w.source[size_t(i)])];
    const std::string want = no_space(s.ocr.text());
    chars += utf8_to_u32(want).size();
    EXPECT_EQ(no_space(page_texts[size_t(i)]), want) << "page " << i + 1 << " (" << s.what << ")";
  }
  EXPECT_GT(chars, size_t(n) * 50);
  if (n == 10) {  // For the record: poppler's default (layout) mode regroups table cells.
    const auto layout = split_pages(run("pdftotext -enc UTF-8 " + quote(pdf.string()) + " -").out);
    double errors = 0, total = 0;
    for (int i = 0; i < n && size_t(i) < layout.size(); ++i) {
      const std::u32string want = utf8_to_u32(no_space(src[size_t(w.source[size_t(i)])].ocr.text()));
      errors += static_cast<double>(edit_distance(utf8_to_u32(no_space(layout[size_t(i)])), want));
      total += static_cast<double>(want.size());
    }
    std::cout << "[ pdf ] pdftotext without -raw: CER " << 100 * errors / total << " % (reading order of table cells)\n";
  }

  // Word boxes (the first ten pages: every source page once).
  const int box_pages = std::min(n, 10);
  const auto words = bbox_words(pdf, 1, box_pages);
  ASSERT_EQ(words.size(), size_t(box_pages));
  for (int i = 0; i < box_pages; ++i) {
    const SourcePage& s = src[size_t(w.source[size_t(i)])];
    int unmatched = 0;
    const double err = worst_box_error(words[size_t(i)], s.ocr, s.image.dpi, &unmatched);
    EXPECT_LE(err, 2.0) << "page " << i + 1 << " (" << s.what << ")";
    EXPECT_EQ(unmatched, 0) << "page " << i + 1 << " (" << s.what << ")";
  }

  // Ghostscript renders the file with and without its text layer to the same pixels.
  const std::string res = n > 10 ? "20" : "50";
  for (const fs::path& f : {pdf, bare}) {
    const auto g = run("gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=ppmraw -r" + res + " -sOutputFile=" +
                       quote(f.string() + ".ppm") + " " + quote(f.string()));
    ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
  }
  const std::string with_text = read_file(pdf.string() + ".ppm"), without = read_file(bare.string() + ".ppm");
  EXPECT_GT(with_text.size(), size_t(n) * 1000);
  EXPECT_TRUE(with_text == without) << "the text layer changes rendered pixels";

  // Size: bilevel pages <= 60 KB.
  for (size_t i = 0; i < w.reports.size(); ++i)
    if (w.reports[i].bilevel) {
      EXPECT_LE(w.reports[i].bytes, 60 * 1024) << "page " << i + 1;
    }

  // Memory: flat while pages are added (RSS after page 20 vs after the last page).
  if (n >= 200) {
    EXPECT_LT(w.rss_after_all - w.rss_after_20, 4 * 1024)
        << "RSS grew from " << w.rss_after_20 << " kB to " << w.rss_after_all << " kB";
  }
  std::cout << "[ pdf ] " << n << " pages, PDF/A-" << level_name << ": " << fs::file_size(pdf) << " bytes ("
            << fs::file_size(pdf) / n << " per page), without text layer " << fs::file_size(bare)
            << "; RSS after 20 pages " << w.rss_after_20 << " kB, after " << n << " " << w.rss_after_all << " kB\n";
}

}  // namespace

TEST(PdfaMatrix, SourcePagesCoverEveryImageKind) {
  const auto& src = source_pages();
  ASSERT_EQ(src.size(), 10u);
  int bilevel = 0, color = 0, gray = 0, jpeg = 0;
  for (const auto& s : src) {
    if (!s.image.jpeg.empty()) ++jpeg;
    else if (s.image.bilevel) ++bilevel;
    else if (s.image.pixels.channels() == 3) ++color;
    else ++gray;
  }
  std::cout << "[ pdf ] source pages: " << bilevel << " bilevel, " << gray << " gray, " << color << " colour, " << jpeg
            << " JPEG passed through\n";
  TempDir dir;
  PdfWriter writer;
  writer.begin(dir / "each.pdf");
  for (const auto& s : src) {
    const PdfPageReport r = writer.add_page(s.image, s.ocr);
    std::cout << "[ pdf ]   " << s.what << ": " << r.bytes << " bytes, " << (r.bilevel ? "G4" : r.passed_through ? "JPEG as is" : "JPEG q")
              << (r.jpeg_quality ? std::to_string(r.jpeg_quality) : "") << ", " << s.image.pixels.cols << "x" << s.image.pixels.rows
              << "x" << s.image.pixels.channels() << ", text " << r.text_bytes << " bytes / " << r.characters << " chars\n";
  }
  writer.end();
  EXPECT_GE(bilevel, 2);
  EXPECT_GE(color, 2);
  EXPECT_GE(gray, 1);
  EXPECT_GE(jpeg, 1);
}

TEST(PdfaMatrix, OnePage1b) { check_document(1, PdfaLevel::A1b); }
TEST(PdfaMatrix, OnePage2b) { check_document(1, PdfaLevel::A2b); }
TEST(PdfaMatrix, TenPages1b) { check_document(10, PdfaLevel::A1b); }
TEST(PdfaMatrix, TenPages2b) { check_document(10, PdfaLevel::A2b); }
TEST(PdfaMatrix, TwoHundredPages1b) { check_document(200, PdfaLevel::A1b); }
TEST(PdfaMatrix, TwoHundredPages2b) { check_document(200, PdfaLevel::A2b); }

TEST(PdfaMatrix, TextLayerCostsAtMostTenBytesPerCharacterAfterTheFirstPage) {
  TempDir dir;
  auto cost = [&](int n) {
    write_doc(dir / ("t" + std::to_string(n) + ".pdf"), n, PdfaLevel::A2b);
    write_doc(dir / ("b" + std::to_string(n) + ".pdf"), n, PdfaLevel::A2b, false);
    return static_cast<double>(fs::file_size(dir / ("t" + std::to_string(n) + ".pdf"))) -
           static_cast<double>(fs::file_size(dir / ("b" + std::to_string(n) + ".pdf")));
  };
  const auto& src = source_pages();
  double chars = 0;  // characters of pages 2..10
  for (size_t i = 1; i < src.size(); ++i) chars += static_cast<double>(utf8_to_u32(no_space(src[i].ocr.text())).size());
  const double one = cost(1), ten = cost(10);
  const double per_char = (ten - one) / chars;
  std::cout << "[ pdf ] text layer: first page " << one << " bytes, pages 2-10 " << ten - one << " bytes for " << chars
            << " characters = " << per_char << " bytes per character\n";
  EXPECT_LE(per_char, 10.0);
}

TEST(PdfaMatrix, FullDiskLeavesNoFileUnderTheFinalName) {
  // A full disk, as the writer sees it: writes fail part-way (here through a file-size limit,
  // which makes write() fail with EFBIG as ENOSPC would; no mount rights in CI).
  TempDir dir;
  const fs::path out = dir / "full.pdf";
  const auto& src = source_pages();
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{300 * 1024, 300 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    int code = 1;
    try {
      PdfWriter writer;
      writer.begin(out);
      for (int i = 0; i < 40; ++i) writer.add_page(src[size_t(i) % src.size()].image, src[size_t(i) % src.size()].ocr);
      writer.end();
    } catch (const Error& e) {
      code = e.code() == ErrorCode::Io && std::string(e.what()).find("File too large") != std::string::npos ? 42 : 2;
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 42) << "expected a clear I/O error";
  EXPECT_FALSE(fs::exists(out));
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 0) << "temporary files left behind";
}

TEST(PdfaMatrix, TextAtAnAngleIsDrawnAlongItsLineAndExtractsExactly) {
  // A page scanned 4° askew and recognized as it is (no deskew): Tesseract reports the lines'
  // slope, and the text layer runs along them.
  std::vector<PlacedWord> words;
  const char* lines[] = {"学生姓名张晓雯", "综合素质评价优秀", "准予毕业二〇一五年", "班主任签字盖章"};
  for (int i = 0; i < 4; ++i) words.push_back({lines[i], 400, 600 + i * 160, 60});
  const PlacedPage placed = render_placed_words(words, 4.0);
  cv::Mat gray;
  cv::cvtColor(placed.image, gray, cv::COLOR_BGR2GRAY);
  OcrEngine engine;
  const OcrPage ocr = engine.recognize(gray, 300);
  ASSERT_GE(ocr.lines.size(), 4u) << ocr.text();
  for (const OcrLine& l : ocr.lines) EXPECT_NEAR(l.angle_deg, 4.0, 1.0) << l.text();
  TempDir dir;
  PdfWriter writer;
  writer.begin(dir / "tilted.pdf");
  writer.add_page(gray, 300, ocr);
  writer.end();
  const auto text = run("pdftotext -raw -enc UTF-8 " + quote((dir / "tilted.pdf").string()) + " -");
  EXPECT_EQ(text.err, "");
  EXPECT_EQ(no_space(text.out), no_space(ocr.text()));
  EXPECT_TRUE(check_pdfa(dir / "tilted.pdf", PdfaLevel::A2b).empty());
  EXPECT_EQ(run("qpdf --check " + quote((dir / "tilted.pdf").string())).exit_code, 0);
  // Each line's words lie along the drawn line: poppler's word boxes stay inside the OCR
  // line's box. Tolerance 3 pt: poppler boxes each tilted character axis-aligned, which adds
  // up to one em·sin(4°) ≈ 1 pt to the 2 pt allowed for level text.
  const auto boxes = bbox_words(dir / "tilted.pdf", 1, 1);
  ASSERT_EQ(boxes.size(), 1u);
  const double k = 72.0 / 300;
  for (const PdfWord& w : boxes[0]) {
    bool inside = false;
    for (const OcrLine& l : ocr.lines)
      inside = inside || (w.x0 >= l.box.x * k - 3 && w.x1 <= (l.box.x + l.box.w) * k + 3 && w.y0 >= l.box.y * k - 3 &&
                          w.y1 <= (l.box.y + l.box.h) * k + 3);
    std::string lb;
    for (const OcrLine& l : ocr.lines)
      lb += " [" + std::to_string(l.box.x * k) + "," + std::to_string(l.box.y * k) + "-" + std::to_string((l.box.x + l.box.w) * k) + "," +
            std::to_string((l.box.y + l.box.h) * k) + " a=" + std::to_string(l.angle_deg) + " bl=" + std::to_string(l.baseline * k) + "]";
    EXPECT_TRUE(inside) << w.text << " at " << w.x0 << "," << w.y0 << "-" << w.x1 << "," << w.y1 << lb;
  }
}
