// Memory over many pages: runs the whole cleanup on N pages (cycling through 10 generated
// pages) and prints the resident set size every 100 pages; it must stay flat.
//   build/bench/cleanup_memory [N]
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "capture/cleanup.h"
#include "tests/pagegen/pagegen.h"

namespace {

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, resident = 0;
  statm >> pages_total >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 500;
  std::vector<cv::Mat> pages;
  for (const auto& spec : xueji::testing::mixed_specs(3, 10)) pages.push_back(xueji::testing::generate_page(spec).image);
  std::cout << "pages  rss_mb\n";
  for (int i = 1; i <= n; ++i) {
    const xueji::CleanedPage c = xueji::clean_page(pages[static_cast<size_t>(i) % pages.size()], 300);
    if (i % 100 == 0) std::cout << i << "  " << rss_mb() << "\n";
  }
  return 0;
}
