#pragma once
// Normalization of recognized text: Tesseract prints ASCII punctuation (: , ; ( ) ! ?) where
// Chinese text has the full-width forms (：，；（）！？); next to a CJK character the full-width
// form is restored, between Latin letters or digits the ASCII form is kept. A lone dash (—)
// after 第 or before 等 becomes 一 (a range such as 初一—初三 keeps its dash). Spaces between CJK characters are never written (see
// OcrLine::text).
#include "models/ocr_page.h"

namespace xueji {

void normalize_punctuation(OcrLine& line);

}  // namespace xueji
