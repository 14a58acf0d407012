#pragma once
// Repairs a TrueType font subset written by libharu 2.3.0, which drops the parts of composite
// glyphs whose glyph index is above 32767: WenQuanYi Micro Hei builds most CJK characters from
// such parts (学 is glyph 5397 made of glyphs 38666 and 37759), and they rendered as blanks.
//
// Design notes: libharu keeps the font's glyph numbering and writes the data of the glyphs it
// uses only (every other loca entry is empty). The repair walks the components of every glyph
// present, recursively, copies the data of each missing one from the original font, and writes
// glyf and a long-format loca again; head's indexToLocFormat, the table checksums and
// checkSumAdjustment are set anew. Every other table is copied as it is.
#include <string>
#include <string_view>

namespace xueji {

// `subset`: the embedded font (a plain TrueType file); `original`: the font file it was made
// from (TrueType, or a collection and the face's index). Returns the subset unchanged when no
// component is missing. Throws Error(Pdf) for a malformed font.
std::string complete_composite_glyphs(std::string_view subset, std::string_view original, int face = 0);

// Glyph indices that are composite in `font` and have a component without glyph data (0 for a
// sound font): for tests.
int missing_components(std::string_view font);

}  // namespace xueji
