#include "models/id_mask.h"

#include <regex>
#include <vector>

namespace xueji {

std::string mask_ids(std::string_view text) {
  bool digits = false;
  for (char c : text) digits = digits || (c >= '0' && c <= '9');
  if (!digits) return std::string(text);
  // The birth date of an id: after the six-digit region code, or before the three-digit
  // sequence and the check character. Matched over the text without spaces and the 【】 that
  // mark search hits (a snippet may cut an id, or mark a hit inside it), and masked in place.
  std::string condensed;
  std::vector<size_t> at;  // condensed index -> text index
  const std::string open = "\xE3\x80\x90", close = "\xE3\x80\x91";  // 【 】
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    if (text.compare(i, 3, open) == 0 || text.compare(i, 3, close) == 0) {
      i += 3;
      continue;
    }
    condensed.push_back(text[i]);
    at.push_back(i);
    ++i;
  }
  static const std::regex date_in_id(
      R"((?:[0-9]{6}((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])))|(?:((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))[0-9]{3}[0-9Xx]))");
  std::string out(text);
  for (auto it = std::sregex_iterator(condensed.begin(), condensed.end(), date_in_id); it != std::sregex_iterator(); ++it) {
    const int group = (*it)[1].matched ? 1 : 2;
    const size_t from = static_cast<size_t>(it->position(group));
    for (size_t k = from; k < from + 8; ++k) out[at[k]] = '*';
  }
  return out;
}

}  // namespace xueji
