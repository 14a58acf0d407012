#include "capture/image_loader.h"

#include <fstream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "models/error.h"

namespace xueji {
namespace {

enum class Format { Png, Jpeg, Tiff, Unknown };

Format sniff(const std::string& b) {
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return Format::Png;
  if (b.size() >= 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0) return Format::Jpeg;
  if (b.size() >= 4 && (b.compare(0, 4, std::string("II*\0", 4)) == 0 ||
                        b.compare(0, 4, std::string("MM\0*", 4)) == 0))
    return Format::Tiff;
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

std::vector<double> tiff_dpi(const std::string& b) {
  std::vector<double> out;
  const bool le = b[0] == 'I';
  auto u16 = [&](size_t i) -> uint32_t {
    if (i + 2 > b.size()) return 0;
    return le ? (uint8_t(b[i]) | (uint8_t(b[i + 1]) << 8)) : be16(b, i);
  };
  auto u32 = [&](size_t i) -> uint32_t {
    if (i + 4 > b.size()) return 0;
    return le ? (uint32_t(uint8_t(b[i])) | (uint32_t(uint8_t(b[i + 1])) << 8) |
                 (uint32_t(uint8_t(b[i + 2])) << 16) | (uint32_t(uint8_t(b[i + 3])) << 24))
              : be32(b, i);
  };
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
    throw Error(ErrorCode::BadImage, name + ": not a PNG, JPEG or TIFF image");
  if (format == Format::Jpeg && !jpeg_complete(bytes))
    throw Error(ErrorCode::BadImage, name + ": the JPEG file is truncated (no end marker)");

  std::vector<cv::Mat> frames;
  try {
    if (format == Format::Tiff) {
      if (!cv::imreadmulti(file.string(), frames, cv::IMREAD_UNCHANGED)) frames.clear();
    } else {
      cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
      cv::Mat m = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
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
      throw Error(ErrorCode::BadImage, name + ": image too large (" + std::to_string(m.cols) +
                                           "x" + std::to_string(m.rows) + " pixels)");
    if (m.cols < 16 || m.rows < 16)
      throw Error(ErrorCode::BadImage, name + ": image too small to be a page");
    LoadedImage li;
    li.image = to_8bit(m);
    double dpi = i < dpis.size() ? dpis[i] : 0;
    li.dpi_from_file = dpi >= params.min_dpi && dpi <= params.max_dpi;
    li.dpi = li.dpi_from_file ? dpi : params.default_dpi;
    li.source = frames.size() > 1 ? name + "#" + std::to_string(i + 1) : name;
    out.push_back(std::move(li));
  }
  return out;
}

}  // namespace xueji
