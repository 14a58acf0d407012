#pragma once
// XML text and attribute escaping (& < > " '), dropping the control characters XML 1.0
// does not allow. Used by the PDF's XMP packet and the hOCR/ALTO exports.
#include <string>

namespace xueji {

std::string xml_escape(const std::string& s);

}  // namespace xueji
