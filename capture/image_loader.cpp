#include "capture/image_loader.h"

#include <fstream>
#include <limits>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/image_checks.h"
#include "models/error.h"

namespace xueji {
namespace {

enum class Format { Png, Jpeg, Tiff, Pnm, Unknown };

Format sniff(const std::string& b) {
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return Format::Png;
  if (b.size() >= 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0) return Format::Jpeg;
  if (b.size() >= 4 && (b.compare(0, 4, std::string("II*\0", 4)) == 0 ||
                        b.compare(0, 4, std::string("MM\0*", 4)) == 0))
    return Format::Tiff;
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' &&
      (b[2] == '\n' || b[2] == ' ' || b[2] == '\r' || b[2] == '\t'))
    return Format::Pnm;  // what scanimage and SANE's pnm backend write
  return Format::Unknown;
}

uint32_t be32(const std::string& b, size_t i) {
  return (uint32_t(uint8_t(b[i])) << 24) | (uint32_t(uint8_t(b[i + 1])) << 16) |
         (uint32_t(uint8_t(b[i + 2])) << 8) | uint32_t(uint8_t(b[i + 3]));
}
uint16_t be16(const std::string& b, size_t i) {
  return static_cast<uint16_t>((uint8_t(b[i]) << 8) | uint8_t(b[i + 1]));
}

double png_dpi(const std::string& b) {
  for (size_t i = 8; i + 12 <= b.size();) {
    uint32_t len = be32(b, i);
    std::string type = b.substr(i + 4, 4);
    if (type == "pHYs" && len >= 9 && i + 8 + 9 <= b.size()) {
      uint32_t ppu_x = be32(b, i + 8);
      if (uint8_t(b[i + 16]) == 1) return ppu_x * 0.0254;
      return 0;
    }
    if (type == "IDAT" || type == "IEND") return 0;
    i += 12 + static_cast<size_t>(len);
  }
  return 0;
}

double jpeg_dpi(const std::string& b) {
  // JFIF APP0: FF E0 len "JFIF\0" ver(2) units(1) xdensity(2) ydensity(2)
  for (size_t i = 2; i + 4 < b.size();) {
    if (uint8_t(b[i]) != 0xFF) return 0;
    uint8_t marker = uint8_t(b[i + 1]);
    uint16_t len = be16(b, i + 2);
    if (marker == 0xE0 && len >= 14 && i + 4 + 12 <= b.size() && b.compare(i + 4, 5, std::string("JFIF\0", 5)) == 0) {
      uint8_t units = uint8_t(b[i + 11]);
      uint16_t xd = be16(b, i + 12);
      if (units == 1) return xd;
      if (units == 2) return xd * 2.54;
      return 0;
    }
    if (marker == 0xDA) return 0;  // start of scan: no more headers
    i += 2 + len;
  }
  return 0;
}

// Reads TIFF integers in the file's byte order; 0 past the end.
struct TiffReader {
  const std::string& b;
  bool le = b[0] == 'I';
  uint32_t u16(size_t i) const {
    if (i + 2 > b.size()) return 0;
    return le ? (uint8_t(b[i]) | (uint8_t(b[i + 1]) << 8)) : be16(b, i);
  }
  uint32_t u32(size_t i) const {
    if (i + 4 > b.size()) return 0;
    return le ? (uint32_t(uint8_t(b[i])) | (uint32_t(uint8_t(b[i + 1])) << 8) |
                 (uint32_t(uint8_t(b[i + 2])) << 16) | (uint32_t(uint8_t(b[i + 3])) << 24))
              : be32(b, i);
  }
};

std::vector<double> tiff_dpi(const std::string& b) {
  std::vector<double> out;
  const TiffReader t{b};
  auto u16 = [&](size_t i) { return t.u16(i); };
  auto u32 = [&](size_t i) { return t.u32(i); };
  size_t ifd = u32(4);
  for (int guard = 0; ifd != 0 && ifd + 2 <= b.size() && guard < 10000; ++guard) {
    uint32_t n = u16(ifd);
    double xres = 0;
    uint32_t unit = 2;
    for (uint32_t k = 0; k < n; ++k) {
      size_t e = ifd + 2 + 12 * k;
      if (e + 12 > b.size()) break;
      uint32_t tag = u16(e);
      if (tag == 282) {  // XResolution, RATIONAL at offset
        size_t off = u32(e + 8);
        uint32_t num = u32(off), den = u32(off + 4);
        if (den) xres = double(num) / den;
      } else if (tag == 296) {
        unit = u16(e + 8);
      }
    }
    out.push_back(unit == 3 ? xres * 2.54 : unit == 2 ? xres : 0);
    ifd = u32(ifd + 2 + 12 * n);
  }
  return out;
}

// w x h, saturating: header fields are 32-bit and their product overflows a long long.
long long pixel_count(long long w, long long h) {
  if (w <= 0 || h <= 0) return 0;
  if (h > std::numeric_limits<long long>::max() / w) return std::numeric_limits<long long>::max();
  return w * h;
}

// Width and height from the file header, read before decoding so that a decompression bomb
// (a tiny file declaring a huge image) is refused without allocating it. {0, 0} if unknown.
std::pair<long long, long long> header_size(const std::string& b, Format f) {
  if (f == Format::Png && b.size() >= 24) return {be32(b, 16), be32(b, 20)};
  if (f == Format::Jpeg) {
    for (size_t i = 2; i + 9 < b.size();) {
      if (uint8_t(b[i]) != 0xFF) break;
      const uint8_t marker = uint8_t(b[i + 1]);
      const uint16_t len = be16(b, i + 2);
      const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) return {be16(b, i + 7), be16(b, i + 5)};
      if (marker == 0xDA) break;
      i += 2 + len;
    }
  }
  if (f == Format::Tiff && b.size() >= 8) {
    const TiffReader t{b};
    auto u16 = [&](size_t i) { return t.u16(i); };
    auto u32 = [&](size_t i) { return t.u32(i); };
    long long best = 0, bw = 0, bh = 0;
    size_t ifd = u32(4);
    for (int guard = 0; ifd != 0 && ifd + 2 <= b.size() && guard < 10000; ++guard) {
      const uint32_t n = u16(ifd);
      long long w = 0, h = 0;
      for (uint32_t k = 0; k < n; ++k) {
        const size_t e = ifd + 2 + 12 * k;
        if (e + 12 > b.size()) break;
        const uint32_t tag = u16(e), type = u16(e + 2);
        const uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256) w = value;
        if (tag == 257) h = value;
      }
      if (pixel_count(w, h) > best) {
        best = pixel_count(w, h);
        bw = w;
        bh = h;
      }
      ifd = u32(ifd + 2 + 12 * n);
    }
    return {bw, bh};
  }
  return {0, 0};
}

bool jpeg_complete(const std::string& b) {
  // A complete JPEG ends with the EOI marker (FF D9), possibly followed by padding.
  size_t end = b.size();
  while (end > 0 && (b[end - 1] == '\0' || b[end - 1] == '\n' || b[end - 1] == '\r')) --end;
  return end >= 2 && uint8_t(b[end - 2]) == 0xFF && uint8_t(b[end - 1]) == 0xD9;
}

cv::Mat to_8bit(cv::Mat m) {
  if (m.depth() == CV_16U) m.convertTo(m, CV_8U, 1.0 / 257.0);
  else if (m.depth() != CV_8U) m.convertTo(m, CV_8U);
  if (m.channels() == 4) {
    // Composite over white paper: transparent areas are not black ink.
    cv::Mat out(m.size(), CV_8UC3);
    m.forEach<cv::Vec4b>([&](const cv::Vec4b& p, const int* pos) {
      const float a = p[3] / 255.f;
      out.at<cv::Vec3b>(pos[0], pos[1]) =
          cv::Vec3b(cv::saturate_cast<uchar>(p[0] * a + 255 * (1 - a)),
                    cv::saturate_cast<uchar>(p[1] * a + 255 * (1 - a)),
                    cv::saturate_cast<uchar>(p[2] * a + 255 * (1 - a)));
    });
    return out;
  }
  return m;
}

}  // namespace

std::vector<double> read_image_dpi(const std::string& bytes) {
  switch (sniff(bytes)) {
    case Format::Png: return {png_dpi(bytes)};
    case Format::Jpeg: return {jpeg_dpi(bytes)};
    case Format::Tiff: return tiff_dpi(bytes);
    case Format::Pnm:
    case Format::Unknown: break;
  }
  return {};
}

std::vector<LoadedImage> load_image_file(const std::filesystem::path& file,
                                         const LoadParams& params) {
  const std::string name = file.filename().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(ErrorCode::NotFound, "image file not found: " + file.string());
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) throw Error(ErrorCode::Io, "cannot read " + file.string());
  const std::string bytes = ss.str();
  if (bytes.empty()) throw Error(ErrorCode::BadImage, name + ": the file is empty");

  const Format format = sniff(bytes);
  if (format == Format::Unknown)
    throw Error(ErrorCode::BadImage, name + ": not a PNG, JPEG, TIFF or PNM image");
  if (format == Format::Jpeg && !jpeg_complete(bytes))
    throw Error(ErrorCode::BadImage, name + ": the JPEG file is truncated (no end marker)");

  const auto [hw, hh] = header_size(bytes, format);
  if (pixel_count(hw, hh) > params.max_pixels)
    throw Error(ErrorCode::BadImage, name + ": image too large (" + std::to_string(hw) + "x" +
                                         std::to_string(hh) + " pixels; the limit is " +
                                         std::to_string(params.max_pixels / 1000000) + " megapixels)");

  std::vector<cv::Mat> frames;
  try {
    if (format == Format::Tiff) {
      if (!cv::imreadmulti(file.string(), frames, cv::IMREAD_UNCHANGED)) frames.clear();
    } else if (format == Format::Png) {
      frames.push_back(decode_png(bytes, name));  // quiet and strict; keeps 16 bits and alpha
    } else if (format == Format::Jpeg && check_jpeg_data(bytes, name)) {  // libjpeg only warns on corrupt data
      frames.push_back(decode_jpeg_quietly(bytes, name));  // harmless warnings: not on the terminal
    } else {
      // JPEG: let libjpeg convert CMYK/YCCK to BGR (gray stays gray). PNG: keep 16 bits and alpha.
      const int flags = format == Format::Jpeg ? cv::IMREAD_ANYCOLOR : cv::IMREAD_UNCHANGED;
      cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
      cv::Mat m = cv::imdecode(buf, flags);
      if (!m.empty()) frames.push_back(m);
    }
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::BadImage, name + ": cannot decode image (" + e.err + ")");
  }
  if (frames.empty())
    throw Error(ErrorCode::BadImage, name + ": cannot decode image (corrupt or truncated)");

  const std::vector<double> dpis = read_image_dpi(bytes);
  std::vector<LoadedImage> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    cv::Mat& m = frames[i];
    if (static_cast<long long>(m.cols) * m.rows > params.max_pixels)
      throw Error(ErrorCode::BadImage, name + ": image too large (" + std::to_string(m.cols) + "x" +
                                           std::to_string(m.rows) + " pixels; the limit is " +
                                           std::to_string(params.max_pixels / 1000000) + " megapixels)");
    if (m.cols < 16 || m.rows < 16)
      throw Error(ErrorCode::BadImage, name + ": image too small to be a page");
    LoadedImage li;
    li.image = to_8bit(m);
    double dpi = i < dpis.size() ? dpis[i] : 0;
    li.dpi_from_file = dpi >= params.min_dpi && dpi <= params.max_dpi;
    li.dpi = li.dpi_from_file ? dpi : params.default_dpi;
    li.source = frames.size() > 1 ? name + "#" + std::to_string(i + 1) : name;
    li.file = file;
    // An EXIF block may turn the decoded image (OpenCV applies its orientation): then the
    // file is not the pixels, and is not kept for pass-through.
    if (format == Format::Jpeg && bytes.find(std::string("Exif\0\0", 6)) == std::string::npos) li.jpeg = bytes;
    out.push_back(std::move(li));
  }
  return out;
}

}  // namespace xueji
