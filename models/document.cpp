#include "models/document.h"

namespace xueji {

bool is_valid_type_code(std::string_view code) {
  if (code.empty() || code.size() > 8) return false;
  for (char c : code)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

}  // namespace xueji
