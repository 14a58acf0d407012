// xueji-cleanup-eval: scores cleanup on generated pages and prints the table.
#include <iostream>

#include <CLI/CLI.hpp>

#include <opencv2/imgcodecs.hpp>

#include "capture/cleanup.h"
#include "tests/eval/cleanup_eval.h"
#include "tests/pagegen/pagegen.h"

int main(int argc, char** argv) {
  CLI::App app{"Score page cleanup against generated ground truth"};
  unsigned seed = 7;
  int count = 200;
  bool timing = false;
  app.add_option("--seed", seed);
  app.add_option("--count", count);
  app.add_flag("--timing", timing, "also time colour and gray cleanup per page");
  int dump = 0;
  std::string dump_dir = "/tmp";
  app.add_option("--dump", dump, "write page N (1-based) of the set and its master to --dump-dir");
  app.add_option("--dump-dir", dump_dir);
  CLI11_PARSE(app, argc, argv);
  if (dump > 0) {
    const auto specs = xueji::testing::mixed_specs(seed, dump);
    const auto& spec = specs.back();
    const auto page = xueji::testing::generate_page(spec);
    const std::string path = xueji::testing::write_page(page, spec, dump_dir, "eval-page");
    const auto cleaned = xueji::clean_page(page.image, spec.dpi);
    cv::imwrite(dump_dir + "/eval-master.png", cleaned.master);
    cv::imwrite(dump_dir + "/eval-ocr.png", cleaned.ocr_image);
    std::cout << path << "\n";
    return 0;
  }
  std::cout << xueji::testing::format_scores(xueji::testing::evaluate_cleanup(seed, count, timing));
  return 0;
}
