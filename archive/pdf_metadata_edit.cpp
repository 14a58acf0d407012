#include "archive/pdf_metadata_edit.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

#include "archive/atomic_file.h"
#include "archive/pdf_object_file.h"
#include "models/error.h"
#include "models/xml_escape.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

std::string element(const std::string& xmp, const std::string& name) {
  const std::string open = "<" + name + ">", close = "</" + name + ">";
  const size_t a = xmp.find(open);
  if (a == std::string::npos) return {};
  const size_t b = xmp.find(close, a + open.size());
  if (b == std::string::npos) return {};
  return xml_unescape(xmp.substr(a + open.size(), b - a - open.size()));
}

std::string alt_text(const std::string& xmp, const std::string& name) {
  std::string inner = element(xmp, name);  // <rdf:Alt><rdf:li xml:lang="x-default">…</rdf:li></rdf:Alt>
  const size_t a = inner.find('>', inner.find("<rdf:li"));
  const size_t b = inner.find("</rdf:li>");
  if (a == std::string::npos || b == std::string::npos || b < a) return {};
  return inner.substr(a + 1, b - a - 1);
}

std::string metadata_of(QPDF& pdf, const fs::path& file) {
  QPDFObjectHandle meta = pdf.getRoot().getKey("/Metadata");
  if (!meta.isStream()) throw Error(ErrorCode::Pdf, file.string() + " has no XMP metadata");
  std::shared_ptr<Buffer> data = meta.getStreamData(qpdf_dl_all);
  return std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
}

}  // namespace

PdfRecordFields read_pdf_record_fields(const fs::path& file) {
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processFile(file.c_str());
    const std::string xmp = metadata_of(pdf, file);
    PdfRecordFields r;
    r.level = element(xmp, "pdfaid:part") == "1" ? PdfaLevel::A1b : PdfaLevel::A2b;
    r.meta.title = alt_text(xmp, "dc:title");
    r.meta.student_id = element(xmp, "xueji:StudentId");
    r.meta.student_name = element(xmp, "xueji:StudentName");
    r.meta.class_name = element(xmp, "xueji:Class");
    r.meta.doc_type = element(xmp, "xueji:DocumentType");
    const std::string pages = element(xmp, "xueji:PageCount");
    r.meta.page_count = pages.empty() ? 0 : std::stoi(pages);
    r.meta.capture_date = element(xmp, "xmp:CreateDate");
    r.meta.producer = element(xmp, "pdf:Producer");
    if (r.meta.student_id.empty()) throw Error(ErrorCode::Pdf, file.string() + ": its XMP carries no 学籍号 (xueji:StudentId)");
    return r;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Pdf, "cannot read " + file.string() + ": " + e.what());
  }
}

void write_pdf_with_record_fields(const fs::path& in, const fs::path& out, const PdfMetadata& fields) {
  const PdfRecordFields old = read_pdf_record_fields(in);
  PdfMetadata meta = fields;
  meta.capture_date = old.meta.capture_date;
  meta.producer = old.meta.producer.empty() ? meta.producer : old.meta.producer;
  if (meta.page_count == 0) meta.page_count = old.meta.page_count;
  const fs::path tmp = temp_path_for(out);
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processFile(in.c_str());
    pdf.getRoot().getKey("/Metadata").replaceStreamData(xmp_packet(meta, old.level), QPDFObjectHandle::newNull(),
                                                      QPDFObjectHandle::newNull());
    QPDFObjectHandle info = pdf.getTrailer().getKey("/Info");
    if (info.isDictionary()) {
      info.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(meta.title));
      info.replaceKey("/Subject", QPDFObjectHandle::newUnicodeString(meta.doc_type));
    }
    QPDFWriter w(pdf, tmp.c_str());
    w.setPreserveUnreferencedObjects(false);
    w.setStreamDataMode(qpdf_s_preserve);
    if (old.level == PdfaLevel::A1b) w.setObjectStreamMode(qpdf_o_disable);
    else w.setObjectStreamMode(qpdf_o_preserve);
    w.setDeterministicID(true);
    w.write();
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Pdf, "cannot rewrite the metadata of " + in.string() + ": " + e.what());
  }
  try {
    commit_file(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

}  // namespace xueji
