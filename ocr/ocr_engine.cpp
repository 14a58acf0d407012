#include "ocr/ocr_engine.h"

#include <cmath>

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <leptonica/allheaders.h>
#include <tesseract/resultiterator.h>

#include <opencv2/imgproc.hpp>

#include "models/error.h"
#include "models/utf8.h"
#include "ocr/box_snap.h"
#include "ocr/ppocr_lines.h"
#include "ocr/ppocr_recognizer.h"
#include "ocr/result_cleanup.h"
#include "ocr/text_detector.h"
#include "ocr/text_normalize.h"

#include <algorithm>
#include <climits>
#include <iterator>
#include <filesystem>

namespace xueji {
namespace {

// Tesseract returns new[]-allocated strings.
struct TessText {
  char* p;
  ~TessText() { delete[] p; }
};

Box to_box(int l, int t, int r, int b) { return Box{l, t, r - l, b - t}; }

// Lines, words and their text from Tesseract's result, in its reading order.
std::vector<OcrLine> read_lines(tesseract::ResultIterator* it) {
  std::vector<OcrLine> lines;
  if (!it) return lines;
  OcrLine* line = nullptr;
  do {
    if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
      line = &lines.emplace_back();
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b)) line->box = to_box(l, t, r, b);
      int x1, y1, x2, y2;
      if (it->Baseline(tesseract::RIL_TEXTLINE, &x1, &y1, &x2, &y2)) {
        line->baseline = (y1 + y2) / 2;
        if (x2 > x1) line->angle_deg = std::atan2(double(y1 - y2), double(x2 - x1)) * 180.0 / M_PI;
      } else {
        line->baseline = line->box.y + line->box.h;
      }
    }
    TessText text{it->GetUTF8Text(tesseract::RIL_WORD)};
    if (!text.p || !line) continue;
    OcrWord& w = line->words.emplace_back();
    for (const char* c = text.p; *c; ++c)  // drop whitespace Tesseract may leave inside a word
      if (*c != ' ' && *c != '\n' && *c != '\t') w.text.push_back(*c);
    int l, t, r, b;
    if (it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) w.box = to_box(l, t, r, b);
    w.confidence = it->Confidence(tesseract::RIL_WORD);
  } while (it->Next(tesseract::RIL_WORD));
  return lines;
}

Box union_box(const std::vector<OcrLine>& lines, const std::vector<size_t>& group) {
  int l = INT_MAX, t = INT_MAX, r = INT_MIN, b = INT_MIN;
  for (size_t i : group) {
    const Box& x = lines[i].box;
    l = std::min(l, x.x), t = std::min(t, x.y), r = std::max(r, x.x + x.w), b = std::max(b, x.y + x.h);
  }
  return Box{l, t, r - l, b - t};
}

double mean_confidence(const std::vector<OcrLine>& lines) {
  OcrPage page;
  page.lines = lines;
  return page.mean_confidence();
}

// The line boxes of Tesseract's layout pass (no recognition), in its reading order.
std::vector<LayoutLine> layout_lines(tesseract::PageIterator* it) {
  std::vector<LayoutLine> lines;
  if (!it) return lines;
  do {
    int l, t, r, b;
    if (!it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b)) continue;
    LayoutLine& line = lines.emplace_back();
    line.box = to_box(l, t, r, b);
    int x1, y1, x2, y2;
    if (it->Baseline(tesseract::RIL_TEXTLINE, &x1, &y1, &x2, &y2)) {
      line.baseline = (y1 + y2) / 2;
      if (x2 > x1) line.angle_deg = std::atan2(double(y1 - y2), double(x2 - x1)) * 180.0 / M_PI;
    } else {
      line.baseline = b;
    }
  } while (it->Next(tesseract::RIL_TEXTLINE));
  return lines;
}

}  // namespace

Recognizer parse_recognizer(const std::string& name) {
  if (name == "ppocr") return Recognizer::PpOcr;
  if (name == "tesseract") return Recognizer::Tesseract;
  throw Error(ErrorCode::InvalidArgument, "unknown OCR engine '" + name + "' (ppocr or tesseract)");
}

LineFinder parse_line_finder(const std::string& name) {
  if (name == "detector") return LineFinder::Detector;
  if (name == "tesseract") return LineFinder::Tesseract;
  throw Error(ErrorCode::InvalidArgument, "unknown line finder '" + name + "' (detector or tesseract)");
}

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
  if (params_.recognizer == Recognizer::PpOcr) {
    const std::filesystem::path models = params_.model_dir.empty() ? default_model_dir() : params_.model_dir;
    ppocr_ = std::make_unique<PpOcrRecognizer>(models);
    if (params_.lines == LineFinder::Detector) detector_ = std::make_unique<TextDetector>(models);
  }
}

OcrEngine::~OcrEngine() {
  if (api_) api_->End();
}

// Tesseract's binarization of the last recognized image (whole page), as an 8-bit mask.
cv::Mat OcrEngine::thresholded_ink() {
  Pix* pix = api_->GetThresholdedImage();
  if (!pix) return {};
  const int w = static_cast<int>(pixGetWidth(pix)), h = static_cast<int>(pixGetHeight(pix));
  const int wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  cv::Mat ink(h, w, CV_8U);
  for (int y = 0; y < h; ++y) {
    const l_uint32* row = data + static_cast<ptrdiff_t>(y) * wpl;
    uchar* out = ink.ptr<uchar>(y);
    for (int x = 0; x < w; ++x) out[x] = GET_DATA_BIT(row, x) ? 255 : 0;
  }
  pixDestroy(&pix);
  return ink;
}

OcrPage OcrEngine::recognize(const cv::Mat& image, double dpi, const CancelToken* cancel) {
  cv::Mat gray;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else gray = image;
  if (!gray.isContinuous()) gray = gray.clone();
  return ppocr_ ? recognize_ppocr(gray, dpi, cancel) : recognize_tesseract(gray, dpi, cancel);
}

OcrPage OcrEngine::recognize_ppocr(const cv::Mat& gray, double dpi, const CancelToken* cancel) {
  std::vector<LayoutLine> layout;
  std::optional<double> lean, standing;
  cv::Mat ink;
  if (detector_) {
    std::vector<TextRegion> regions;
    std::vector<cv::RotatedRect> boxes;
    for (const DetectedText& t : detector_->detect(gray)) {
      regions.push_back({t.bounds, long_side_angle(t.box)});
      boxes.push_back(t.box);
    }
    lean = residual_skew(boxes);
    regions = drop_faint_regions(gray, regions);
    // of the regions kept (a seal ring's remnant sides are no standing lines)
    std::vector<cv::RotatedRect> kept;
    for (const TextRegion& r : regions)
      kept.emplace_back(cv::Point2f(r.box.x + 0.5f * r.box.width, r.box.y + 0.5f * r.box.height),
                        cv::Size2f(float(r.box.width), float(r.box.height)), 0.f);
    standing = standing_share(kept);
    layout = rows_in_reading_order(regions);
    ink = region_ink(gray, regions);
  } else {
    api_->SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
    api_->SetSourceResolution(static_cast<int>(std::lround(dpi)));
    api_->SetPageSegMode(static_cast<tesseract::PageSegMode>(params_.page_seg_mode));
    std::unique_ptr<tesseract::PageIterator> it(api_->AnalyseLayout());
    layout = layout_lines(it.get());
    ink = thresholded_ink();
  }
  OcrPage page;
  page.width = gray.cols;
  page.height = gray.rows;
  page.dpi = dpi;
  page.text_lean_deg = lean;
  page.standing_line_share = standing;
  if (ink.size() == gray.size()) {
    if (cancel && cancel->cancelled()) {
      api_->Clear();
      throw Error(ErrorCode::Cancelled, "OCR cancelled");
    }
    page.lines = read_lines_ppocr(gray, ink, layout, *ppocr_);
  }
  drop_empty(page);
  finish(page, ink);
  api_->Clear();
  return page;
}

void OcrEngine::finish(OcrPage& page, const cv::Mat& ink) {
  drop_phantom_punctuation(page, params_.cleanup);
  if (ink.size() == cv::Size(page.width, page.height)) snap_boxes_to_ink(page, ink);
  drop_empty(page);
  for (OcrLine& l : page.lines) {
    normalize_punctuation(l);
    l.folded = folder_.fold(l.text());
  }
}

OcrPage OcrEngine::recognize_tesseract(const cv::Mat& gray, double dpi, const CancelToken* cancel) {

  api_->SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  api_->SetSourceResolution(static_cast<int>(std::lround(dpi)));
  api_->SetPageSegMode(static_cast<tesseract::PageSegMode>(params_.page_seg_mode));

  tesseract::ETEXT_DESC monitor;
  if (cancel) {
    monitor.cancel_this = const_cast<CancelToken*>(cancel);
    monitor.cancel = [](void* token, int) {
      return static_cast<CancelToken*>(token)->cancelled();
    };
  }
  auto recognize = [&] {
    if (api_->Recognize(&monitor) == 0) return;
    api_->Clear();
    if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "OCR cancelled");
    throw Error(ErrorCode::Ocr, "Tesseract could not recognize the page");
  };
  recognize();
  const cv::Mat ink = thresholded_ink();  // before any re-read replaces the binarized image

  OcrPage page;
  page.width = gray.cols;
  page.height = gray.rows;
  page.dpi = dpi;
  {
    std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
    page.lines = read_lines(it.get());
  }
  drop_empty(page);

  // Lines that overlap are one line of large characters (a title) that the block layout split
  // into strips: read the group's area again as a single line and keep the better reading.
  if (params_.reread_split_lines) {
    std::vector<std::vector<size_t>> groups = overlapping_line_groups(page);
    // The re-read lines take the place of their group's first line.
    std::vector<std::vector<OcrLine>> at(page.lines.size());
    std::vector<bool> replaced(page.lines.size(), false);
    for (const std::vector<size_t>& group : groups) {
      // Only strips of one line: a group taller than its tallest member by half is a block
      // of lines (a dense table), which the block layout reads better than one line would.
      int tallest = 0;
      for (size_t i : group) tallest = std::max(tallest, page.lines[i].box.h);
      if (group.size() > 3 || union_box(page.lines, group).h > tallest * 3 / 2) continue;
      // Padded by a quarter of its height: the split strips often miss the characters' ends.
      Box box = union_box(page.lines, group);
      const int pad = box.h / 4;
      const int x0 = std::max(0, box.x - pad), y0 = std::max(0, box.y - pad);
      box = Box{x0, y0, std::min(gray.cols, box.x + box.w + pad) - x0, std::min(gray.rows, box.y + box.h + pad) - y0};
      api_->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
      api_->SetRectangle(box.x, box.y, box.w, box.h);
      recognize();
      std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
      std::vector<OcrLine> again = read_lines(it.get());
      // The split strips have low confidence themselves; the re-read must come close to the
      // best of them (a garbled single-line reading is refused).
      double best = 0;
      for (size_t i : group) best = std::max(best, mean_confidence({page.lines[i]}));
      if (again.empty() || mean_confidence(again) < best - 15) continue;
      for (size_t i : group) replaced[i] = true;
      at[group.front()] = std::move(again);
    }
    std::vector<OcrLine> lines;
    for (size_t i = 0; i < page.lines.size(); ++i) {
      if (!at[i].empty()) std::move(at[i].begin(), at[i].end(), std::back_inserter(lines));
      else if (!replaced[i]) lines.push_back(std::move(page.lines[i]));
    }
    page.lines = std::move(lines);
  }
  finish(page, ink);
  api_->Clear();
  return page;
}

}  // namespace xueji
