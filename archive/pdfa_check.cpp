#include "archive/pdfa_check.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFXRefEntry.hh>

#include <cstring>
#include <fstream>
#include <functional>
#include <set>

#include "models/xml_escape.h"

namespace xueji {
namespace {

// The text of the first element `tag` (inside rdf:Alt/rdf:li when present). Plain searches,
// not std::regex: libstdc++'s regex matcher recurses once per character matched, so a long
// XMP packet overflowed the stack, and compiling the patterns cost more than the rest of the
// check.
bool xmp_value(const std::string& xmp, const std::string& tag, std::string* out) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const size_t begin = xmp.find(open);
  if (begin == std::string::npos) return false;
  const size_t start = begin + open.size();
  const size_t end = xmp.find(close, start);
  if (end == std::string::npos) return false;
  std::string v = xmp.substr(start, end - start);
  // <rdf:li ...>value</rdf:li>
  const size_t li = v.find("<rdf:li");
  const size_t li_start = li == std::string::npos ? li : v.find('>', li);
  const size_t li_end = li_start == std::string::npos ? li_start : v.find("</rdf:li>", li_start + 1);
  if (li_end != std::string::npos) v = v.substr(li_start + 1, li_end - li_start - 1);
  *out = xml_unescape(v);
  return true;
}

std::string digits(const std::string& s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d.push_back(c);
  return d.substr(0, 14);
}

bool has_filter(QPDFObjectHandle dict, const std::string& name) {
  QPDFObjectHandle f = dict.getKey("/Filter");
  if (f.isName()) return f.getName() == name;
  if (f.isArray())
    for (auto& x : f.getArrayAsVector())
      if (x.isName() && x.getName() == name) return true;
  return false;
}

// The rules over a file read by `open` (a file or a buffer); `head`: its first 32 bytes.
std::vector<std::string> check(const std::string& head, const std::function<void(QPDF&)>& open,
                               PdfaLevel level, int* pages) {
  std::vector<std::string> bad;
  const bool a1 = level == PdfaLevel::A1b;
  if (head.rfind("%PDF-1.", 0) != 0) bad.push_back("header: not %PDF-1.x");
  else if (a1 && head[7] > '4') bad.push_back("header: PDF/A-1 needs version 1.4 or lower");
  const size_t nl = head.find('\n');
  if (nl == std::string::npos || nl + 5 >= head.size() || head[nl + 1] != '%' ||
      static_cast<unsigned char>(head[nl + 2]) < 128 || static_cast<unsigned char>(head[nl + 3]) < 128 ||
      static_cast<unsigned char>(head[nl + 4]) < 128 || static_cast<unsigned char>(head[nl + 5]) < 128)
    bad.push_back("header: no binary comment line");
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    open(pdf);
    if (pages) *pages = static_cast<int>(pdf.getAllPages().size());
    if (pdf.anyWarnings()) bad.push_back("structure: qpdf reported warnings while reading");
    QPDFObjectHandle trailer = pdf.getTrailer();
    if (pdf.isEncrypted() || trailer.hasKey("/Encrypt")) bad.push_back("encryption is not allowed");
    QPDFObjectHandle id = trailer.getKey("/ID");
    if (!id.isArray() || id.getArrayNItems() != 2 || !id.getArrayItem(0).isString())
      bad.push_back("trailer: no document /ID");
    if (a1)
      for (auto& [og, entry] : pdf.getXRefTable())
        if (entry.getType() == 2) {
          bad.push_back("PDF/A-1: object streams are not allowed");
          break;
        }

    QPDFObjectHandle root = pdf.getRoot();
    for (const char* key : {"/OpenAction", "/AA"})
      if (root.hasKey(key)) bad.push_back(std::string("catalog: ") + key + " is not allowed");
    if (root.getKey("/Names").isDictionary() && root.getKey("/Names").hasKey("/JavaScript"))
      bad.push_back("catalog: JavaScript is not allowed");
    if (a1 && root.getKey("/Names").isDictionary() && root.getKey("/Names").hasKey("/EmbeddedFiles"))
      bad.push_back("PDF/A-1: embedded files are not allowed");

    // Output intent with an embedded ICC profile.
    bool intent_ok = false;
    QPDFObjectHandle intents = root.getKey("/OutputIntents");
    if (intents.isArray())
      for (auto& oi : intents.getArrayAsVector()) {
        QPDFObjectHandle prof = oi.getKey("/DestOutputProfile");
        if (oi.getKey("/S").isNameAndEquals("/GTS_PDFA1") && prof.isStream() &&
            prof.getDict().getKey("/N").isInteger() && prof.getDict().getKey("/N").getIntValue() == 3)
          intent_ok = true;
      }
    if (!intent_ok) bad.push_back("output intent: no GTS_PDFA1 intent with an RGB ICC profile");

    // XMP: present, uncompressed, declaring the level, agreeing with Info.
    QPDFObjectHandle meta = root.getKey("/Metadata");
    if (!meta.isStream()) {
      bad.push_back("metadata: no XMP stream");
    } else {
      if (meta.getDict().hasKey("/Filter")) bad.push_back("metadata: the XMP stream must not be compressed");
      const auto buf = meta.getRawStreamData();
      const std::string xmp(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
      std::string part, conf;
      xmp_value(xmp, "pdfaid:part", &part);
      xmp_value(xmp, "pdfaid:conformance", &conf);
      if (part != (a1 ? "1" : "2") || conf != "B")
        bad.push_back("metadata: XMP declares part '" + part.substr(0, 16) + "' conformance '" + conf.substr(0, 16) + "'");
      QPDFObjectHandle info = trailer.getKey("/Info");
      const std::pair<const char*, const char*> pairs[] = {{"/Title", "dc:title"},
                                                           {"/Subject", "dc:description"},
                                                           {"/Author", "dc:creator"},
                                                           {"/Creator", "xmp:CreatorTool"},
                                                           {"/Producer", "pdf:Producer"},
                                                           {"/Keywords", "pdf:Keywords"},
                                                           {"/CreationDate", "xmp:CreateDate"},
                                                           {"/ModDate", "xmp:ModifyDate"}};
      if (info.isDictionary())
        for (auto [key, tag] : pairs) {
          if (!info.hasKey(key)) continue;
          std::string x;
          const std::string v = info.getKey(key).isString() ? info.getKey(key).getUTF8Value() : "";
          const bool date = std::string(key).find("Date") != std::string::npos;
          if (!xmp_value(xmp, tag, &x) || (date ? digits(x) != digits(v) : x != v))
            bad.push_back(std::string("metadata: Info ") + key + " does not agree with XMP " + tag);
        }
    }

    for (QPDFObjectHandle o : pdf.getAllObjects()) {
      QPDFObjectHandle d = o.isStream() ? o.getDict() : o;
      if (!d.isDictionary()) continue;
      if (o.isStream()) {
        if (has_filter(d, "/LZWDecode")) bad.push_back("LZW compression is not allowed");
        if (a1 && has_filter(d, "/JPXDecode")) bad.push_back("PDF/A-1: JPEG 2000 is not allowed");
        if (d.getKey("/Subtype").isNameAndEquals("/Image")) {
          if (d.hasKey("/SMask")) bad.push_back("transparency: an image has a soft mask");
          if (d.getKey("/Interpolate").isBool() && d.getKey("/Interpolate").getBoolValue())
            bad.push_back("an image asks for interpolation");
        }
      }
      if (d.hasKey("/AA")) bad.push_back("additional actions are not allowed");
      QPDFObjectHandle s = d.getKey("/S");
      if (d.getKey("/Type").isNameAndEquals("/Action") ||
          (s.isName() && (s.getName() == "/JavaScript" || s.getName() == "/Launch")))
        bad.push_back("actions are not allowed");
      QPDFObjectHandle group = d.getKey("/Group");
      if (a1 && group.isDictionary() && group.getKey("/S").isNameAndEquals("/Transparency"))
        bad.push_back("PDF/A-1: transparency groups are not allowed");
      if (d.getKey("/Type").isNameAndEquals("/ExtGState")) {
        for (const char* k : {"/CA", "/ca"})
          if (d.getKey(k).isNumber() && d.getKey(k).getNumericValue() != 1.0) bad.push_back("transparency: constant alpha");
        if (d.hasKey("/SMask") && !d.getKey("/SMask").isNameAndEquals("/None")) bad.push_back("transparency: soft mask");
        QPDFObjectHandle bm = d.getKey("/BM");
        if (bm.isName() && bm.getName() != "/Normal" && bm.getName() != "/Compatible")
          bad.push_back("transparency: blend mode");
      }
      if (d.getKey("/Type").isNameAndEquals("/Font")) {
        const std::string sub = d.getKey("/Subtype").isName() ? d.getKey("/Subtype").getName() : "";
        QPDFObjectHandle desc = d.getKey("/FontDescriptor");
        if (sub == "/Type0") {
          if (!d.getKey("/ToUnicode").isStream()) bad.push_back("font: a Type0 font without ToUnicode");
          continue;  // its descendant is checked on its own
        }
        if (sub == "/Type3") continue;
        if (!desc.isDictionary() ||
            !(desc.getKey("/FontFile").isStream() || desc.getKey("/FontFile2").isStream() ||
              desc.getKey("/FontFile3").isStream()))
          bad.push_back("font: not embedded");
        const std::string name = d.getKey("/BaseFont").isName() ? d.getKey("/BaseFont").getName() : "";
        const bool subset = name.size() > 8 && name[7] == '+';
        if (a1 && subset && desc.isDictionary() && !desc.hasKey("/CIDSet") && !desc.hasKey("/CharSet"))
          bad.push_back("PDF/A-1: a subset font without CIDSet/CharSet");
      }
    }
  } catch (const std::exception& e) {
    bad.push_back(std::string("structure: ") + e.what());
  }
  // One message per kind of problem is enough.
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (auto& b : bad)
    if (seen.insert(b).second) unique.push_back(b);
  return unique;
}

}  // namespace

std::vector<std::string> check_pdfa(const std::filesystem::path& file, PdfaLevel level, int* pages) {
  std::ifstream in(file, std::ios::binary);
  std::string head(32, '\0');
  in.read(head.data(), 32);
  head.resize(static_cast<size_t>(in.gcount()));
  return check(head, [&](QPDF& pdf) { pdf.processFile(file.c_str()); }, level, pages);
}

std::vector<std::string> check_pdfa_bytes(std::string_view bytes, PdfaLevel level, int* pages) {
  return check(std::string(bytes.substr(0, 32)),
               [&](QPDF& pdf) { pdf.processMemoryFile("PDF in memory", bytes.data(), bytes.size()); }, level, pages);
}

}  // namespace xueji
