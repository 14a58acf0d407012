#include "pipeline/page_stages.h"

#include <algorithm>
#include <chrono>

#include <opencv2/imgproc.hpp>

#include "models/error.h"
#include "ocr/ocr_engine.h"
#include "ocr/ppocr_lines.h"
#include "ocr/result_cleanup.h"

namespace xueji {
namespace {

// Takes the strip check's verdict into the analysis; a flipped page is rebuilt (master and
// OCR image) from the input with the corrected orientation.
void apply_upright_check(PageWork& w, const StageParams& params) {
  PageAnalysis& a = w.cleaned.analysis;
  const double hi = std::max(w.upright.score_as_is, w.upright.score_flipped);
  const double lo = std::min(w.upright.score_as_is, w.upright.score_flipped);
  const double ocr_conf = hi > 0 ? std::clamp((hi - lo) / hi, 0.0, 1.0) : 0.0;
  a.orientation.confidence = std::max(a.orientation.confidence, ocr_conf);
  a.confidence = overall_confidence(a);
  if (!w.upright.flipped) return;
  a.orientation.orientation = (a.orientation.orientation + 180) % 360;
  w.cleaned = clean_page_with(w.input.image, w.input.dpi, a, params.cleanup);
}

PageStage clean_stage(const StageParams& params) {
  return {"clean", [cleanup = params.cleanup](PageWork& w) {
            w.cleaned = clean_page(w.input.image, w.input.dpi, cleanup);
          }};
}

PageStage verify_orientation_stage(const StageParams& params, const EngineProvider& engine) {
  return {"verify-orientation", [params, engine](PageWork& w) {
            PageAnalysis& a = w.cleaned.analysis;
            w.layout_orientation = a.orientation;
            if (a.boxes.blank || a.orientation.confidence >= params.verify_orientation_below) return;
            // The content box in the upright master: the master's own analysis is cheap.
            const PageAnalysis upright = analyze_page(w.cleaned.ocr_image, w.input.dpi, params.cleanup.analyze);
            w.upright = check_upright(engine(), w.cleaned.ocr_image, w.input.dpi, upright.boxes.content);
            w.upright_checked = true;
            apply_upright_check(w, params);
          }};
}

PageStage ocr_stage(const EngineProvider& engine, const CancelToken* cancel) {
  return {"ocr", [engine, cancel](PageWork& w) {
            const PageAnalysis& a = w.cleaned.analysis;
            if (!a.boxes.blank) {
              w.ocr = engine().recognize(w.cleaned.ocr_image, w.input.dpi, cancel);
              return;
            }
            // Blank: Tesseract would spend seconds reading paper noise as text.
            w.ocr = OcrPage{};
            w.ocr.width = w.cleaned.ocr_image.cols;
            w.ocr.height = w.cleaned.ocr_image.rows;
            w.ocr.dpi = w.input.dpi;
            w.ocr.no_text_confidence = 100.0 * a.boxes.confidence;
          }};
}

// A blank page is read once more with the faint-ink rules relaxed: print faded to a fifth and
// softened by the scan can fall below the contrast and sharpness the cleanup asks of ink (it
// must, or the other side's show-through would be text). Reading decides: real print reads as
// many confident characters; show-through is mirrored and reads as a few doubtful ones. When
// the relaxed cleanup finds no marks at all, nothing is read.
PageStage verify_blank_stage(const StageParams& params, const EngineProvider& engine, const CancelToken* cancel) {
  return {"verify-blank", [params, engine, cancel](PageWork& w) {
            // Tesseract reads the noise of a boosted empty sheet for tens of seconds: PP-OCR only.
            if (!w.cleaned.analysis.boxes.blank || engine().recognizer() != Recognizer::PpOcr) return;
            CleanupParams relaxed = params.cleanup;
            WorkImageParams& wp = relaxed.analyze.work;
            wp.faint_min_contrast = wp.sharp_min_contrast = params.blank_check_min_contrast;
            wp.sharp_min_edge = 0;
            wp.faint_margin = std::min(wp.faint_margin, params.blank_check_min_contrast);
            CleanedPage cleaned = clean_page(w.input.image, w.input.dpi, relaxed);
            if (cleaned.analysis.boxes.blank) return;
            OcrPage again = engine().recognize(cleaned.ocr_image, w.input.dpi, cancel);
            const ReadingEvidence e = reading_evidence(again);
            if (e.chars < params.blank_check_min_chars || e.mean_confidence < params.blank_check_confidence) return;
            w.cleaned = std::move(cleaned);
            w.ocr = std::move(again);
          }};
}

// The deskew measured on the reading itself: the detector's text lines give their angle. A page
// whose lines still lean after the cleanup (its skew estimate missed faint ink, or had too
// little to go on) is cleaned again with that angle added and read again; the new reading is
// kept when it scores at least as well (characters weighted by confidence).
PageStage ocr_skew_stage(const StageParams& params, const EngineProvider& engine, const CancelToken* cancel) {
  return {"verify-skew", [params, engine, cancel](PageWork& w) {
            PageAnalysis& a = w.cleaned.analysis;
            if (a.boxes.blank || engine().recognizer() != Recognizer::PpOcr) return;
            const std::optional<double> lean = w.ocr.text_lean_deg ? w.ocr.text_lean_deg : residual_skew(w.ocr);
            if (!lean || std::abs(*lean) < params.residual_skew_min_deg) return;
            PageAnalysis fixed = a;
            fixed.skew.angle_deg += *lean;
            fixed.skew.confidence = std::max(fixed.skew.confidence, params.cleanup.analyze.deskew.min_confidence);
            CleanedPage cleaned = clean_page_with(w.input.image, w.input.dpi, fixed, params.cleanup);
            OcrPage again = engine().recognize(cleaned.ocr_image, w.input.dpi, cancel);
            if (reading_evidence(again).score < reading_evidence(w.ocr).score) return;
            w.cleaned = std::move(cleaned);
            w.ocr = std::move(again);
          }};
}

// A confident reading proves the way up, unless the detector saw the page's long lines
// standing (turned a quarter: some of it can still read confidently, digits and 一 and 丨).
bool lines_stand(const OcrPage& page, const StageParams& params) {
  return page.standing_line_share && *page.standing_line_share > params.max_standing_share;
}

bool reads_upright(const ReadingEvidence& e, const OcrPage& page, const StageParams& params) {
  if (lines_stand(page, params)) return false;
  return e.chars >= params.upright_min_chars && e.mean_confidence >= params.upright_reading_confidence;
}

// Tesseract's path, as before PP-OCR: only pages whose layout orientation is unsure and that
// read poorly get the two-way strip check; a flipped page is rebuilt and read again.
void tesseract_orientation_check(PageWork& w, const StageParams& params, OcrEngine& engine, const CancelToken* cancel) {
  PageAnalysis& a = w.cleaned.analysis;
  if (a.orientation.confidence >= params.verify_orientation_below) return;
  if (w.ocr.mean_confidence() >= params.tesseract_upright_confidence) {
    a.orientation.confidence = std::max(a.orientation.confidence, w.ocr.mean_confidence() / 100.0);
    a.confidence = overall_confidence(a);
    return;
  }
  const PageAnalysis upright = analyze_page(w.cleaned.ocr_image, w.input.dpi, params.cleanup.analyze);
  w.upright = check_upright(engine, w.cleaned.ocr_image, w.input.dpi, upright.boxes.content);
  w.upright_checked = true;
  apply_upright_check(w, params);
  if (w.upright.flipped) w.ocr = engine.recognize(w.cleaned.ocr_image, w.input.dpi, cancel);
}

// The orientation check for the OCR pipeline (PP-OCR), from the text itself. The page has been read the
// way the layout analysis turned it; a confident reading proves it upright (the common case:
// no extra work). Otherwise the page is read in each other orientation, and the clear winner
// is taken: at once when it reads confidently, else when its score is several times the next
// one's. When no way up wins clearly, the page stays as scanned and is marked for review: a
// guessed turn would make a readable page unreadable.
PageStage ocr_orientation_stage(const StageParams& params, const EngineProvider& engine, const CancelToken* cancel) {
  return {"verify-orientation", [params, engine, cancel](PageWork& w) {
            PageAnalysis& a = w.cleaned.analysis;
            w.layout_orientation = a.orientation;
            if (a.boxes.blank) return;
            if (engine().recognizer() == Recognizer::Tesseract) return tesseract_orientation_check(w, params, engine(), cancel);
            ReadingEvidence current = reading_evidence(w.ocr);
            if (reads_upright(current, w.ocr, params)) {
              a.orientation.confidence = std::max(a.orientation.confidence, current.mean_confidence / 100.0);
              a.confidence = overall_confidence(a);
              return;
            }
            w.upright_checked = true;
            struct Candidate {
              int orientation;
              ReadingEvidence evidence;
              CleanedPage cleaned;
              OcrPage ocr;
              bool standing = false;  // its long lines stand: not upright, whatever it reads
            };
            std::vector<Candidate> tried;
            tried.push_back({a.orientation.orientation, current, {}, {}, lines_stand(w.ocr, params)});
            const Candidate* winner = nullptr;
            for (int k = 1; k < 4 && !winner; ++k) {
              PageAnalysis turned = a;
              turned.orientation.orientation = (a.orientation.orientation + 90 * k) % 360;
              Candidate c{turned.orientation.orientation, {}, clean_page_with(w.input.image, w.input.dpi, turned, params.cleanup), {}};
              c.ocr = engine().recognize(c.cleaned.ocr_image, w.input.dpi, cancel);
              c.evidence = reading_evidence(c.ocr);
              c.standing = lines_stand(c.ocr, params);
              tried.push_back(std::move(c));
              if (reads_upright(tried.back().evidence, tried.back().ocr, params)) winner = &tried.back();
            }
            std::vector<const Candidate*> order;
            for (const Candidate& c : tried) order.push_back(&c);
            std::sort(order.begin(), order.end(),
                      [](const Candidate* x, const Candidate* y) { return x->evidence.score > y->evidence.score; });
            if (!winner && !order[0]->standing && order[0]->evidence.chars >= params.upright_min_chars &&
                order[0]->evidence.score >= params.orientation_win_ratio * order[1]->evidence.score)
              winner = order[0];
            const double runner_up = winner == order[0] ? order[1]->evidence.score : order[0]->evidence.score;
            if (!winner) {
              // Unsure: as scanned, for a person to look at.
              w.review.push_back("orientation unsure");
              winner = &*std::find_if(tried.begin(), tried.end(), [](const Candidate& c) { return c.orientation == 0; });
            }
            const double conf = winner->evidence.score > 0 ? std::clamp(1.0 - runner_up / winner->evidence.score, 0.0, 1.0) : 0.0;
            if (winner != &tried.front()) {
              w.cleaned = winner->cleaned;
              w.ocr = winner->ocr;
            }
            PageAnalysis& b = w.cleaned.analysis;
            b.orientation.orientation = winner->orientation;
            b.orientation.confidence = w.review.empty() ? conf : 0.0;
            b.confidence = overall_confidence(b);
          }};
}

// A seal's ring and star leave small remnants in the OCR image that read as lone punctuation;
// inside the seal's box such words are dropped (the box taken into the master's pixels, after
// every turn and deskew the reading went through).
PageStage seal_remnants_stage() {
  return {"seal-remnants", [](PageWork& w) {
            const ColorReport& c = w.cleaned.analysis.color;
            if (!c.seal || c.seal_box.area() == 0 || w.ocr.lines.empty()) return;
            const cv::Rect& s = c.seal_box;
            std::vector<cv::Point2f> corners = {s.tl(), {float(s.br().x), float(s.y)}, s.br(), {float(s.x), float(s.br().y)}};
            cv::transform(corners, corners, cv::Mat(w.cleaned.input_to_master));
            const cv::Rect b = cv::boundingRect(corners);
            drop_punctuation_inside(w.ocr, Box{b.x, b.y, b.width, b.height});
          }};
}

// A reading that is mostly doubt (faded or damaged paper, a photo, handwriting) is not filed
// as if it were text without a person having looked at it.
PageStage reading_quality_stage(const StageParams& params) {
  return {"reading-quality", [params](PageWork& w) {
            if (w.cleaned.analysis.boxes.blank) return;
            const ReadingEvidence e = reading_evidence(w.ocr);
            if (e.chars == 0) w.review.push_back("no text read");
            else if (e.mean_confidence < params.review_below_confidence) w.review.push_back("low-confidence reading");
          }};
}

}  // namespace

std::vector<PageStage> cleanup_stages(const StageParams& params, const EngineProvider& engine) {
  return {clean_stage(params), verify_orientation_stage(params, engine)};
}

std::vector<PageStage> default_page_stages(const StageParams& params, const EngineProvider& engine,
                                           const CancelToken* cancel) {
  return {clean_stage(params), ocr_stage(engine, cancel), verify_blank_stage(params, engine, cancel),
          ocr_skew_stage(params, engine, cancel),
          ocr_orientation_stage(params, engine, cancel), seal_remnants_stage(),
          reading_quality_stage(params)};
}

PageImage archive_image(const PageWork& work) {
  PageImage image;
  image.pixels = work.cleaned.master;
  image.dpi = work.input.dpi;
  image.bilevel = work.cleaned.analysis.color.mode == ColorMode::Bilevel;
  const cv::Matx23d& m = work.cleaned.input_to_master;
  const bool unchanged = m(0, 0) == 1 && m(0, 1) == 0 && m(0, 2) == 0 && m(1, 0) == 0 && m(1, 1) == 1 &&
                         m(1, 2) == 0 && work.cleaned.master.size() == work.input.image.size();
  if (unchanged && !work.input.jpeg.empty()) image.jpeg = work.input.jpeg;
  return image;
}

PageStage separator_sheet_stage(const SheetParams& params) {
  return {"separator-sheet", [params](PageWork& w) {
            w.sheet = detect_separator_sheet(w.input.image, params);
            if (w.sheet->found || w.sheet->misread) w.settled = true;
          }};
}

void run_stages(const std::vector<PageStage>& stages, PageWork& work, const CancelToken* cancel) {
  for (const PageStage& stage : stages) {
    if (work.settled) break;
    if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "cancelled");
    const auto t0 = std::chrono::steady_clock::now();
    stage.run(work);
    work.stage_ms[stage.name] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
}

}  // namespace xueji
