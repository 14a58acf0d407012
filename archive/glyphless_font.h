#pragma once
// A tiny TrueType font for invisible text layers, generated in memory.
//
// Design notes: two glyphs (.notdef and glyph 1), neither with an outline, both advancing
// 1000 units (one em) so a run of n characters is n ems wide and can be stretched to a word
// box through the text matrix. A (3,1) format-4 cmap sends every BMP code point to glyph 1
// (one segment through a one-entry glyph array, as libharu looks it up). Each glyph has a
// 10-byte header: libharu reads past the table on a zero-length glyph. Ascent/descent are
// 880/-120 so that a run placed on the baseline covers the box of a CJK character.
#include <string>

namespace xueji {

// The whole font file (about 1 KB).
std::string make_glyphless_font();

}  // namespace xueji
