#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>
#include <jerror.h>

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
  if (!is_corrupt(*c, *cinfo->err)) return;
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

}  // namespace

void check_jpeg_data(const std::string& bytes, const std::string& name) {
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
}

}  // namespace xueji
