// Times the whole cleanup (all analyses + master + OCR image, no OCR check, no file I/O) on
// the given image files, one page at a time, and prints the median milliseconds per page.
//   build/bench/cleanup_files FILE...
#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include "capture/cleanup.h"
#include "capture/image_loader.h"

int main(int argc, char** argv) {
  std::vector<double> ms;
  for (int i = 1; i < argc; ++i)
    for (const xueji::LoadedImage& page : xueji::load_image_file(argv[i])) {
      double best = 1e18;
      for (int rep = 0; rep < 3; ++rep) {  // best of three: the machine's noise, not ours
        const auto t0 = std::chrono::steady_clock::now();
        const xueji::CleanedPage c = xueji::clean_page(page.image, page.dpi);
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      ms.push_back(best);
    }
  if (ms.empty()) return 1;
  std::sort(ms.begin(), ms.end());
  std::cout << ms[ms.size() / 2] << "\n";
  return 0;
}
