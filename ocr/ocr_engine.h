#pragma once
// Tesseract recognition behind our own result model (OcrPage). One OcrEngine wraps one
// TessBaseAPI, initialized once and reused for many pages; use one engine per thread.
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "models/ocr_page.h"
#include "models/chinese_fold.h"
#include "models/progress.h"
#include "ocr/result_cleanup.h"

namespace tesseract {
class TessBaseAPI;
}

namespace xueji {
class PpOcrRecognizer;
class TextDetector;
}

namespace xueji {

// Who reads the characters. PP-OCR (the default): Tesseract's layout pass finds the lines and
// PaddleOCR's PP-OCRv4 recognizer reads them (ocr/ppocr_lines.h); it reads unseen fonts far
// better than Debian's chi_sim model (bench/ocr_bench.py). Tesseract: the whole page by
// Tesseract, as before.
enum class Recognizer { PpOcr, Tesseract };

Recognizer parse_recognizer(const std::string& name);  // "ppocr" | "tesseract"; throws InvalidArgument

// Where the PP-OCR engine's lines come from: PP-OCRv4's DB text detector (the default: it finds
// faded and small print that a threshold loses, ocr/text_detector.h), or Tesseract's layout pass.
enum class LineFinder { Detector, Tesseract };
LineFinder parse_line_finder(const std::string& name);  // "detector" | "tesseract"

struct OcrParams {
  Recognizer recognizer = Recognizer::PpOcr;
  LineFinder lines = LineFinder::Detector;  // PP-OCR engine only
  std::filesystem::path model_dir;  // empty: default_model_dir() (XUEJI_MODEL_DIR or the installed folder)
  std::string languages = "chi_sim";
  std::string tessdata_dir;  // empty: Tesseract's default (TESSDATA_PREFIX or the system path)
  int page_seg_mode = 6;     // single uniform block: keeps form rows in reading order
  ResultCleanupParams cleanup;
  bool reread_split_lines = true;  // read overlapping lines (split large titles) again as one line
};

class OcrEngine {
 public:
  explicit OcrEngine(const OcrParams& params = {});
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognizes an 8-bit gray (or BGR) image; boxes are in that image's pixels.
  OcrPage recognize(const cv::Mat& image, double dpi, const CancelToken* cancel = nullptr);
  Recognizer recognizer() const { return params_.recognizer; }

 private:
  cv::Mat thresholded_ink();
  // `gray`: 8-bit, continuous.
  OcrPage recognize_ppocr(const cv::Mat& gray, double dpi, const CancelToken* cancel);
  OcrPage recognize_tesseract(const cv::Mat& gray, double dpi, const CancelToken* cancel);
  void finish(OcrPage& page, const cv::Mat& ink);

  OcrParams params_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  std::unique_ptr<PpOcrRecognizer> ppocr_;
  std::unique_ptr<TextDetector> detector_;
  ChineseFolder folder_;
};

}  // namespace xueji
