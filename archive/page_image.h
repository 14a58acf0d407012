#pragma once
// How a page's master image goes into the PDF.
//
// Design notes: a master that is exactly the decode of a JPEG file (cleanup changed nothing)
// is embedded as that file, byte for byte: re-encoding would only lose quality. A bilevel page
// (clean monochrome text, decided by the colour-mode analysis) is thresholded and stored as
// 1-bit CCITT G4 (libharu's encoder). Gray and colour pages become baseline JPEG at a quality
// chosen from the page: the lowest quality whose reconstruction of the page's busiest tiles
// reaches `target_psnr_db` (luminance), searched between `min_quality` and `max_quality` on a mosaic of
// those tiles (so the search costs a few small encodes, not full pages). Text on clean paper
// needs about 40 dB to keep strokes free of visible ringing. A noisy scan cannot reach that
// at any sensible size (the noise itself is what JPEG spends its bits on, measured: 2.4 MB for
// a σ=8 A4 page at quality 92, 1.9 MB at 89), and need not: an error no larger than the
// scan's own noise adds nothing the eye can tell from it. So the target is lowered to keep
// the error RMS at most `noise_fraction` of the page's noise, estimated robustly (median of the Laplacian-like operator of Immerkær 1996,
// which text edges do not move).
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xueji {

struct PageImage {
  cv::Mat pixels;       // 8-bit gray or BGR: the master
  double dpi = 300;     // real resolution: sets the page size
  bool bilevel = false; // store as 1-bit CCITT G4
  std::string jpeg;     // the master's JPEG file when `pixels` is exactly its decode
};

struct JpegParams {
  int quality = 0;            // fixed quality 1..100; 0: chosen from the page
  double target_psnr_db = 40;
  double noise_fraction = 1.0;
  int min_quality = 40, max_quality = 92;
  int tile = 128, tiles = 16; // mosaic of the busiest tiles used for the choice
};

struct EncodedImage {
  enum class Kind { Jpeg, Bilevel } kind = Kind::Jpeg;
  std::string jpeg;          // Kind::Jpeg: the JPEG file
  std::vector<unsigned char> bits;  // Kind::Bilevel: rows of 1-bit pixels, 1 = black, MSB first
  int width = 0, height = 0, stride = 0;
  int quality = 0;           // JPEG quality used; 0 when passed through or bilevel
  bool passed_through = false;
};

// Throws Error(Pdf) for an empty or unsupported image.
EncodedImage encode_page_image(const PageImage& page, const JpegParams& params = {});

// The scan's noise standard deviation in gray levels (0 for a clean synthetic page).
double estimate_noise_sigma(const cv::Mat& image);

// The quality encode_page_image would use for `image` (8-bit gray or BGR).
int choose_jpeg_quality(const cv::Mat& image, const JpegParams& params = {});

}  // namespace xueji
