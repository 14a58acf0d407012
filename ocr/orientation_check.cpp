#include "ocr/orientation_check.h"

#include <chrono>

#include "models/utf8.h"

namespace xueji {
namespace {

double reading_score(const OcrPage& page) { return reading_evidence(page).score; }

}  // namespace

ReadingEvidence reading_evidence(const OcrPage& page) {
  ReadingEvidence e;
  double sum = 0;
  for (const OcrLine& l : page.lines)
    for (const OcrWord& w : l.words) {
      int n = 0;
      for (char32_t c : utf8_to_u32(w.text))
        n += (c >= 0x4E00 && c <= 0x9FFF) || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      const double p = w.confidence / 100.0;
      e.chars += n;
      sum += n * w.confidence;
      e.score += n * p * p;
    }
  e.mean_confidence = e.chars ? sum / e.chars : 0;
  return e;
}

UprightCheck check_upright(OcrEngine& engine, const cv::Mat& gray, double dpi, const cv::Rect& content) {
  const auto t0 = std::chrono::steady_clock::now();
  UprightCheck r;
  cv::Rect area = content.area() ? content & cv::Rect(0, 0, gray.cols, gray.rows) : cv::Rect(0, 0, gray.cols, gray.rows);
  // A strip about 1.2 inch tall at the top of the content box: the box is bounded by ink, so
  // its top holds text (on a form, the title and the first lines) whichever way up it is.
  const int h = std::min(area.height, static_cast<int>(1.2 * dpi));
  const cv::Rect strip(area.x, area.y, area.width, h);
  const cv::Mat as_is = gray(strip).clone();
  cv::Mat flipped;
  cv::rotate(as_is, flipped, cv::ROTATE_180);
  r.score_as_is = reading_score(engine.recognize(as_is, dpi));
  r.score_flipped = reading_score(engine.recognize(flipped, dpi));
  // Too little read either way to judge: keep the page as it is.
  r.flipped = r.score_flipped > r.score_as_is && r.score_flipped >= 3;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace xueji
