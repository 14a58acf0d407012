// The repair of libharu's TrueType subsets (archive/truetype_glyph_fix.h) on small fonts made
// here: a composite glyph whose part was dropped gets it back, every other byte of glyph data
// stays, and malformed fonts are refused with Error(Pdf), never read out of bounds. (The real
// case, WenQuanYi Micro Hei in the separator sheets, is in tests/e2e/separator_sheets_test.cpp.)
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "archive/truetype_glyph_fix.h"
#include "models/error.h"

using namespace xueji;

namespace {

void put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v));
}
void put32(std::string& s, uint32_t v) {
  put16(s, v >> 16);
  put16(s, v & 0xFFFF);
}

std::string simple_glyph(int tag) {  // no contours; a tag byte to tell glyphs apart
  std::string g;
  put16(g, 0);
  for (int i = 0; i < 4; ++i) put16(g, static_cast<uint32_t>(tag));
  put16(g, 0);  // instruction length
  return g;
}

std::string composite_glyph(const std::vector<uint16_t>& parts) {
  std::string g;
  put16(g, 0xFFFF);  // numberOfContours -1
  for (int i = 0; i < 4; ++i) put16(g, 0);
  for (size_t i = 0; i < parts.size(); ++i) {
    put16(g, i + 1 < parts.size() ? 0x0020 : 0);  // MORE_COMPONENTS; byte arguments
    put16(g, parts[i]);
    put16(g, 0);  // two byte arguments
  }
  return g;
}

// A font of head, maxp, loca (long) and glyf: all the repair reads.
std::string make_font(const std::vector<std::string>& glyphs) {
  std::string head(54, '\0');
  head[50] = 0, head[51] = 1;  // indexToLocFormat: long
  std::string maxp;
  put32(maxp, 0x00005000);
  put16(maxp, static_cast<uint32_t>(glyphs.size()));
  std::string glyf, loca;
  for (const std::string& g : glyphs) {
    put32(loca, static_cast<uint32_t>(glyf.size()));
    glyf += g;
  }
  put32(loca, static_cast<uint32_t>(glyf.size()));
  const std::vector<std::pair<std::string, std::string>> tables = {{"glyf", glyf}, {"head", head}, {"loca", loca}, {"maxp", maxp}};
  std::string font;
  put32(font, 0x00010000);
  put16(font, static_cast<uint32_t>(tables.size()));
  put16(font, 64), put16(font, 2), put16(font, 0);
  size_t offset = 12 + 16 * tables.size();
  std::string data;
  for (const auto& [tag, body] : tables) {
    font += tag;
    put32(font, 0);
    put32(font, static_cast<uint32_t>(offset + data.size()));
    put32(font, static_cast<uint32_t>(body.size()));
    data += body;
    data.resize((data.size() + 3) / 4 * 4, '\0');
  }
  return font + data;
}

}  // namespace

TEST(TrueTypeGlyphFix, PutsBackTheMissingPartsOfCompositeGlyphs) {
  const std::vector<std::string> all = {simple_glyph(0), simple_glyph(1), simple_glyph(2),
                                        composite_glyph({1, 2}), composite_glyph({3})};  // 4 -> 3 -> 1, 2
  const std::string original = make_font(all);
  EXPECT_EQ(missing_components(original), 0);
  // libharu's subset of glyphs 0 and 4: the parts 3, 1 and 2 lost.
  const std::string subset = make_font({all[0], "", "", "", all[4]});
  EXPECT_EQ(missing_components(subset), 1);
  const std::string fixed = complete_composite_glyphs(subset, original);
  EXPECT_EQ(missing_components(fixed), 0);
  EXPECT_NE(fixed, subset);
  // Every glyph's data is there again, each in its place.
  for (const std::string& g : all) EXPECT_NE(fixed.find(g), std::string::npos);
  // A sound subset (nothing missing) comes back byte for byte.
  const std::string sound = make_font({all[0], all[1], "", "", ""});
  EXPECT_EQ(complete_composite_glyphs(sound, original), sound);
}

TEST(TrueTypeGlyphFix, RefusesMalformedFonts) {
  const std::string original = make_font({simple_glyph(0), simple_glyph(1), composite_glyph({1})});
  const std::string subset = make_font({simple_glyph(0), "", composite_glyph({1})});
  const std::string other = make_font({simple_glyph(0), simple_glyph(1)});  // another glyph count
  auto refused = [](const std::string& sub, const std::string& orig) {
    try {
      complete_composite_glyphs(sub, orig);
    } catch (const Error& e) {
      return e.code() == ErrorCode::Pdf;
    }
    return false;
  };
  EXPECT_TRUE(refused("", original));
  EXPECT_TRUE(refused(std::string(100, '\0'), original));
  EXPECT_TRUE(refused(subset, other));
  EXPECT_TRUE(refused(subset, ""));
  for (size_t cut = 0; cut < subset.size(); cut += 7)  // every truncation: refused or repaired, no crash
    try {
      complete_composite_glyphs(subset.substr(0, cut), original);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Pdf);
    }
  for (size_t cut = 0; cut < original.size(); cut += 5)
    try {
      complete_composite_glyphs(subset, original.substr(0, cut));
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Pdf);
    }
}
