// Cleanup stages on generated A4 pages at 300 dpi (colour), one benchmark per stage.
//   build/bench/cleanup_bench [--benchmark_format=json]
#include <benchmark/benchmark.h>

#include "capture/cleanup.h"
#include "capture/deskew.h"
#include "capture/ocr_image.h"
#include "tests/pagegen/pagegen.h"

using namespace xueji;
using namespace xueji::testing;

namespace {

const cv::Mat& sample_page() {
  static const cv::Mat page = [] {
    PageSpec spec;
    spec.seed = 42;
    spec.kind = PageKind::StudentCard;
    spec.student = random_student(42);
    spec.degrade.skew_deg = 3.3;
    spec.degrade.red_seal = true;
    return generate_page(spec).image;
  }();
  return page;
}

void BM_EstimateSkew(benchmark::State& state) {
  const cv::Mat& page = sample_page();
  for (auto _ : state) benchmark::DoNotOptimize(estimate_skew(page));
}
BENCHMARK(BM_EstimateSkew)->Unit(benchmark::kMillisecond);

void BM_RotatePage(benchmark::State& state) {
  const cv::Mat& page = sample_page();
  const cv::Scalar paper = estimate_paper_color(page);
  for (auto _ : state) benchmark::DoNotOptimize(rotate_page(page, 3.3, paper));
}
BENCHMARK(BM_RotatePage)->Unit(benchmark::kMillisecond);

void BM_OcrImage(benchmark::State& state) {
  const cv::Mat& page = sample_page();
  for (auto _ : state) benchmark::DoNotOptimize(make_ocr_image(page, 300));
}
BENCHMARK(BM_OcrImage)->Unit(benchmark::kMillisecond);

void BM_CleanPage(benchmark::State& state) {
  const cv::Mat& page = sample_page();
  for (auto _ : state) benchmark::DoNotOptimize(clean_page(page, 300));
}
BENCHMARK(BM_CleanPage)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
