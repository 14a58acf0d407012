// The PDF/A checker over arbitrary bytes, at one level per input (by the input's length, so
// that mutations try both and each input costs one parse): whatever the file, it returns its
// list of broken rules (a file qpdf cannot read is "structure: …"); nothing escapes it.
// Through check_pdfa_bytes: qpdf's buffer source instead of its file source, whose seeks and
// small reads made a file per input ten times slower; every rule is the same code.
#include <cstdint>
#include <string_view>

#include "archive/pdfa_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const xueji::PdfaLevel level = size % 2 ? xueji::PdfaLevel::A1b : xueji::PdfaLevel::A2b;
  int pages = -1;
  const auto broken = xueji::check_pdfa_bytes(bytes, level, &pages);
  if (broken.empty() && pages < 0) __builtin_trap();  // a pass always knows its page count
  return 0;
}
