#include "models/id_mask.h"

#include <regex>

namespace xueji {

std::string mask_ids(std::string_view text) {
  // Region (6 digits), birth date (yyyymmdd, 19xx or 20xx), sequence (3 digits), check character.
  static const std::regex id(R"(([GJL]?[1-9][0-9]{5})((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))([0-9]{3}[0-9Xx]))");
  bool digit_like = false;
  for (char c : text) digit_like = digit_like || (c >= '0' && c <= '9');
  if (!digit_like) return std::string(text);
  return std::regex_replace(std::string(text), id, "$1********$3");
}

}  // namespace xueji
