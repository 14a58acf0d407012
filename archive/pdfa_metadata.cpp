#include "archive/pdfa_metadata.h"

#include <cstdio>
#include <vector>

#include "archive/pdf_object_file.h"
#include "models/xml_escape.h"

namespace xueji {
namespace {

std::string hex4(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04X", v & 0xFFFF);
  return b;
}

std::string utf16_hex(char32_t c) {
  if (c > 0xFFFF) return hex4(0xD800 + ((c - 0x10000) >> 10)) + hex4(0xDC00 + ((c - 0x10000) & 0x3FF));
  return hex4(c);
}

}  // namespace

const char* to_string(PdfaLevel level) { return level == PdfaLevel::A1b ? "1b" : "2b"; }

// "2026-11-28T16:50:00Z" -> "D:20261128165000Z"
std::string pdf_date(const std::string& iso) {
  std::string d;
  for (char c : iso)
    if (c >= '0' && c <= '9') d.push_back(c);
  if (d.size() < 14) d.append(14 - d.size(), '0');
  return "D:" + d.substr(0, 14) + "Z";
}

std::string xmp_packet(const PdfMetadata& m, PdfaLevel level) {
  // One rdf:Description carrying every property; no indentation and no padding (the file is
  // never edited in place, and each byte counts against the size target).
  auto el = [](const std::string& name, const std::string& value) { return "<" + name + ">" + value + "</" + name + ">"; };
  auto alt = [&](const std::string& name, const std::string& value) {
    return el(name, "<rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(value) + "</rdf:li></rdf:Alt>");
  };
  auto schema_prop = [&](const char* name, const char* type, const char* desc) {
    return "<rdf:li rdf:parseType=\"Resource\">" + el("pdfaProperty:name", name) + el("pdfaProperty:valueType", type) +
           el("pdfaProperty:category", "external") + el("pdfaProperty:description", desc) + "</rdf:li>";
  };
  const std::string ns = "https://xueji.invalid/ns/record/1.0/";
  std::string x = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                  "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\""
                  " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
                  " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xueji=\"" + ns + "\""
                  " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
                  " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
                  " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">";
  x += el("pdfaid:part", level == PdfaLevel::A1b ? "1" : "2") + el("pdfaid:conformance", "B");
  x += alt("dc:title", m.title) + alt("dc:description", m.doc_type);
  // The capture date is the document's creation date (Info /CreationDate). Optional entries
  // that would only repeat others (ModifyDate, CreatorTool) are left out.
  x += el("xmp:CreateDate", m.capture_date) + el("pdf:Producer", xml_escape(m.producer));
  x += el("xueji:StudentId", xml_escape(m.student_id)) + el("xueji:StudentName", xml_escape(m.student_name)) +
       el("xueji:Class", xml_escape(m.class_name)) + el("xueji:DocumentType", xml_escape(m.doc_type)) +
       el("xueji:PageCount", std::to_string(m.page_count));
  // The PDF/A extension schema that declares the xueji properties.
  x += "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">" +
       el("pdfaSchema:schema", "Xueji student record") + el("pdfaSchema:namespaceURI", ns) +
       el("pdfaSchema:prefix", "xueji") + "<pdfaSchema:property><rdf:Seq>" +
       schema_prop("StudentId", "Text", "学籍号") + schema_prop("StudentName", "Text", "姓名") +
       schema_prop("Class", "Text", "年级班级") + schema_prop("DocumentType", "Text", "档案类型") +
       schema_prop("PageCount", "Integer", "页数") +
       "</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>";
  x += "</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end=\"r\"?>";
  return x;
}

std::string info_entries(const PdfMetadata& m) {
  return " /Title " + pdf_text_string(m.title) + " /Subject " + pdf_text_string(m.doc_type) +
         " /Producer " + pdf_text_string(m.producer) + " /CreationDate (" + pdf_date(m.capture_date) + ")";
}

std::string to_unicode_cmap(const std::map<char16_t, char32_t>& codes) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<std::pair<char16_t, char32_t>> list(codes.begin(), codes.end());
  for (size_t i = 0; i < list.size(); i += 100) {
    const size_t n = std::min<size_t>(100, list.size() - i);
    s += std::to_string(n) + " beginbfchar\n";
    for (size_t k = i; k < i + n; ++k) s += "<" + hex4(list[k].first) + "> <" + utf16_hex(list[k].second) + ">\n";
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

}  // namespace xueji
