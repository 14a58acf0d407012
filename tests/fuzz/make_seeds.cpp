// Writes the image and PDF seed corpora (tests/fuzz/corpus/{image_loader,pdfa_check}/) with
// OpenCV and Xueji's own PDF/A writer: small pages of every format the loader takes and
// one-page archive PDFs at both PDF/A levels. Usage: fuzz_make_seeds CORPUS_DIR
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "archive/pdf_writer.h"
#include "models/error.h"

namespace fs = std::filesystem;

namespace {

cv::Mat page(int w, int h, int type) {
  cv::Mat m(h, w, type, cv::Scalar::all(235));
  cv::rectangle(m, {4, 4, w / 2, h / 4}, cv::Scalar::all(20), cv::FILLED);
  cv::line(m, {2, h - 6}, {w - 3, h - 8}, cv::Scalar::all(40), 2);
  return m;
}

void write(const fs::path& file, const cv::Mat& m, const std::vector<int>& params = {}) {
  if (!cv::imwrite(file.string(), m, params)) throw std::runtime_error("cannot write " + file.string());
}

void images(const fs::path& dir) {
  fs::create_directories(dir);
  write(dir / "gray.png", page(40, 32, CV_8UC1));
  write(dir / "bgr.png", page(24, 20, CV_8UC3));
  write(dir / "bgra.png", page(20, 18, CV_8UC4));
  write(dir / "gray16.png", page(18, 18, CV_16UC1));
  write(dir / "gray.jpg", page(32, 32, CV_8UC1), {cv::IMWRITE_JPEG_QUALITY, 60});
  write(dir / "bgr.jpg", page(32, 24, CV_8UC3), {cv::IMWRITE_JPEG_QUALITY, 60});
  write(dir / "progressive.jpg", page(24, 24, CV_8UC3),
        {cv::IMWRITE_JPEG_QUALITY, 50, cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  write(dir / "restart.jpg", page(32, 32, CV_8UC1), {cv::IMWRITE_JPEG_QUALITY, 50, cv::IMWRITE_JPEG_RST_INTERVAL, 1});
  write(dir / "gray.tif", page(24, 20, CV_8UC1), {cv::IMWRITE_TIFF_XDPI, 300, cv::IMWRITE_TIFF_YDPI, 300,
                                                  cv::IMWRITE_TIFF_RESUNIT, 2});
  if (!cv::imwritemulti((dir / "two-pages.tif").string(),
                        std::vector<cv::Mat>{page(20, 20, CV_8UC3), page(16, 24, CV_8UC1)}))
    throw std::runtime_error("cannot write two-pages.tif");
  write(dir / "gray.pgm", page(20, 16, CV_8UC1));
  write(dir / "bgr.ppm", page(16, 16, CV_8UC3));
}

void pdfs(const fs::path& dir) {
  fs::create_directories(dir);
  xueji::OcrPage ocr;
  ocr.width = 64;
  ocr.height = 48;
  xueji::OcrLine line;
  line.words = {{"学籍卡", {4, 4, 30, 10}, 90}, {"2015", {36, 4, 20, 10}, 90}};
  line.box = {4, 4, 52, 10};
  line.baseline = 13;
  ocr.lines = {line};
  for (const auto level : {xueji::PdfaLevel::A1b, xueji::PdfaLevel::A2b})
    for (const bool color : {false, true}) {
      xueji::PdfParams params;
      params.level = level;
      params.meta = {"学籍卡 fuzz seed", "G110108200803151231", "欧阳晓雯", "3班", "学籍卡", 1,
                     "2026-11-28T16:50:00Z"};
      xueji::PdfWriter writer(params);
      const fs::path file = dir / (std::string("page-") + xueji::to_string(level) + (color ? "-color" : "-gray") + ".pdf");
      writer.begin(file);
      writer.add_page(page(64, 48, color ? CV_8UC3 : CV_8UC1), 72, ocr);
      writer.end();
    }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds CORPUS_DIR\n";
    return 2;
  }
  try {
    images(fs::path(argv[1]) / "image_loader");
    pdfs(fs::path(argv[1]) / "pdfa_check");
  } catch (const std::exception& e) {
    std::cerr << "fuzz_make_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
