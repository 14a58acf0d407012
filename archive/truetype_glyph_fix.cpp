#include "archive/truetype_glyph_fix.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "models/error.h"

namespace xueji {
namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::Pdf, "TrueType font: " + what); }

uint32_t u16(std::string_view d, size_t at) {
  if (at + 2 > d.size()) bad("truncated");
  return (uint32_t(uint8_t(d[at])) << 8) | uint8_t(d[at + 1]);
}
uint32_t u32(std::string_view d, size_t at) { return (u16(d, at) << 16) | u16(d, at + 2); }
void put16(std::string& d, size_t at, uint32_t v) {
  d[at] = char(v >> 8);
  d[at + 1] = char(v);
}
void put32(std::string& d, size_t at, uint32_t v) {
  put16(d, at, v >> 16);
  put16(d, at + 2, v & 0xFFFF);
}
void append32(std::string& d, uint32_t v) {
  d.resize(d.size() + 4);
  put32(d, d.size() - 4, v);
}

struct Table {
  std::string tag;
  size_t offset = 0, length = 0;
};

// A font's tables and glyphs (offsets into the file the view points at).
struct Font {
  std::string_view data;
  std::vector<Table> tables;            // in directory order
  std::vector<std::string_view> glyphs; // glyph data by index (empty: none)

  const Table& table(const char* tag) const {
    for (const Table& t : tables)
      if (t.tag == tag) return t;
    bad(std::string("no ") + tag + " table");
  }
};

Font parse(std::string_view data, int face) {
  Font f;
  f.data = data;
  size_t dir = 0;
  if (data.substr(0, 4) == "ttcf") {
    if (face < 0 || static_cast<uint32_t>(face) >= u32(data, 8)) bad("no such face in the collection");
    dir = u32(data, 12 + 4 * static_cast<size_t>(face));
  }
  const uint32_t n = u16(data, dir + 4);
  if (dir + 12 + 16 * static_cast<size_t>(n) > data.size()) bad("truncated table directory");
  for (uint32_t i = 0; i < n; ++i) {
    const size_t e = dir + 12 + 16 * i;
    Table t{std::string(data.substr(e, 4)), u32(data, e + 8), u32(data, e + 12)};
    if (t.offset + t.length > data.size()) bad("table " + t.tag + " outside the file");
    f.tables.push_back(t);
  }
  const Table& head = f.table("head");
  const Table& maxp = f.table("maxp");
  const Table& loca = f.table("loca");
  const Table& glyf = f.table("glyf");
  const bool long_loca = u16(data, head.offset + 50) == 1;
  const uint32_t count = u16(data, maxp.offset + 4);
  if ((long_loca ? 4u : 2u) * (count + 1) > loca.length) bad("loca shorter than the glyph count");
  auto at = [&](uint32_t i) -> size_t { return long_loca ? u32(data, loca.offset + 4 * i) : 2 * u16(data, loca.offset + 2 * i); };
  f.glyphs.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t a = at(i), b = at(i + 1);
    if (b < a || b > glyf.length) bad("glyph data outside glyf");
    f.glyphs[i] = data.substr(glyf.offset + a, b - a);
  }
  return f;
}

// Component glyph indices of a composite glyph (none for a simple one).
std::vector<uint32_t> components(std::string_view g) {
  std::vector<uint32_t> out;
  if (g.size() < 10 || static_cast<int16_t>(u16(g, 0)) >= 0) return out;
  size_t p = 10;
  for (;;) {
    const uint32_t flags = u16(g, p);
    out.push_back(u16(g, p + 2));
    p += 4 + ((flags & 0x1) ? 4 : 2);
    if (flags & 0x8) p += 2;
    else if (flags & 0x40) p += 4;
    else if (flags & 0x80) p += 8;
    if (!(flags & 0x20)) break;
  }
  return out;
}

uint32_t checksum(std::string_view d) {
  uint32_t sum = 0;
  for (size_t i = 0; i < d.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | (i + k < d.size() ? uint8_t(d[i + k]) : 0);
    sum += v;
  }
  return sum;
}

}  // namespace

std::string complete_composite_glyphs(std::string_view subset, std::string_view original, int face) {
  const Font sub = parse(subset, 0);
  std::vector<std::string_view> glyphs = sub.glyphs;
  std::optional<Font> orig;
  bool changed = false;
  std::vector<uint32_t> todo;
  for (uint32_t i = 0; i < glyphs.size(); ++i)
    if (!glyphs[i].empty()) todo.push_back(i);
  while (!todo.empty()) {
    const uint32_t g = todo.back();
    todo.pop_back();
    for (uint32_t c : components(glyphs[g])) {
      if (c >= glyphs.size() || !glyphs[c].empty()) continue;
      if (!orig) {
        orig = parse(original, face);
        if (orig->glyphs.size() != glyphs.size()) bad("the subset is not of this font (glyph counts differ)");
      }
      glyphs[c] = orig->glyphs[c];
      if (!glyphs[c].empty()) {
        changed = true;
        todo.push_back(c);
      }
    }
  }
  if (!changed) return std::string(subset);

  std::string glyf, loca;
  for (std::string_view g : glyphs) {
    append32(loca, static_cast<uint32_t>(glyf.size()));
    glyf.append(g);
    glyf.resize((glyf.size() + 3) / 4 * 4, '\0');
  }
  append32(loca, static_cast<uint32_t>(glyf.size()));

  // The file again: same tables in the same order, 4-byte aligned, checksums recomputed.
  const size_t n = sub.tables.size();
  std::string out(subset.substr(0, 12));
  out.resize(12 + 16 * n, '\0');
  size_t head_at = 0;
  for (size_t i = 0; i < n; ++i) {
    const Table& t = sub.tables[i];
    std::string body = t.tag == "glyf" ? glyf : t.tag == "loca" ? loca : std::string(subset.substr(t.offset, t.length));
    if (t.tag == "head") {
      if (body.size() < 54) bad("head too short");
      put32(body, 8, 0);    // checkSumAdjustment, set below
      put16(body, 50, 1);   // indexToLocFormat: long
    }
    const size_t e = 12 + 16 * i;
    out.replace(e, 4, t.tag);
    put32(out, e + 4, checksum(body));
    put32(out, e + 8, static_cast<uint32_t>(out.size()));
    put32(out, e + 12, static_cast<uint32_t>(body.size()));
    if (t.tag == "head") head_at = out.size();
    out.append(body);
    out.resize((out.size() + 3) / 4 * 4, '\0');
  }
  put32(out, head_at + 8, 0xB1B0AFBAu - checksum(out));
  return out;
}

int missing_components(std::string_view font) {
  const Font f = parse(font, 0);
  int missing = 0;
  for (std::string_view g : f.glyphs)
    for (uint32_t c : components(g))
      if (c < f.glyphs.size() && f.glyphs[c].empty()) {
        ++missing;
        break;
      }
  return missing;
}

}  // namespace xueji
