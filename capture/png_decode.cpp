#include <csetjmp>
#include <cstring>
#include <vector>

#include <png.h>

#include "capture/image_checks.h"
#include "models/error.h"

namespace xueji {
namespace {

struct Reader {
  const std::string* bytes;
  size_t pos = 8;  // after the signature, checked by the loader
  char message[256] = "";
  std::jmp_buf jump;
};

void on_error(png_structp png, png_const_charp msg) {
  Reader* r = static_cast<Reader*>(png_get_error_ptr(png));
  std::snprintf(r->message, sizeof r->message, "%s", msg);
  std::longjmp(r->jump, 1);
}

void on_warning(png_structp, png_const_charp) {}  // harmless by definition: not printed

void on_read(png_structp png, png_bytep out, png_size_t n) {
  Reader* r = static_cast<Reader*>(png_get_io_ptr(png));
  if (r->bytes->size() - r->pos < n) png_error(png, "the file is truncated");
  std::memcpy(out, r->bytes->data() + r->pos, n);
  r->pos += n;
}

struct Layout {
  png_uint_32 width = 0, height = 0;
  int depth = 8, channels = 1;
};

// Plain C flow between setjmp and longjmp: `rows` is sized before, only filled here.
bool read_png(png_structp png, png_infop info, Reader* r, Layout* layout, std::vector<png_bytep>* rows,
              cv::Mat* out) {
  if (setjmp(r->jump)) return false;
  png_set_read_fn(png, r, on_read);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  const int color = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  const bool trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  if (trns) png_set_tRNS_to_alpha(png);
  // Gray with alpha comes out as BGRA, as OpenCV gives it (and the loader composites it).
  if ((color == PNG_COLOR_TYPE_GRAY && trns) || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  if (depth == 16) png_set_swap(png);  // little-endian 16-bit samples, as cv::Mat holds them
  png_set_bgr(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  layout->width = png_get_image_width(png, info);
  layout->height = png_get_image_height(png, info);
  layout->depth = png_get_bit_depth(png, info);
  layout->channels = png_get_channels(png, info);
  *out = cv::Mat(static_cast<int>(layout->height), static_cast<int>(layout->width),
                 CV_MAKETYPE(layout->depth == 16 ? CV_16U : CV_8U, layout->channels));
  rows->resize(layout->height);
  for (png_uint_32 y = 0; y < layout->height; ++y) (*rows)[y] = out->ptr(static_cast<int>(y));
  png_read_image(png, rows->data());
  png_read_end(png, nullptr);  // checks the CRCs and chunks after the image data
  return true;
}

}  // namespace

cv::Mat decode_png(const std::string& bytes, const std::string& name) {
  Reader r;
  r.bytes = &bytes;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, on_error, on_warning);
  if (!png) throw Error(ErrorCode::BadImage, name + ": cannot start the PNG decoder");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    throw Error(ErrorCode::BadImage, name + ": cannot start the PNG decoder");
  }
  Layout layout;
  std::vector<png_bytep> rows;
  cv::Mat out;
  bool ok = false;
  try {
    ok = read_png(png, info, &r, &layout, &rows, &out);
  } catch (const cv::Exception& e) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw Error(ErrorCode::BadImage, name + ": cannot decode the PNG (" + e.err + ")");
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok) throw Error(ErrorCode::BadImage, name + ": corrupt PNG (" + r.message + ")");
  return out;
}

}  // namespace xueji
