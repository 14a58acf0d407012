#pragma once
// PP-OCRv4 text-line recognition (PaddleOCR's Chinese model) run through OpenCV's DNN module.
//
// Design notes: the model reads a line image scaled to 48 pixels high and emits one class
// distribution per 8 pixels of width (CTC: class 0 is "no character", 1..6623 the lines of
// ppocr_keys_v1.txt, the last a space). OpenCV 4.6 needs a graph whose input width is fixed
// (scripts/ppocr_convert.py writes one per width, `rec-<W>.onnx`), so a line is scaled to 48
// pixels, padded with paper white to the next width there is, and only the time steps that
// cover the line are decoded. A line wider than the widest graph is cut at the emptiest column
// near the limit and read in parts. Each character carries the span of its time steps, mapped
// back to the crop's pixels: that is where its ink is (the boxes the PDF text layer and search
// hits use), not an even share of the line. Graphs are read on first use and kept; one
// recognizer per thread.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace xueji {

struct RecognizedChar {
  std::string text;  // UTF-8, one code point (a space for the model's space class)
  int x0 = 0, x1 = 0;  // span in the crop's pixels
  float probability = 0;  // 0..1, the mean of its time steps' winning probabilities
};

struct LineReading {
  std::vector<RecognizedChar> chars;
};

// The folder the models are installed in: XUEJI_MODEL_DIR, else /usr/local/share/xueji/models.
std::filesystem::path default_model_dir();

class PpOcrRecognizer {
 public:
  // `model_dir` holds ppocr-v4/ppocr_keys_v1.txt and ppocr-v4/rec-<W>.onnx (see
  // scripts/install-models.sh); throws Error(Ocr) naming the install step when they are missing.
  explicit PpOcrRecognizer(const std::filesystem::path& model_dir);

  // `crop`: 8-bit gray (or BGR) image of one line of text, dark on light.
  LineReading read(const cv::Mat& crop);

  // `line`: 8-bit gray, kHeight rows (a line already scaled to the model's height), at most
  // max_width() columns; character spans in its columns.
  std::vector<RecognizedChar> read_scaled(const cv::Mat& line);
  static constexpr int kHeight = 48;
  int max_width() const { return widths_.back(); }

  // The graph for `width` (one of widths()) on the given input, raw logits (T x classes), valid
  // until the next call.
  cv::Mat logits(int width, const cv::Mat& blob);
  const std::vector<int>& widths() const { return widths_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:

  std::filesystem::path folder_;
  std::vector<std::string> keys_;  // class i (1-based) -> keys_[i - 1]; the last class is a space
  std::vector<int> widths_;        // ascending
  std::map<int, cv::dnn::Net> nets_;
  std::map<int, cv::Mat> blobs_;  // input buffer per width
};

}  // namespace xueji
