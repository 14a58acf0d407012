#pragma once
// Privacy: a 学籍号 holds the 身份证号 (region, birth date, sex), so listings, search snippets
// and logs show it masked, G110108********1231: the region code and the last four characters
// stay (enough to tell students apart at a glance), the birth date goes. A bare 18-character
// 身份证号 (in OCR text, say) is masked the same way. Revealing is a choice the user makes
// (`--show-ids`), recorded as an access event.
#include <string>
#include <string_view>

namespace xueji {

// Every 学籍号 or 身份证号 in `text` masked: the eight digits of the birth date become '*' (also
// when spaces or the 【】 of a search hit run through the number, or a snippet cut it).
std::string mask_ids(std::string_view text);

}  // namespace xueji
