#pragma once
// The per-page processing stages. The pipeline runs a list of stages over each page; no stage
// calls the next one, so a stage can be added, replaced or skipped by editing the list.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive/page_image.h"
#include "capture/cleanup.h"
#include "capture/image_loader.h"
#include "capture/separator_sheet.h"
#include "models/ocr_page.h"
#include "models/progress.h"
#include "ocr/engine_pool.h"
#include "ocr/ocr_engine.h"
#include "ocr/orientation_check.h"

namespace xueji {

struct PageWork {
  LoadedImage input;
  CleanedPage cleaned;
  UprightCheck upright;          // filled when the orientation was verified with OCR
  OrientationReport layout_orientation;  // the cheap layout analysis, before any OCR check
  bool upright_checked = false;
  std::vector<std::string> review;  // why a person should look at this page (empty: no need)
  OcrPage ocr;
  std::map<std::string, double> stage_ms;  // time per stage
  std::optional<SheetReport> sheet;  // the separator-sheet stage ran (batch jobs)
  bool settled = false;  // a stage settled the page (a separator sheet): the later stages are skipped
};

struct PageStage {
  std::string name;
  std::function<void(PageWork&)> run;
};

struct StageParams {
  CleanupParams cleanup;
  double verify_orientation_below = 0.2;  // OCR-verify pages whose layout orientation confidence is lower
  // In the OCR pipeline the page is recognized first; a reading of at least `upright_min_chars`
  // characters at this mean confidence proves the page upright (measured with
  // bench/orientation_evidence: upright pages read at 95-100, turned ones below 75).
  double upright_reading_confidence = 85;
  int upright_min_chars = 8;
  // ... unless more than this share of the detector's long text regions stand upright.
  double max_standing_share = 0.5;
  // Without a confident reading, the best orientation must score this many times the next.
  double orientation_win_ratio = 3;
  // A reading below this mean confidence is marked for review.
  double review_below_confidence = 60;
  // --engine tesseract keeps its own check: a page whose layout orientation is unsure and whose
  // reading is below this mean word confidence gets the two-way strip check.
  double tesseract_upright_confidence = 75;
  // PP-OCR: when the detector's lines still lean by this many degrees or more, the cleanup's
  // deskew missed (faded ink, a page of few lines): the page is rotated by their angle and read
  // again, and the better reading kept.
  double residual_skew_min_deg = 0.5;
  // A page the cleanup calls blank is looked at again for print fainter or softer than the
  // faded-ink rules take (ink at a fifth of its strength, blurred): its marks down to
  // `blank_check_min_contrast` gray levels, soft edges too, are taken as ink and read. A reading
  // of at least `blank_check_min_chars` characters at `blank_check_confidence` (mean) makes it
  // a text page; the other side shining through is mirrored and blurred and reads as neither.
  double blank_check_min_contrast = 14;
  int blank_check_min_chars = 12;
  double blank_check_confidence = 80;
};

// clean -> ocr (blank pages give an empty result) -> verify blank (faint print read after all)
// -> verify skew (PP-OCR) -> verify orientation (from the reading; an
// unsure page is read in the other orientations) -> seal remnants (lone punctuation read in a
// seal's box dropped) -> reading quality (marks doubtful pages for review)
std::vector<PageStage> default_page_stages(const StageParams& params, const EngineProvider& engine,
                                           const CancelToken* cancel);
// clean -> verify orientation: what `xueji analyze` and `xueji clean` run.
std::vector<PageStage> cleanup_stages(const StageParams& params, const EngineProvider& engine);

// How the page's master goes into the PDF: bilevel (CCITT G4) when the colour analysis found
// clean monochrome text; the input JPEG unchanged when cleanup left its pixels as they were.
PageImage archive_image(const PageWork& work);

// Batch jobs put this first: a page that is a separator sheet (capture/separator_sheet.h) is
// settled there — it is neither cleaned, recognized nor archived; a misread sheet too.
PageStage separator_sheet_stage(const SheetParams& params);

// Runs the stages in order, timing each, until one settles the page.
void run_stages(const std::vector<PageStage>& stages, PageWork& work, const CancelToken* cancel);

}  // namespace xueji
