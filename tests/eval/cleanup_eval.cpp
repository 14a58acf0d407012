#include "tests/eval/cleanup_eval.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>

#include "capture/cleanup.h"
#include "ocr/ocr_engine.h"
#include "pipeline/page_stages.h"
#include "tests/pagegen/pagegen.h"

namespace xueji::testing {
namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double idx = p * (v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(idx)), hi = static_cast<size_t>(std::ceil(idx));
  return v[lo] + (v[hi] - v[lo]) * (idx - lo);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

CleanupScores evaluate_cleanup(unsigned seed, int count, bool timing) {
  CleanupScores s;
  const auto specs = mixed_specs(seed, count);
  EnginePool engines({}, 1);
  const EngineProvider provider = engines.provider(0);
  const auto stages = cleanup_stages(StageParams{}, provider);
  for (size_t i = 0; i < specs.size(); ++i) {
    const PageSpec& spec = specs[i];
    GeneratedPage page = generate_page(spec);
    cv::Mat image = page.image;
    if (spec.degrade.jpeg_quality > 0) {  // what a JPEG scan looks like after decoding
      std::vector<uchar> buf;
      cv::imencode(".jpg", image, buf, {cv::IMWRITE_JPEG_QUALITY, spec.degrade.jpeg_quality});
      image = cv::imdecode(buf, cv::IMREAD_COLOR);
    }
    const auto& t = page.truth;
    const double dpi = spec.dpi, px_mm = dpi / 25.4;
    ++s.pages;
    std::ostringstream fail;
    PageWork work;
    work.input.image = image;
    work.input.dpi = dpi;
    run_stages(stages, work, nullptr);
    const CleanedPage& cleaned = work.cleaned;
    if (work.upright_checked) {
      ++s.ocr_checked;
      s.ms_ocr_check.push_back(work.stage_ms["verify-orientation"]);
    }
    if (timing) {
      s.ms_color.push_back(work.stage_ms["clean"]);
      cv::Mat gray;
      cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
      const auto t1 = std::chrono::steady_clock::now();
      CleanedPage g = clean_page(gray, dpi);
      s.ms_gray.push_back(ms_since(t1));
    }
    const PageAnalysis& a = cleaned.analysis;
    const bool truth_blank = t["blank"];
    if (truth_blank && a.boxes.blank) ++s.blank_tp;
    if (!truth_blank && a.boxes.blank) {
      ++s.blank_fp;
      fail << " blank-fp(ink " << a.boxes.ink_area_mm2 << "mm2)";
    }
    if (truth_blank && !a.boxes.blank) {
      ++s.blank_fn;
      fail << " blank-fn(ink " << a.boxes.ink_area_mm2 << "mm2)";
    }
    if (!truth_blank) {
      ++s.text_pages;
      const double true_skew = t["skew_deg"];
      if (std::abs(true_skew) <= 15) {
        const double err = std::abs(a.skew.angle_deg - true_skew);
        s.skew_abs_err.push_back(err);
        if (err > 0.15) fail << " skew(true " << true_skew << " got " << a.skew.angle_deg << ")";
      }
      // No text lost in the master: its ink (re-measured) is all the page's ink.
      const PageBoxes master_boxes = find_page_boxes(make_work_image(cleaned.master, dpi));
      if (master_boxes.ink_area_mm2 < 0.95 * a.boxes.ink_area_mm2) {
        ++s.master_lost_ink;
        fail << " master-lost-ink(" << master_boxes.ink_area_mm2 << " of " << a.boxes.ink_area_mm2 << " mm2)";
      }
      const int true_orient = t["orientation"];
      const OrientationReport& cheap = work.upright_checked ? work.layout_orientation : a.orientation;
      if (cheap.orientation != true_orient) s.layout_wrong_conf.push_back(cheap.confidence);
      else s.layout_right_conf.push_back(cheap.confidence);
      if (a.orientation.orientation == true_orient) ++s.orientation_correct;
      else
        fail << " orientation(true " << true_orient << " got " << a.orientation.orientation
             << " conf " << a.orientation.confidence << " aligned left/right " << a.orientation.left_aligned << "/"
             << a.orientation.right_aligned << " ratio " << a.orientation.line_ratio << ")";
      if (!t["content_bbox"].is_null()) {
        const cv::Rect truth(t["content_bbox"][0], t["content_bbox"][1], t["content_bbox"][2], t["content_bbox"][3]);
        const cv::Rect got = a.boxes.content;
        const double edges[4] = {double(got.x - truth.x), double(got.y - truth.y),
                                 double(got.br().x - truth.br().x), double(got.br().y - truth.br().y)};
        double worst = 0;
        for (double e : edges) worst = std::max(worst, std::abs(e) / px_mm);
        s.box_max_edge_err_mm = std::max(s.box_max_edge_err_mm, worst);
        if (worst > 3) {
          ++s.box_over_3mm;
          fail << " box(err " << worst << "mm truth " << truth << " got " << got << " border "
               << spec.degrade.border_px << " orient " << spec.degrade.orientation << ")";
        }
        const double cut = 0.5 * px_mm;
        if (edges[0] > cut || edges[1] > cut || edges[2] < -cut || edges[3] < -cut) {
          ++s.box_cuts_text;
          fail << " box-cuts-text";
        }
      }
    }
    const bool truth_seal = t["seal"];
    if (truth_seal) {
      ++s.seal_pages;
      if (cleaned.analysis.color.mode == ColorMode::Color) ++s.seal_pages_color;
      else fail << " seal-not-color";
      if (cleaned.analysis.color.mode == ColorMode::Bilevel) ++s.seal_pages_bilevel;
      if (a.color.seal) ++s.seal_detected;
    } else if (a.color.seal) {
      ++s.seal_false;
      fail << " seal-false";
    }
    if (i + 1 == specs.size() / 4 || i + 1 == specs.size()) {
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      (i + 1 == specs.size() ? s.max_rss_mb_end : s.max_rss_mb_quarter) = ru.ru_maxrss / 1024.0;
    }
    if (!fail.str().empty())
      s.failures.push_back("page " + std::to_string(i + 1) + " (" + std::string(kind_name(spec.kind)) + "):" + fail.str());
  }
  s.skew_median = percentile(s.skew_abs_err, 0.5);
  s.skew_p95 = percentile(s.skew_abs_err, 0.95);
  s.skew_max = s.skew_abs_err.empty() ? 0 : *std::max_element(s.skew_abs_err.begin(), s.skew_abs_err.end());
  s.ms_color_median = percentile(s.ms_color, 0.5);
  s.ms_gray_median = percentile(s.ms_gray, 0.5);
  s.ms_ocr_check_median = percentile(s.ms_ocr_check, 0.5);
  return s;
}

std::string format_scores(const CleanupScores& s) {
  std::ostringstream o;
  o << "pages " << s.pages << " (text " << s.text_pages << ")\n"
    << "skew |err| deg: median " << s.skew_median << "  p95 " << s.skew_p95 << "  max " << s.skew_max
    << "  (n=" << s.skew_abs_err.size() << ")\n"
    << "orientation correct: " << s.orientation_correct << "/" << s.text_pages << " (verified by OCR: "
    << s.ocr_checked << " pages, median " << s.ms_ocr_check_median << " ms)\n"
    << "layout-only orientation: wrong on " << s.layout_wrong_conf.size() << " pages (max confidence "
    << (s.layout_wrong_conf.empty() ? 0 : *std::max_element(s.layout_wrong_conf.begin(), s.layout_wrong_conf.end()))
    << "); right pages with confidence < 0.2: "
    << std::count_if(s.layout_right_conf.begin(), s.layout_right_conf.end(), [](double c) { return c < 0.2; })
    << ", < 0.3: "
    << std::count_if(s.layout_right_conf.begin(), s.layout_right_conf.end(), [](double c) { return c < 0.3; }) << "\n"
    << "blank: tp " << s.blank_tp << " fp " << s.blank_fp << " fn " << s.blank_fn << "\n"
    << "content box: max edge error " << s.box_max_edge_err_mm << " mm, >3mm " << s.box_over_3mm
    << ", cuts text " << s.box_cuts_text << "\n"
    << "masters that lost ink (< 95% of the page's ink area): " << s.master_lost_ink << "\n"
    << "seal pages: " << s.seal_pages << ", colour " << s.seal_pages_color << ", bilevel "
    << s.seal_pages_bilevel << ", seal detected " << s.seal_detected << ", false seals " << s.seal_false << "\n";
  o << "peak memory (max RSS): " << s.max_rss_mb_quarter << " MB after a quarter of the pages, "
    << s.max_rss_mb_end << " MB at the end\n";
  if (!s.ms_color.empty())
    o << "cleanup ms/page (median): colour " << s.ms_color_median << "  gray " << s.ms_gray_median << "\n";
  for (const auto& f : s.failures) o << "  " << f << "\n";
  return o.str();
}

}  // namespace xueji::testing
