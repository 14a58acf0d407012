#include "archive/glyphless_font.h"

#include <cstdint>
#include <map>
#include <vector>

namespace xueji {
namespace {

class Bytes {
 public:
  Bytes& u8(uint8_t v) {
    b_.push_back(static_cast<char>(v));
    return *this;
  }
  Bytes& u16(uint32_t v) { return u8(uint8_t(v >> 8)).u8(uint8_t(v)); }
  Bytes& i16(int v) { return u16(static_cast<uint16_t>(static_cast<int16_t>(v))); }
  Bytes& u32(uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
  Bytes& tag(const char* t) {
    for (int i = 0; i < 4; ++i) u8(uint8_t(t[i]));
    return *this;
  }
  Bytes& zeros(size_t n) {
    b_.append(n, '\0');
    return *this;
  }
  const std::string& str() const { return b_; }

 private:
  std::string b_;
};

uint32_t checksum(const std::string& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k)
      v = (v << 8) | (i + k < data.size() ? static_cast<uint8_t>(data[i + k]) : 0);
    sum += v;
  }
  return sum;
}

constexpr int kEm = 1000, kAscent = 880, kDescent = -120;

std::string head_table() {
  Bytes b;
  b.u32(0x00010000).u32(0x00010000).u32(0 /* checkSumAdjustment, patched */).u32(0x5F0F3CF5);
  b.u16(0x000B).u16(kEm).zeros(16);  // flags, unitsPerEm, created, modified
  b.i16(0).i16(kDescent).i16(kEm).i16(kAscent);  // bbox
  b.u16(0).u16(8).i16(2).i16(0).i16(0);  // macStyle, lowestRecPPEM, direction, loca short, glyf 0
  return b.str();
}

std::string hhea_table() {
  Bytes b;
  b.u32(0x00010000).i16(kAscent).i16(kDescent).i16(0).u16(kEm);
  b.i16(0).i16(0).i16(kEm).i16(1).i16(0).i16(0);  // minLSB, minRSB, xMaxExtent, caret
  b.zeros(8).i16(0).u16(2);                       // reserved, metricDataFormat, numberOfHMetrics
  return b.str();
}

std::string maxp_table() {
  Bytes b;
  b.u32(0x00010000).u16(2);  // version 1.0, numGlyphs
  b.u16(0).u16(0).u16(0).u16(0).u16(2).zeros(16);
  return b.str();
}

std::string os2_table() {
  Bytes b;
  b.u16(4).i16(kEm).u16(400).u16(5).u16(0);  // version, avg width, weight, width, fsType: installable
  b.i16(650).i16(700).i16(0).i16(140).i16(650).i16(700).i16(0).i16(480);  // sub/superscript
  b.i16(50).i16(250).i16(0);                   // strikeout size/pos, family class
  b.zeros(10);                                 // panose
  b.u32(0x00000001).u32(0x28000000).u32(0x00000000).u32(0x00000000);  // unicode ranges: Latin, CJK
  b.tag("XUEJ").u16(0x0040).u16(0x0020).u16(0xFFFF);  // vendor, fsSelection REGULAR, first/last
  b.i16(kAscent).i16(kDescent).i16(0).u16(kAscent).u16(-kDescent);  // typo and win metrics
  b.u32(0x00040001).u32(0);  // code pages: Latin 1, Chinese simplified
  b.i16(500).i16(700).u16(0).u16(0x20).u16(1);  // xHeight, capHeight, default, break, context
  return b.str();
}

std::string hmtx_table() {
  Bytes b;
  b.u16(kEm).i16(0).u16(kEm).i16(0);
  return b.str();
}

// Two glyphs, each a bare 10-byte header: numberOfContours 0, empty box.
std::string glyf_table() {
  Bytes b;
  for (int g = 0; g < 2; ++g) b.i16(0).i16(0).i16(0).i16(0).i16(0);
  return b.str();
}

std::string loca_table() {
  Bytes b;
  b.u16(0).u16(5).u16(10);  // short offsets (bytes / 2)
  return b.str();
}

std::string cmap_table() {
  // Format 4, two segments: [0x0000, 0xFFFE] -> glyphIdArray, and the required 0xFFFF end.
  const uint16_t seg_count = 2;
  Bytes sub;
  const uint16_t length = static_cast<uint16_t>(16 + seg_count * 8 + 2 * 2);
  sub.u16(4).u16(length).u16(0);
  sub.u16(seg_count * 2).u16(2).u16(0).u16(2);  // segCountX2, searchRange, entrySelector, rangeShift
  sub.u16(0xFFFE).u16(0xFFFF);                  // endCode
  sub.u16(0);                                   // reservedPad
  sub.u16(0x0000).u16(0xFFFF);                  // startCode
  sub.i16(0).i16(1);                            // idDelta (0xFFFF -> 0)
  sub.u16(4).u16(0);                            // idRangeOffset: seg 0 -> glyphIdArray[0]
  sub.u16(1).u16(1);                            // glyphIdArray
  Bytes b;
  b.u16(0).u16(1).u16(3).u16(1).u32(12);
  return b.str() + sub.str();
}

std::string name_table() {
  const std::vector<std::pair<uint16_t, std::string>> names = {
      {1, "XuejiGlyphless"}, {2, "Regular"}, {3, "XuejiGlyphless"},
      {4, "XuejiGlyphless"}, {5, "Version 1.0"}, {6, "XuejiGlyphless"}};
  Bytes b;
  std::string strings;
  b.u16(0).u16(static_cast<uint32_t>(names.size())).u16(static_cast<uint32_t>(6 + 12 * names.size()));
  for (const auto& [id, s] : names) {
    std::string utf16;
    for (char c : s) {
      utf16.push_back('\0');
      utf16.push_back(c);
    }
    b.u16(3).u16(1).u16(0x0409).u16(id).u16(static_cast<uint32_t>(utf16.size()));
    b.u16(static_cast<uint32_t>(strings.size()));
    strings += utf16;
  }
  return b.str() + strings;
}

std::string post_table() {
  Bytes b;
  b.u32(0x00030000).u32(0).i16(-100).i16(50).u32(0).zeros(16);  // format 3: no glyph names
  return b.str();
}

}  // namespace

std::string make_glyphless_font() {
  // cvt, fpgm and prep hold no hinting, but libharu insists on finding them.
  std::map<std::string, std::string> tables = {
      {"OS/2", os2_table()}, {"cmap", cmap_table()}, {"cvt ", std::string(2, '\0')},
      {"fpgm", std::string(1, '\0')}, {"glyf", glyf_table()}, {"head", head_table()},
      {"hhea", hhea_table()}, {"hmtx", hmtx_table()}, {"loca", loca_table()},
      {"maxp", maxp_table()}, {"name", name_table()}, {"post", post_table()},
      {"prep", std::string(1, '\0')}};
  // fpgm/prep: one byte, an empty instruction stream is 0 bytes but some readers dislike 0-length
  // tables; 0x00 would be SVTCA[y], harmless.
  const uint16_t n = static_cast<uint16_t>(tables.size());
  Bytes dir;
  dir.u32(0x00010000).u16(n).u16(128).u16(3).u16(static_cast<uint32_t>(n * 16 - 128));
  uint32_t offset = 12 + 16u * n;
  std::string body;
  size_t head_offset = 0;
  for (const auto& [tag, data] : tables) {  // std::map keeps tags sorted, as required
    dir.tag(tag.c_str()).u32(checksum(data)).u32(offset).u32(static_cast<uint32_t>(data.size()));
    if (tag == "head") head_offset = offset;
    std::string padded = data;
    padded.resize((data.size() + 3) & ~size_t(3), '\0');
    body += padded;
    offset += static_cast<uint32_t>(padded.size());
  }
  std::string font = dir.str() + body;
  const uint32_t adjust = 0xB1B0AFBA - checksum(font);
  for (int k = 0; k < 4; ++k)
    font[head_offset + 8 + static_cast<size_t>(k)] = static_cast<char>(adjust >> (24 - 8 * k));
  return font;
}

}  // namespace xueji
