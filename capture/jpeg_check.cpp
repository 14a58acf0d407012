#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>
#include <jerror.h>

#include <opencv2/core.hpp>

#include "capture/image_checks.h"
#include "models/error.h"

namespace xueji {
namespace {

// Stray bytes before a marker after scan data: a few are padding some encoders leave; more
// mean the scan decoded as something other than what was stored.
constexpr int kMaxPaddingBytes = 16;

struct Checker {
  jpeg_error_mgr pub;  // first: libjpeg passes a pointer to it
  std::jmp_buf jump;
  bool in_header = true;
  int corrupt_code = -1;      // the first corrupt-data warning
  bool warned = false;        // any other warning
  char message[JMSG_LENGTH_MAX] = "";
};

void on_error(j_common_ptr cinfo) {
  Checker* c = reinterpret_cast<Checker*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, c->message);
  std::longjmp(c->jump, 1);
}

bool is_corrupt(const Checker& c, const jpeg_error_mgr& err) {
  switch (err.msg_code) {
    case JWRN_ARITH_BAD_CODE:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_JPEG_EOF:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL: return true;
    case JWRN_EXTRANEOUS_DATA: return !c.in_header && err.msg_parm.i[0] > kMaxPaddingBytes;
    default: return false;
  }
}

void on_message(j_common_ptr cinfo, int level) {
  Checker* c = reinterpret_cast<Checker*>(cinfo->err);
  if (level >= 0 || c->corrupt_code >= 0) return;  // trace messages; a reason already found
  if (!is_corrupt(*c, *cinfo->err)) {
    c->warned = true;
    return;
  }
  c->corrupt_code = cinfo->err->msg_code;
  (*cinfo->err->format_message)(cinfo, c->message);
}

// Plain C flow between setjmp and longjmp: no objects with destructors in this frame.
bool decode_all(jpeg_decompress_struct* cinfo, Checker* c, const unsigned char* data, unsigned long size) {
  if (setjmp(c->jump)) return false;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, data, size);
  jpeg_read_header(cinfo, TRUE);
  c->in_header = false;
  jpeg_read_coefficients(cinfo);  // every scan, to the end of the image
  jpeg_finish_decompress(cinfo);
  return true;
}

// Plain C flow between setjmp and longjmp, as above; `out` is allocated by the caller's
// callback between header and pixels.
bool decode_pixels(jpeg_decompress_struct* cinfo, Checker* c, const unsigned char* data, unsigned long size,
                   cv::Mat* out) {
  if (setjmp(c->jump)) return false;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, data, size);
  jpeg_read_header(cinfo, TRUE);
  c->in_header = false;
  const bool cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  const bool gray = cinfo->jpeg_color_space == JCS_GRAYSCALE;
  cinfo->out_color_space = cmyk ? JCS_CMYK : gray ? JCS_GRAYSCALE : JCS_EXT_BGR;
  jpeg_start_decompress(cinfo);
  out->create(static_cast<int>(cinfo->output_height), static_cast<int>(cinfo->output_width),
              CV_8UC(cinfo->output_components));
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW row = out->ptr(static_cast<int>(cinfo->output_scanline));
    jpeg_read_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_decompress(cinfo);
  return true;
}

// The EXIF orientation (1-8; 1 when there is none) from an APP1 "Exif" segment.
int exif_orientation(const std::string& b) {
  for (size_t i = 2; i + 4 <= b.size();) {
    if (static_cast<unsigned char>(b[i]) != 0xFF) return 1;
    const unsigned marker = static_cast<unsigned char>(b[i + 1]);
    const size_t len = (size_t(static_cast<unsigned char>(b[i + 2])) << 8) | static_cast<unsigned char>(b[i + 3]);
    if (marker == 0xDA || i + 2 + len > b.size()) return 1;
    if (marker == 0xE1 && len > 16 && b.compare(i + 4, 6, std::string("Exif\0\0", 6)) == 0) {
      const std::string t = b.substr(i + 10, len - 8);
      const bool le = t[0] == 'I';
      auto u = [&](size_t at, int n) -> uint32_t {
        if (at + size_t(n) > t.size()) return 0;
        uint32_t v = 0;
        for (int k = 0; k < n; ++k)
          v |= uint32_t(static_cast<unsigned char>(t[at + size_t(k)])) << (8 * (le ? k : n - 1 - k));
        return v;
      };
      const size_t ifd = u(4, 4);
      const uint32_t n = u(ifd, 2);
      for (uint32_t k = 0; k < n; ++k)
        if (u(ifd + 2 + 12 * k, 2) == 0x0112) return static_cast<int>(u(ifd + 2 + 12 * k + 8, 2));
      return 1;
    }
    i += 2 + len;
  }
  return 1;
}

cv::Mat oriented(cv::Mat m, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(m, out, 1); return out;
    case 3: cv::rotate(m, out, cv::ROTATE_180); return out;
    case 4: cv::flip(m, out, 0); return out;
    case 5: cv::transpose(m, out); return out;
    case 6: cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 7: cv::transpose(m, out); cv::rotate(out, out, cv::ROTATE_180); return out;
    case 8: cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: return m;
  }
}

}  // namespace

cv::Mat decode_jpeg_quietly(const std::string& bytes, const std::string& name) {
  jpeg_decompress_struct cinfo{};
  Checker c;
  cinfo.err = jpeg_std_error(&c.pub);
  c.pub.error_exit = on_error;
  c.pub.emit_message = on_message;
  cv::Mat m;
  const bool ok = decode_pixels(&cinfo, &c, reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<unsigned long>(bytes.size()), &m);
  jpeg_destroy_decompress(&cinfo);
  if (!ok) throw Error(ErrorCode::BadImage, name + ": corrupt JPEG (" + c.message + ")");
  if (m.channels() == 4) {  // CMYK (Adobe's inverted form), converted as OpenCV does
    cv::Mat bgr(m.size(), CV_8UC3);
    m.forEach<cv::Vec4b>([&](const cv::Vec4b& p, const int* pos) {
      auto ch = [&](int v) { return cv::saturate_cast<uchar>(p[3] - ((255 - v) * p[3] >> 8)); };
      bgr.at<cv::Vec3b>(pos[0], pos[1]) = cv::Vec3b(ch(p[2]), ch(p[1]), ch(p[0]));
    });
    m = bgr;
  }
  return oriented(m, exif_orientation(bytes));
}

bool check_jpeg_data(const std::string& bytes, const std::string& name) {
  jpeg_decompress_struct cinfo{};
  Checker c;
  cinfo.err = jpeg_std_error(&c.pub);
  c.pub.error_exit = on_error;
  c.pub.emit_message = on_message;
  const bool ok = decode_all(&cinfo, &c, reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<unsigned long>(bytes.size()));
  jpeg_destroy_decompress(&cinfo);
  if (!ok) throw Error(ErrorCode::BadImage, name + ": corrupt JPEG (" + c.message + ")");
  if (c.corrupt_code >= 0)
    throw Error(ErrorCode::BadImage, name + ": corrupt JPEG data, the picture cannot be trusted (" + c.message + ")");
  return c.warned;
}

}  // namespace xueji
