// Cleanup stages on a generated A4 page at 300 dpi (colour, and its gray version), one
// benchmark per stage plus the whole cleanup. Run on one core:
//   taskset -c 0 build/bench/cleanup_bench [--benchmark_format=json]
#include <benchmark/benchmark.h>

#include <opencv2/imgproc.hpp>

#include "capture/cleanup.h"
#include "capture/page_analysis.h"
#include "tests/pagegen/pagegen.h"

using namespace xueji;
using namespace xueji::testing;

namespace {

const cv::Mat& color_page() {
  static const cv::Mat page = [] {
    PageSpec spec;
    spec.seed = 42;
    spec.kind = PageKind::StudentCard;
    spec.student = random_student(42);
    spec.degrade.skew_deg = 3.3;
    spec.degrade.red_seal = true;
    spec.degrade.border_px = 40;
    spec.degrade.noise_sigma = 4;
    return generate_page(spec).image;
  }();
  return page;
}

const cv::Mat& gray_page() {
  static const cv::Mat page = [] {
    cv::Mat g;
    cv::cvtColor(color_page(), g, cv::COLOR_BGR2GRAY);
    return g;
  }();
  return page;
}

const cv::Mat& page(const benchmark::State& state) { return state.range(0) ? color_page() : gray_page(); }

void BM_WorkImage(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(make_work_image(page(state), 300));
}
BENCHMARK(BM_WorkImage)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Skew(benchmark::State& state) {
  const WorkImage w = make_work_image(page(state), 300);
  for (auto _ : state) benchmark::DoNotOptimize(estimate_skew(w));
}
BENCHMARK(BM_Skew)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Orientation(benchmark::State& state) {
  const WorkImage w = make_work_image(page(state), 300);
  for (auto _ : state) benchmark::DoNotOptimize(estimate_orientation(w, 3.3));
}
BENCHMARK(BM_Orientation)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_BoxesAndColor(benchmark::State& state) {
  const WorkImage w = make_work_image(page(state), 300);
  for (auto _ : state) {
    benchmark::DoNotOptimize(find_page_boxes(w));
    benchmark::DoNotOptimize(analyze_color(w));
  }
}
BENCHMARK(BM_BoxesAndColor)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Analyze(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(analyze_page(page(state), 300));
}
BENCHMARK(BM_Analyze)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Master(benchmark::State& state) {
  const PageAnalysis a = analyze_page(page(state), 300);
  for (auto _ : state) benchmark::DoNotOptimize(make_master(page(state), 300, a, {}));
}
BENCHMARK(BM_Master)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_OcrImage(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(make_ocr_image(gray_page(), 300));
}
BENCHMARK(BM_OcrImage)->Unit(benchmark::kMillisecond);

// The whole cleanup: all analyses + master + OCR image. Arg 0: gray page, 1: colour page.
void BM_CleanPage(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(clean_page(page(state), 300));
}
BENCHMARK(BM_CleanPage)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  gray_page();  // generate the pages before timing anything
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
