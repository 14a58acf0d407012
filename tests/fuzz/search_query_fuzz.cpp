// The search query parser over arbitrary text. Only xueji::Error(InvalidArgument) may leave
// it, and a parsed query keeps the documented limits.
#include <cstdint>
#include <string_view>

#include "indexer/search_query.h"
#include "models/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const xueji::SearchQuery q = xueji::parse_query(text);
    if (q.clauses.size() + q.filters.size() > xueji::kMaxQueryTerms) __builtin_trap();
    for (const auto& clause : q.clauses)
      if (clause.any.empty()) __builtin_trap();
  } catch (const xueji::Error& e) {
    if (e.code() != xueji::ErrorCode::InvalidArgument) __builtin_trap();
  }
  return 0;
}
