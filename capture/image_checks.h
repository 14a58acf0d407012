#pragma once
// Strict decoding checks behind the image loader. libjpeg only *warns* about corrupt entropy-
// coded data (and OpenCV then returns a grey or smeared picture); libpng prints its warnings
// on the terminal. Here both libraries are called directly, quietly, and what they report
// decides: corrupt data is refused with Error(BadImage) naming the file.
#include <string>

#include <opencv2/core.hpp>

namespace xueji {

// Entropy-decodes the whole JPEG (every scan of a progressive one; no IDCT, no colour
// conversion) and throws Error(BadImage) when libjpeg reports corrupt or missing data: a bad
// Huffman or arithmetic code, a premature end of a segment or of the file, a lost restart
// marker, an inconsistent progression, or more than a few stray bytes after scan data (the
// sign of a scan that did not decode as its headers say). Harmless oddities are accepted:
// stray bytes between header segments, a few padding bytes before a marker, an unknown JFIF
// revision or Adobe transform, a damaged ICC profile.
// Returns true when libjpeg warned about such a harmless oddity (OpenCV's decoder would print
// the warning on the terminal: decode such a file with decode_jpeg_quietly instead).
bool check_jpeg_data(const std::string& bytes, const std::string& name);

// Decodes a JPEG with libjpeg-turbo, warnings not printed: gray stays gray, colour comes out
// BGR, CMYK/YCCK is converted as OpenCV does, and an EXIF orientation is applied.
cv::Mat decode_jpeg_quietly(const std::string& bytes, const std::string& name);

// Decodes a PNG with libpng: 8 or 16 bits, 1 (gray), 2 (gray + alpha), 3 (BGR) or 4 (BGRA)
// channels, palettes expanded, as OpenCV's IMREAD_UNCHANGED gives. Warnings (an sRGB profile
// libpng calls incorrect, a bad ancillary chunk) are not printed; errors (a bad CRC in image
// data, truncated data, a broken header) throw Error(BadImage) with libpng's reason.
cv::Mat decode_png(const std::string& bytes, const std::string& name);

}  // namespace xueji
