// The image loader over arbitrary bytes: format sniffing, header sizes and resolutions, the
// strict JPEG and PNG decoders, OpenCV's TIFF and PNM decoders. Only xueji::Error may leave it;
// what it returns is a page of at least 16 x 16 pixels, 8 bits, 1 or 3 channels.
#include <cstdint>
#include <string>

#include "capture/image_loader.h"
#include "models/error.h"
#include "tests/fuzz/memory_file.h"

namespace {

// Low, so that a header declaring a large image is refused before decoding instead of
// allocating (the loader's own limit, 250 MP, is a real scanner's page, not a fuzz input's).
constexpr long long kMaxPixels = 1'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  xueji::read_image_dpi(std::string(reinterpret_cast<const char*>(data), size));
  const xueji::fuzz::MemoryFile file(data, size);
  xueji::LoadParams params;
  params.max_pixels = kMaxPixels;
  try {
    for (const xueji::LoadedImage& page : xueji::load_image_file(file.path(), params)) {
      const cv::Mat& m = page.image;
      if (m.cols < 16 || m.rows < 16 || static_cast<long long>(m.cols) * m.rows > kMaxPixels ||
          m.depth() != CV_8U || (m.channels() != 1 && m.channels() != 3) || !(page.dpi > 0))
        __builtin_trap();
    }
  } catch (const xueji::Error&) {
    // Refused as BadImage (or the like): what a corrupt file must get.
  }
  return 0;
}
