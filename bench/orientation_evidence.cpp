// How well a reading tells the way up: for each generated page (its truth JSON beside it), the
// page is cleaned with its true orientation, then the OCR image is read as it is and turned
// 90, 180 and 270 degrees; prints one JSON line per page with each reading's mean character
// confidence and its count of CJK characters.
//   orientation_evidence [--engine ppocr|tesseract] PAGE.json...
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "capture/page_analysis.h"
#include "models/utf8.h"
#include "ocr/ocr_engine.h"

using namespace xueji;

int main(int argc, char** argv) {
  OcrParams params;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--engine" && i + 1 < argc) params.recognizer = parse_recognizer(argv[++i]);
    else files.push_back(a);
  }
  OcrEngine engine(params);
  for (const std::string& f : files) {
    const nlohmann::json truth = nlohmann::json::parse(std::ifstream(f));
    if (truth.value("blank", false)) continue;
    std::string image = f.substr(0, f.size() - 5) + ".png";
    if (!std::ifstream(image)) image = f.substr(0, f.size() - 5) + ".jpg";
    const LoadedImage in = load_image_file(image).front();
    PageAnalysis a = analyze_page(in.image, in.dpi);
    a.orientation.orientation = truth.value("orientation", 0);
    const CleanedPage c = clean_page_with(in.image, in.dpi, a);
    nlohmann::json row = {{"file", image}};
    for (int turn : {0, 90, 180, 270}) {
      cv::Mat img = c.ocr_image;
      if (turn == 90) cv::rotate(img, img, cv::ROTATE_90_CLOCKWISE);
      if (turn == 180) cv::rotate(img, img, cv::ROTATE_180);
      if (turn == 270) cv::rotate(img, img, cv::ROTATE_90_COUNTERCLOCKWISE);
      const OcrPage p = engine.recognize(img, in.dpi);
      int cjk = 0;
      double sum = 0;
      int n = 0;
      for (const OcrLine& l : p.lines)
        for (const OcrWord& w : l.words) {
          const auto u = utf8_to_u32(w.text);
          for (char32_t ch : u) cjk += ch >= 0x4E00 && ch <= 0x9FFF;
          sum += w.confidence * u.size();
          n += static_cast<int>(u.size());
        }
      row[std::to_string(turn)] = {{"conf", n ? sum / n : 0.0}, {"cjk", cjk}, {"chars", n}};
    }
    std::cout << row.dump() << std::endl;
  }
}
