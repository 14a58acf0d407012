#include "models/xml_escape.h"

#include <string_view>
#include <utility>

namespace xueji {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out.push_back(c);
    }
  }
  return out;
}

std::string xml_unescape(const std::string& s) {
  static const std::pair<std::string_view, char> ents[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&')
      for (const auto& [ent, c] : ents)
        if (s.compare(i, ent.size(), ent) == 0) {
          out.push_back(c);
          i += ent.size();
          replaced = true;
          break;
        }
    if (!replaced) out.push_back(s[i++]);
  }
  return out;
}

}  // namespace xueji
