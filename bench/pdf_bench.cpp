// PDF writer benchmark, the measuring half (bench/pdf_bench.py runs it and OCRmyPDF on the same
// pages). Generates pages of three image classes — bilevel (clean print), gray (a worn page:
// noise and uneven light) and colour (a red seal) — cleans and recognizes them with the real
// pipeline once, then times PdfWriter::add_page for each page (image encoding, text layer,
// copy to disk) and writes one document per class. The masters as embedded are saved as the
// other tools' input: bilevel as 1-bit PNG, gray and colour as the very JPEG Xueji embeds, so
// that both tools start from the same pixels at the same quality.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "archive/page_image.h"
#include "archive/pdf_writer.h"
#include "models/utf8.h"
#include "pipeline/page_runner.h"
#include "pipeline/page_stages.h"
#include "tests/pagegen/pagegen.h"

using namespace xueji;
using namespace xueji::testing;
namespace fs = std::filesystem;

namespace {

struct Page {
  PageImage image;
  OcrPage ocr;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Xueji PDF writer benchmark");
  int per_class = 5;
  std::string out_dir;
  unsigned seed = 31;
  app.add_option("--pages", per_class, "pages per image class")->check(CLI::PositiveNumber);
  app.add_option("--out", out_dir, "folder for documents and the reference tools' input")->required();
  app.add_option("--seed", seed, "generator seed");
  CLI11_PARSE(app, argc, argv);

  const PageKind kinds[] = {PageKind::StudentCard, PageKind::Transcript, PageKind::HealthForm, PageKind::AwardRecord,
                            PageKind::GraduateForm};
  const std::vector<std::string> classes = {"bilevel", "gray", "colour"};
  nlohmann::json result;
  result["pages_per_class"] = per_class;
  for (const std::string& cls : classes) {
    const fs::path dir = fs::path(out_dir) / cls;
    fs::create_directories(dir / "generated");
    std::vector<fs::path> files;
    for (int i = 0; i < per_class; ++i) {
      PageSpec spec;
      spec.seed = seed + static_cast<unsigned>(i) * 7 + (cls == "gray" ? 1000 : cls == "colour" ? 2000 : 0);
      spec.kind = kinds[i % 5];
      spec.student = random_student(spec.seed);
      if (cls == "gray") spec.degrade.noise_sigma = 3, spec.degrade.uneven_light = 0.5, spec.degrade.blur_sigma = 0.6;
      if (cls == "colour") spec.degrade.red_seal = true;
      files.emplace_back(write_page(generate_page(spec), spec, (dir / "generated").string(), "g" + std::to_string(i)));
    }
    std::vector<Page> pages;
    EnginePool engines({}, 2);
    process_images(
        files, {}, [](const EngineProvider& e) { return default_page_stages({}, e, nullptr); }, engines, nullptr,
        [&](PageWork& w) {
          Page p{archive_image(w), w.ocr};
          p.image.pixels = p.image.pixels.clone();
          pages.push_back(std::move(p));
        });

    PdfParams params;
    params.meta.title = "benchmark " + cls;
    params.meta.capture_date = "2026-11-28T12:00:00Z";
    PdfWriter writer(params);
    const fs::path pdf = dir / "xueji-writer.pdf";
    fs::remove(pdf);
    writer.begin(pdf);
    std::vector<double> ms;
    long long chars = 0;
    std::map<std::string, int> coding;
    for (size_t i = 0; i < pages.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const PdfPageReport r = writer.add_page(pages[i].image, pages[i].ocr);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      chars += r.characters;
      coding[r.bilevel ? "g4" : r.passed_through ? "jpeg-as-is" : "jpeg-q" + std::to_string(r.jpeg_quality)]++;
      // The reference tools' input: the same pixels at the same quality.
      char name[32];
      std::snprintf(name, sizeof name, "p%03zu", i);
      const PageImage& img = pages[i].image;
      if (r.bilevel) {
        cv::Mat gray = img.pixels, bw;
        if (gray.channels() == 3) cv::cvtColor(gray, gray, cv::COLOR_BGR2GRAY);
        cv::threshold(gray, bw, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
        cv::imwrite((dir / (std::string(name) + ".png")).string(), bw, {cv::IMWRITE_PNG_BILEVEL, 1});
      } else {
        const EncodedImage e = encode_page_image(img, params.jpeg);
        std::ofstream(dir / (std::string(name) + ".jpg"), std::ios::binary) << e.jpeg;
      }
    }
    writer.end();
    const double bytes = static_cast<double>(fs::file_size(pdf));
    nlohmann::json c;
    c["pages"] = pages.size();
    c["write_ms_median"] = median(ms);
    c["write_ms_max"] = *std::max_element(ms.begin(), ms.end());
    c["bytes_per_page"] = bytes / static_cast<double>(pages.size());
    c["characters"] = chars;
    c["coding"] = coding;
    c["pdf"] = pdf.string();
    result[cls] = c;
    std::cerr << cls << ": " << pages.size() << " pages, write median " << median(ms) << " ms, "
              << bytes / static_cast<double>(pages.size()) / 1024 << " KB/page\n";
  }
  std::cout << result.dump(2) << "\n";
  return 0;
}
