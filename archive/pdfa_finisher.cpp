#include "archive/pdfa_finisher.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstdio>

#include "models/error.h"
#include "models/xml_escape.h"

namespace xueji {
namespace {

std::string hex4(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04X", v & 0xFFFF);
  return b;
}

// ToUnicode CMap: one bfchar entry per character used (codes are the UTF-16 values).
std::string to_unicode_cmap(const std::set<char32_t>& used) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<char32_t> chars;
  for (char32_t c : used)
    if (c > 0 && c < 0x10000 && !(c >= 0xD800 && c <= 0xDFFF)) chars.push_back(c);
  for (size_t i = 0; i < chars.size(); i += 100) {
    const size_t n = std::min<size_t>(100, chars.size() - i);
    s += std::to_string(n) + " beginbfchar\n";
    for (size_t k = i; k < i + n; ++k) s += "<" + hex4(chars[k]) + "> <" + hex4(chars[k]) + ">\n";
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

std::string strip_subset_tag(const std::string& name) {
  // "/ABCDEF+Name" -> "/Name"
  if (name.size() > 8 && name[7] == '+') return "/" + name.substr(8);
  return name;
}

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

}  // namespace

void finish_pdfa(const std::filesystem::path& in, const std::filesystem::path& out, const PdfMetadata& meta,
                 const std::set<char32_t>& used, PdfaLevel level) {
  try {
    QPDF pdf;
    pdf.processFile(in.c_str());
    const std::string cmap = to_unicode_cmap(used);
    for (QPDFObjectHandle obj : pdf.getAllObjects()) {
      if (!obj.isDictionary() || !obj.getKey("/Type").isNameAndEquals("/Font")) continue;
      for (const char* key : {"/BaseFont"})
        if (obj.getKey(key).isName()) obj.replaceKey(key, QPDFObjectHandle::newName(strip_subset_tag(obj.getKey(key).getName())));
      if (obj.getKey("/Subtype").isNameAndEquals("/Type0"))
        obj.replaceKey("/ToUnicode", pdf.makeIndirectObject(QPDFObjectHandle::newStream(&pdf, cmap)));
      if (obj.getKey("/FontDescriptor").isDictionary()) {
        QPDFObjectHandle fd = obj.getKey("/FontDescriptor");
        if (fd.getKey("/FontName").isName())
          fd.replaceKey("/FontName", QPDFObjectHandle::newName(strip_subset_tag(fd.getKey("/FontName").getName())));
      }
    }
    // Info dictionary (UTF-16 strings where needed) agreeing with the XMP.
    QPDFObjectHandle info = QPDFObjectHandle::newDictionary();
    info.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(meta.title));
    info.replaceKey("/Subject", QPDFObjectHandle::newUnicodeString(meta.doc_type));
    info.replaceKey("/Producer", QPDFObjectHandle::newUnicodeString(meta.producer));
    info.replaceKey("/Creator", QPDFObjectHandle::newUnicodeString(meta.producer));
    info.replaceKey("/CreationDate", QPDFObjectHandle::newString(pdf_date(meta.capture_date)));
    info.replaceKey("/ModDate", QPDFObjectHandle::newString(pdf_date(meta.capture_date)));
    pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(info));

    QPDFObjectHandle xmp = QPDFObjectHandle::newStream(&pdf, xmp_packet(meta, level));
    xmp.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    xmp.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    pdf.getRoot().replaceKey("/Metadata", pdf.makeIndirectObject(xmp));

    QPDFWriter w(pdf, out.c_str());
    w.setMinimumPDFVersion(level == PdfaLevel::A1b ? "1.4" : "1.7");
    w.setObjectStreamMode(qpdf_o_disable);  // object streams are not allowed in PDF/A-1
    w.setLinearization(false);
    w.write();
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Pdf, std::string("PDF/A post-pass failed: ") + e.what());
  }
}

}  // namespace xueji
