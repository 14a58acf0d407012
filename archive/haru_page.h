#pragma once
// One page drawn by libharu: the page image and the invisible text runs, as a one-page PDF in
// memory. The PDF writer copies the page's objects into the document it streams to disk, so
// libharu never holds more than one page.
#include <string>
#include <vector>

#include "archive/page_image.h"
#include "archive/text_layer.h"

namespace xueji {

// `runs[i].text` holds the character codes to draw (UTF-8 of BMP code points; the font's codes
// are the code points, Identity-H). `font_file`: the glyphless TrueType font on disk.
// Throws Error(Pdf) when libharu reports an error.
std::string haru_page_pdf(const EncodedImage& image, double width_pt, double height_pt,
                          const std::vector<TextRun>& runs, const std::string& font_file);

}  // namespace xueji
