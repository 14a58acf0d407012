#include "ocr/ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <opencv2/imgproc.hpp>

#include "models/error.h"
#include "models/utf8.h"
#include "ocr/text_normalize.h"

#include <algorithm>
#include <filesystem>

namespace xueji {
namespace {

// Tesseract returns new[]-allocated strings.
struct TessText {
  char* p;
  ~TessText() { delete[] p; }
};

Box to_box(int l, int t, int r, int b) { return Box{l, t, r - l, b - t}; }

}  // namespace

// Where Tesseract will look for language data, as it resolves it itself.
std::filesystem::path tessdata_dir(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env && *env) return env;
  return "/usr/share/tesseract-ocr/5/tessdata";
}

OcrEngine::OcrEngine(const OcrParams& params)
    : params_(params), api_(std::make_unique<tesseract::TessBaseAPI>()) {
  // A missing language file gets a message naming the file and the Debian package.
  const std::filesystem::path dir = tessdata_dir(params_.tessdata_dir);
  std::string langs = params_.languages;
  for (size_t start = 0; start <= langs.size();) {
    size_t end = langs.find('+', start);
    if (end == std::string::npos) end = langs.size();
    const std::string lang = langs.substr(start, end - start);
    const std::filesystem::path file = dir / (lang + ".traineddata");
    std::error_code ec;
    if (!lang.empty() && !std::filesystem::exists(file, ec)) {
      std::string package = "tesseract-ocr-" + lang;
      std::replace(package.begin(), package.end(), '_', '-');
      throw Error(ErrorCode::Ocr, "missing OCR language data " + file.string() + " (install the Debian package " +
                                      package + ")");
    }
    start = end + 1;
  }
  const char* datapath = params_.tessdata_dir.empty() ? nullptr : params_.tessdata_dir.c_str();
  if (api_->Init(datapath, params_.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
    throw Error(ErrorCode::Ocr, "cannot start Tesseract with language data '" +
                                    params_.languages +
                                    "' (is tesseract-ocr-chi-sim installed?)");
  api_->SetPageSegMode(static_cast<tesseract::PageSegMode>(params_.page_seg_mode));
}

OcrEngine::~OcrEngine() {
  if (api_) api_->End();
}

OcrPage OcrEngine::recognize(const cv::Mat& image, double dpi, const CancelToken* cancel) {
  cv::Mat gray;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else gray = image;
  if (!gray.isContinuous()) gray = gray.clone();

  api_->SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  api_->SetSourceResolution(static_cast<int>(std::lround(dpi)));

  tesseract::ETEXT_DESC monitor;
  if (cancel) {
    monitor.cancel_this = const_cast<CancelToken*>(cancel);
    monitor.cancel = [](void* token, int) {
      return static_cast<CancelToken*>(token)->cancelled();
    };
  }
  if (api_->Recognize(&monitor) != 0) {
    api_->Clear();
    if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "OCR cancelled");
    throw Error(ErrorCode::Ocr, "Tesseract could not recognize the page");
  }

  OcrPage page;
  page.width = gray.cols;
  page.height = gray.rows;
  page.dpi = dpi;
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  if (it) {
    OcrLine* line = nullptr;
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
        page.lines.emplace_back();
        line = &page.lines.back();
        int l, t, r, b;
        if (it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b)) line->box = to_box(l, t, r, b);
        int x1, y1, x2, y2;
        if (it->Baseline(tesseract::RIL_TEXTLINE, &x1, &y1, &x2, &y2)) line->baseline = (y1 + y2) / 2;
        else line->baseline = line->box.y + line->box.h;
      }
      TessText word{it->GetUTF8Text(tesseract::RIL_WORD)};
      if (!word.p || !line) continue;
      std::string text(word.p);
      // Drop whitespace Tesseract may leave inside a word.
      std::string clean;
      for (char c : text)
        if (c != ' ' && c != '\n' && c != '\t') clean.push_back(c);
      if (clean.empty()) continue;
      OcrWord w;
      w.text = std::move(clean);  // punctuation is normalized per line below
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) w.box = to_box(l, t, r, b);
      w.confidence = it->Confidence(tesseract::RIL_WORD);
      line->words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
  }
  std::erase_if(page.lines, [](const OcrLine& l) { return l.words.empty(); });
  for (OcrLine& l : page.lines) normalize_punctuation(l);
  api_->Clear();
  return page;
}

}  // namespace xueji
