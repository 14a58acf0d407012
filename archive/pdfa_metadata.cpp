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
  const std::string e_title = xml_escape(m.title);
  auto prop = [](const char* name, const std::string& value) {
    return std::string("   <xueji:") + name + ">" + xml_escape(value) + "</xueji:" + name + ">\n";
  };
  auto schema_prop = [](const char* name, const char* type, const char* desc) {
    return std::string("        <rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>") + name +
           "</pdfaProperty:name><pdfaProperty:valueType>" + type +
           "</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>"
           "<pdfaProperty:description>" + desc + "</pdfaProperty:description></rdf:li>\n";
  };
  std::string x = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                  " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                  "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n";
  x += std::string("   <pdfaid:part>") + (level == PdfaLevel::A1b ? "1" : "2") + "</pdfaid:part>\n"
       "   <pdfaid:conformance>B</pdfaid:conformance>\n  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
       "   <dc:format>application/pdf</dc:format>\n"
       "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + e_title + "</rdf:li></rdf:Alt></dc:title>\n"
       "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(m.doc_type) +
       "</rdf:li></rdf:Alt></dc:description>\n"
       "  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
       "   <xmp:CreateDate>" + m.capture_date + "</xmp:CreateDate>\n"
       "   <xmp:ModifyDate>" + m.capture_date + "</xmp:ModifyDate>\n"
       "   <xmp:MetadataDate>" + m.capture_date + "</xmp:MetadataDate>\n"
       "   <xmp:CreatorTool>" + xml_escape(m.producer) + "</xmp:CreatorTool>\n  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
       "   <pdf:Producer>" + xml_escape(m.producer) + "</pdf:Producer>\n  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:xueji=\"https://xueji.invalid/ns/record/1.0/\">\n";
  x += prop("StudentId", m.student_id) + prop("StudentName", m.student_name) + prop("Class", m.class_name) +
       prop("DocumentType", m.doc_type) + prop("PageCount", std::to_string(m.page_count)) +
       prop("CaptureDate", m.capture_date);
  x += "  </rdf:Description>\n";
  // The PDF/A extension schema that declares the xueji properties.
  x += "  <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" "
       "xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
       "   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
       "     <pdfaSchema:schema>Xueji student record</pdfaSchema:schema>\n"
       "     <pdfaSchema:namespaceURI>https://xueji.invalid/ns/record/1.0/</pdfaSchema:namespaceURI>\n"
       "     <pdfaSchema:prefix>xueji</pdfaSchema:prefix>\n"
       "     <pdfaSchema:property><rdf:Seq>\n";
  x += schema_prop("StudentId", "Text", "National student number (学籍号)") +
       schema_prop("StudentName", "Text", "Student name (姓名)") + schema_prop("Class", "Text", "Grade and class") +
       schema_prop("DocumentType", "Text", "Document type (类型)") + schema_prop("PageCount", "Integer", "Pages") +
       schema_prop("CaptureDate", "Date", "When the pages were captured");
  x += "     </rdf:Seq></pdfaSchema:property>\n   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n  </rdf:Description>\n";
  x += " </rdf:RDF>\n</x:xmpmeta>\n";
  x += std::string(2048, ' ') + "\n<?xpacket end=\"w\"?>";
  return x;
}


std::string info_entries(const PdfMetadata& m) {
  return " /Title " + pdf_text_string(m.title) + " /Subject " + pdf_text_string(m.doc_type) +
         " /Creator " + pdf_text_string(m.producer) + " /Producer " + pdf_text_string(m.producer) +
         " /CreationDate (" + pdf_date(m.capture_date) + ") /ModDate (" + pdf_date(m.capture_date) + ")";
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
