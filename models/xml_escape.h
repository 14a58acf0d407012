#pragma once
// XML text and attribute escaping (& < > " '), dropping the control characters XML 1.0
// does not allow. Used by the PDF's XMP packet and the hOCR/ALTO exports; unescaping by the
// PDF/A check that reads the XMP back.
#include <string>

namespace xueji {

std::string xml_escape(const std::string& s);
// The five predefined entities back to their characters (the reverse of xml_escape).
std::string xml_unescape(const std::string& s);

}  // namespace xueji
