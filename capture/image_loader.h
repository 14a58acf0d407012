#pragma once
// Loading page images from files: PNG, JPEG and TIFF (multi-page), with their resolution.
// Truncated, corrupt, unsupported and oversized files are refused with Error(BadImage).
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xueji {

struct LoadParams {
  double default_dpi = 300;            // used when the file states no plausible resolution
  double min_dpi = 100, max_dpi = 2400;
  // Per frame; larger images are refused before decoding. 250 MP holds A2 at 600 dpi
  // (9921 x 14031) and anything a document scanner makes.
  long long max_pixels = 250'000'000;
};

struct LoadedImage {
  cv::Mat image;        // 8-bit, 1 (gray) or 3 (BGR) channels
  double dpi = 0;
  bool dpi_from_file = false;
  std::string source;   // file name, with "#N" for frame N>1 of a multi-page TIFF
  std::filesystem::path file;  // the file it was read from
  // The file itself when it is a JPEG whose decode is `image` as stored (no EXIF turn): the
  // PDF writer embeds it unchanged when cleanup leaves the pixels as they are.
  std::string jpeg;
};

std::vector<LoadedImage> load_image_file(const std::filesystem::path& file,
                                         const LoadParams& params = {});

// Resolutions stated in the file's headers (one per frame for TIFF); 0 where none is stated.
std::vector<double> read_image_dpi(const std::string& bytes);

}  // namespace xueji
