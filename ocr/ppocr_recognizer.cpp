#include "ocr/ppocr_recognizer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include <opencv2/imgproc.hpp>

#include "models/error.h"
#include "ocr/dnn_layers.h"

namespace xueji {
namespace {

constexpr int kHeight = PpOcrRecognizer::kHeight;
constexpr int kStep = 8;     // input pixels of width per output time step
const char* kInstallHint = "run scripts/install-models.sh (part of scripts/install-deps.sh) as root, or set XUEJI_MODEL_DIR";

std::filesystem::path rec_folder(const std::filesystem::path& dir) { return dir / "ppocr-v4"; }

}  // namespace

std::filesystem::path default_model_dir() {
  if (const char* env = std::getenv("XUEJI_MODEL_DIR"); env && *env) return env;
  return "/usr/local/share/xueji/models";
}

PpOcrRecognizer::PpOcrRecognizer(const std::filesystem::path& model_dir) : folder_(rec_folder(model_dir)) {
  const std::filesystem::path keys = folder_ / "ppocr_keys_v1.txt";
  std::ifstream in(keys);
  if (!in)
    throw Error(ErrorCode::Ocr, "missing PP-OCR model file " + keys.string() + " (" + kInstallHint + ")");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    keys_.push_back(line);
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("rec-", 0) == 0 && entry.path().extension() == ".onnx") {
      const int w = std::atoi(name.c_str() + 4);
      if (w >= kStep) widths_.push_back(w);
    }
  }
  std::sort(widths_.begin(), widths_.end());
  if (keys_.size() < 1000 || widths_.empty())
    throw Error(ErrorCode::Ocr, "incomplete PP-OCR model folder " + folder_.string() + " (" + kInstallHint + ")");
  register_dnn_layers();
}

cv::Mat PpOcrRecognizer::logits(int width, const cv::Mat& blob) {
  auto it = nets_.find(width);
  if (it == nets_.end()) {
    const std::filesystem::path file = folder_ / ("rec-" + std::to_string(width) + ".onnx");
    cv::dnn::Net net;
    try {
      net = cv::dnn::readNetFromONNX(file.string());
    } catch (const cv::Exception& e) {
      throw Error(ErrorCode::Ocr, "cannot read the PP-OCR graph " + file.string() + ": " + e.what());
    }
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    it = nets_.emplace(width, std::move(net)).first;
  }
  try {
    it->second.setInput(blob);
    cv::Mat out = it->second.forward();
    // 1 x T x C -> T x C, a view of the net's output (valid until its next pass)
    return cv::Mat(out.size[1], out.size[2], CV_32F, out.ptr<float>());
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Ocr, std::string("PP-OCR recognition failed: ") + e.what());
  }
}

LineReading PpOcrRecognizer::read(const cv::Mat& crop) {
  LineReading out;
  if (crop.empty() || crop.rows < 2 || crop.cols < 2) return out;
  cv::Mat gray;
  if (crop.channels() == 3) cv::cvtColor(crop, gray, cv::COLOR_BGR2GRAY);
  else gray = crop;
  const double scale = double(kHeight) / gray.rows;
  const int scaled_w = std::max(kStep, static_cast<int>(std::ceil(gray.cols * scale)));
  cv::Mat line;
  cv::resize(gray, line, cv::Size(scaled_w, kHeight), 0, 0, cv::INTER_AREA);
  const double back = double(gray.cols) / scaled_w;  // crop pixels per scaled pixel
  // A line wider than the widest graph is cut at the lightest column (least ink) within the
  // last quarter before the limit, and read in parts.
  cv::Mat ink;
  if (scaled_w > max_width()) cv::reduce(255 - line, ink, 0, cv::REDUCE_SUM, CV_64F);
  for (int x = 0; x < scaled_w;) {
    int end = scaled_w;
    if (scaled_w - x > max_width()) {
      const int lo = x + max_width() * 3 / 4, hi = x + max_width() - 1;
      end = hi;
      for (int c = hi; c >= lo; --c)
        if (ink.at<double>(0, c) < ink.at<double>(0, end)) end = c;
    }
    for (RecognizedChar c : read_scaled(line.colRange(x, end))) {
      c.x0 = static_cast<int>(std::lround((c.x0 + x) * back));
      c.x1 = static_cast<int>(std::lround((c.x1 + x) * back));
      out.chars.push_back(std::move(c));
    }
    x = end;
  }
  return out;
}

std::vector<RecognizedChar> PpOcrRecognizer::read_scaled(const cv::Mat& line) {
  CV_Assert(line.type() == CV_8U && line.rows == kHeight && line.cols <= max_width());
  std::vector<RecognizedChar> chars;
  const int width = *std::lower_bound(widths_.begin(), widths_.end(), std::max(line.cols, kStep));
  // NCHW, three equal channels, (v / 255 - 0.5) / 0.5, padded with white (1.0).
  const int sizes[] = {1, 3, kHeight, width};
  cv::Mat& blob = blobs_[width];  // kept: no large allocation per line
  if (blob.empty()) blob.create(4, sizes, CV_32F);
  blob.setTo(cv::Scalar(1.0));
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(kHeight, width, CV_32F, blob.ptr<float>(0, c));
    line.convertTo(plane(cv::Rect(0, 0, line.cols, kHeight)), CV_32F, 2.0 / 255.0, -1.0);
  }
  const cv::Mat lg = logits(width, blob);
  const int steps = std::min(lg.rows, (line.cols + kStep - 1) / kStep);
  const int classes = lg.cols;
  // Greedy CTC: the best class per step; a run of equal classes is one character, class 0 none.
  int prev = 0, run = 0;
  for (int t = 0; t < steps; ++t) {
    const float* row = lg.ptr<float>(t);
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    if (best == 0) {
      prev = 0;
      continue;
    }
    float sum = 0;  // the softmax of the winner, only where a character is
    for (int k = 0; k < classes; ++k) sum += std::exp(row[k] - row[best]);
    const float p = 1.f / sum;
    if (best == prev) {
      RecognizedChar& c = chars.back();
      c.probability += (p - c.probability) / float(++run);
      c.x1 = (t + 1) * kStep;
      continue;
    }
    prev = best;
    RecognizedChar c;
    c.text = best - 1 < static_cast<int>(keys_.size()) ? keys_[best - 1] : std::string(" ");
    c.probability = p;
    c.x0 = t * kStep;
    c.x1 = (t + 1) * kStep;
    run = 1;
    chars.push_back(std::move(c));
  }
  return chars;
}

}  // namespace xueji
