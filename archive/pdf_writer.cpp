#include "archive/pdf_writer.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "archive/atomic_file.h"
#include "archive/glyphless_font.h"
#include "archive/haru_page.h"
#include "archive/pdf_object_file.h"
#include "archive/pdfa_check.h"
#include "archive/text_layer.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/sha256.h"
#include "models/utf8.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Copies one page of a libharu one-page PDF into the output file, renumbering its objects;
// references listed in `map` beforehand (the page's parent, its font) point to shared objects.
class PageCopier {
 public:
  PageCopier(PdfObjectFile& out, std::map<QPDFObjGen, int> map) : out_(out), map_(std::move(map)) {}

  int copy(QPDFObjectHandle page) {
    const int n = ref(page);
    while (!pending_.empty()) {
      QPDFObjectHandle o = pending_.back();
      pending_.pop_back();
      const int num = map_.at(o.getObjGen());
      if (o.isStream()) {
        const auto buf = o.getRawStreamData();
        const std::string_view data(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
        // A JPEG's entropy-coded data still deflates by a few per cent (measured: 6 % on
        // progressive gray pages); the JPEG itself stays byte for byte as it was.
        QPDFObjectHandle filter = o.getDict().getKey("/Filter");
        const bool dct = filter.isNameAndEquals("/DCTDecode") ||
                         (filter.isArray() && filter.getArrayNItems() == 1 && filter.getArrayItem(0).isNameAndEquals("/DCTDecode"));
        std::string deflated;
        if (dct) deflated = flate(data, 9);
        const bool wrap = dct && deflated.size() < data.size() * 98 / 100;
        std::string dict = entries(o.getDict(), wrap ? "/Filter" : "");
        if (wrap) dict += " /Filter [/FlateDecode /DCTDecode]";
        out_.write_stream(num, dict, wrap ? std::string_view(deflated) : data);
      } else {
        out_.write_object(num, direct(o));
      }
    }
    return n;
  }

 private:
  int ref(QPDFObjectHandle o) {
    auto it = map_.find(o.getObjGen());
    if (it != map_.end()) return it->second;
    const int n = out_.reserve();
    map_.emplace(o.getObjGen(), n);
    pending_.push_back(o);
    return n;
  }
  std::string body(QPDFObjectHandle o) { return o.isIndirect() ? pdf_ref(ref(o)) : direct(o); }
  // A dictionary's entries, " /Key value ...", without /Length (a stream's is written anew),
  // /ProcSet (obsolete since PDF 1.4) and `skip`.
  std::string entries(QPDFObjectHandle dict, const std::string& skip) {
    std::string s;
    for (auto& [key, value] : dict.getDictAsMap()) {
      if (key == "/Length" || key == "/ProcSet" || key == skip) continue;
      // libharu writes /Filter [/X] and /DecodeParms [<<...>>]: one element needs no array.
      const bool single = (key == "/Filter" || key == "/DecodeParms") && value.isArray() && !value.isIndirect() &&
                          value.getArrayNItems() == 1;
      s += " " + QPDFObjectHandle::newName(key).unparse() + " " + body(single ? value.getArrayItem(0) : value);
    }
    return s;
  }
  std::string direct(QPDFObjectHandle o) {
    if (o.isDictionary()) return "<<" + entries(o, "") + " >>";
    if (o.isArray()) {
      std::string s = "[";
      for (auto& item : o.getArrayAsVector()) s += " " + body(item);
      return s + " ]";
    }
    return o.unparseResolved();
  }

  PdfObjectFile& out_;
  std::map<QPDFObjGen, int> map_;
  std::vector<QPDFObjectHandle> pending_;
};

}  // namespace

struct PdfWriter::Impl {
  fs::path output, temp, font_file;
  std::unique_ptr<PdfObjectFile> file;
  int pages_root = 0, font = 0, to_unicode = 0;
  std::vector<int> page_objects;
  std::map<char16_t, char32_t> codes;   // code drawn -> character (for ToUnicode)
  std::map<char32_t, char16_t> private_codes;  // outside the BMP or private use -> code drawn
  char16_t next_private = 0xE000;

  ~Impl() {
    file.reset();
    std::error_code ec;
    if (!font_file.empty()) fs::remove(font_file, ec);
    if (!temp.empty()) fs::remove(temp, ec);
  }

  // The text as the font's codes: BMP characters are their own code; a character outside
  // the BMP (or a private-use one) gets a private-use code of its own.
  std::string encode(const std::string& text) {
    std::u32string out;
    for (char32_t c : utf8_to_u32(text)) {
      char16_t code;
      if (c > 0xFFFF || (c >= 0xE000 && c <= 0xF8FF)) {
        auto it = private_codes.find(c);
        if (it == private_codes.end()) {
          if (next_private > 0xF8FF) c = 0xFFFD, code = 0xFFFD;  // 6,400 distinct: more is not text
          else it = private_codes.emplace(c, next_private++).first, code = it->second;
        } else {
          code = it->second;
        }
      } else if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)) {
        continue;
      } else {
        code = static_cast<char16_t>(c);
      }
      codes.emplace(code, c);
      out.push_back(code);
    }
    return u32_to_utf8(out);
  }

  void write_font() {
    // The glyphless font, once for the whole file: Type0 / Identity-H over a CIDFontType2
    // whose CIDs (the codes) all map to glyph 1, 1000 units wide.
    const std::string ttf = make_glyphless_font();
    const int file_obj = file->reserve(), desc = file->reserve(), cid = file->reserve(), gid_map = file->reserve();
    file->write_stream(file_obj, " /Length1 " + std::to_string(ttf.size()) + " /Filter /FlateDecode", flate(ttf));
    file->write_object(desc,
                       "<< /Type /FontDescriptor /FontName /XuejiGlyphless /Flags 4 /FontBBox [0 -120 1000 880]"
                       " /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 /FontFile2 " +
                           pdf_ref(file_obj) + " >>");
    std::string map(65536 * 2, '\0');
    for (size_t i = 1; i < map.size(); i += 2) map[i] = 1;
    file->write_stream(gid_map, " /Filter /FlateDecode", flate(map));
    file->write_object(cid,
                       "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XuejiGlyphless /CIDSystemInfo << /Registry "
                       "(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor " +
                           pdf_ref(desc) + " /DW 1000 /CIDToGIDMap " + pdf_ref(gid_map) + " >>");
    file->write_object(font, "<< /Type /Font /Subtype /Type0 /BaseFont /XuejiGlyphless /Encoding /Identity-H"
                             " /DescendantFonts [" + pdf_ref(cid) + "] /ToUnicode " + pdf_ref(to_unicode) + " >>");
  }
};

PdfWriter::PdfWriter(PdfParams params) : params_(std::move(params)) {}
PdfWriter::~PdfWriter() = default;

int PdfWriter::pages() const { return impl_ ? static_cast<int>(impl_->page_objects.size()) : 0; }

void PdfWriter::begin(const fs::path& output) {
  impl_.reset();
  auto m = std::make_unique<Impl>();
  m->output = output;
  m->temp = temp_path_for(output);
  const bool a1 = params_.level == PdfaLevel::A1b;  // PDF/A-1: PDF 1.4, no object streams
  m->file = std::make_unique<PdfObjectFile>(m->temp, a1 ? "1.4" : "1.7", !a1);
  m->pages_root = m->file->reserve();
  m->font = m->file->reserve();
  m->to_unicode = m->file->reserve();
  m->write_font();
  // libharu loads fonts from files only: the glyphless font goes to the temporary folder (not
  // beside the output, where a crash would leave it in the archive).
  m->font_file = temp_path_for(fs::temp_directory_path() / "xueji-glyphless.ttf");
  write_file_atomic(m->font_file, make_glyphless_font());
  impl_ = std::move(m);
}

PdfPageReport PdfWriter::add_page(const cv::Mat& master, double dpi, const OcrPage& ocr) {
  PageImage image;
  image.pixels = master;
  image.dpi = dpi;
  return add_page(image, ocr);
}

PdfPageReport PdfWriter::add_page(const PageImage& image, const OcrPage& ocr) {
  if (!impl_ || !impl_->file) throw Error(ErrorCode::Pdf, "PDF writer: add_page before begin");
  Impl& m = *impl_;
  if (!(image.dpi >= 10 && image.dpi <= 10000)) throw Error(ErrorCode::Pdf, "PDF writer: implausible resolution");
  const EncodedImage encoded = encode_page_image(image, params_.jpeg);
  const double k = 72.0 / image.dpi;
  const double w_pt = encoded.width * k, h_pt = encoded.height * k;
  // OCR boxes are in the master's pixels unless the recognized image had another size.
  const double sx = ocr.width > 0 ? double(encoded.width) / ocr.width : 1.0;
  std::vector<TextRun> runs;
  PdfPageReport report;
  if (params_.text_layer) {
    runs = layout_text_runs(ocr, image.dpi / sx, h_pt);
    for (TextRun& r : runs) {
      r.text = m.encode(r.text);
      report.characters += static_cast<int>(utf8_to_u32(r.text).size());
    }
  }
  const std::string one_page = haru_page_pdf(encoded, w_pt, h_pt, runs, m.font_file.string());
  const long long before = m.file->bytes_written();
  try {
    QPDF q;
    q.setSuppressWarnings(true);
    q.processMemoryFile("page", one_page.data(), one_page.size());
    QPDFObjectHandle page = q.getAllPages().at(0);
    std::map<QPDFObjGen, int> shared;
    shared[page.getKey("/Parent").getObjGen()] = m.pages_root;
    QPDFObjectHandle fonts = page.getKey("/Resources").getKey("/Font");
    if (fonts.isDictionary())
      for (auto& [name, f] : fonts.getDictAsMap())
        if (f.isIndirect()) shared[f.getObjGen()] = m.font;
    for (auto& c : page.getKey("/Contents").isArray() ? page.getKey("/Contents").getArrayAsVector()
                                                        : std::vector<QPDFObjectHandle>{page.getKey("/Contents")})
      if (c.isStream()) report.text_bytes += static_cast<long long>(c.getRawStreamData()->getSize());
    PageCopier copier(*m.file, std::move(shared));
    m.page_objects.push_back(copier.copy(page));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Pdf, std::string("PDF writer: cannot copy the page: ") + e.what());
  }
  report.bytes = m.file->bytes_written() - before;
  report.jpeg_quality = encoded.quality;
  report.bilevel = encoded.kind == EncodedImage::Kind::Bilevel;
  report.passed_through = encoded.passed_through;
  return report;
}

void PdfWriter::end() {
  if (!impl_ || !impl_->file) throw Error(ErrorCode::Pdf, "PDF writer: end before begin");
  Impl& m = *impl_;
  PdfObjectFile& f = *m.file;
  if (m.page_objects.empty()) throw Error(ErrorCode::Pdf, "PDF writer: a document needs at least one page");
  PdfMetadata meta = params_.meta;
  meta.page_count = pages();
  if (meta.capture_date.empty()) meta.capture_date = utc_now_iso();

  f.write_stream(m.to_unicode, " /Filter /FlateDecode", flate(to_unicode_cmap(m.codes)));
  std::string kids;
  for (int p : m.page_objects) kids += " " + pdf_ref(p);
  f.write_object(m.pages_root, "<< /Type /Pages /Kids [" + kids + " ] /Count " + std::to_string(pages()) + " >>");

  std::string catalog = "<< /Type /Catalog /Pages " + pdf_ref(m.pages_root) + " /Lang (zh-CN)";
  const std::string icc = read_all(params_.icc_profile);
  if (icc.empty()) throw Error(ErrorCode::Pdf, "PDF writer: cannot read the ICC profile " + params_.icc_profile);
  const int icc_obj = f.reserve(), intent = f.reserve();
  f.write_stream(icc_obj, " /N 3 /Filter /FlateDecode", flate(icc));
  f.write_object(intent, "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)"
                         " /Info (sRGB IEC61966-2.1) /DestOutputProfile " + pdf_ref(icc_obj) + " >>");
  catalog += " /OutputIntents [" + pdf_ref(intent) + "]";
  const int xmp = f.reserve();
  f.write_stream(xmp, " /Type /Metadata /Subtype /XML", xmp_packet(meta, params_.level));  // uncompressed
  catalog += " /Metadata " + pdf_ref(xmp) + " >>";
  const int root = f.reserve(), info = f.reserve();
  f.write_object(root, catalog);
  f.write_object(info, "<<" + info_entries(meta) + " >>");
  // A 16-byte document ID from what makes this file unique.
  const std::string id = "<" + sha256_hex(m.output.string() + "\n" + meta.capture_date + "\n" +
                                          std::to_string(f.bytes_written()) + "\n" + meta.title).substr(0, 32) + ">";
  f.finish(" /Root " + pdf_ref(root) + " /Info " + pdf_ref(info) + " /ID [" + id + " " + id + "]");
  m.file.reset();

  // Read back and check before the file takes its final name.
  int pages_read = 0;
  const std::vector<std::string> problems = check_pdfa(m.temp, params_.level, &pages_read);
  if (problems.empty() && pages_read != pages())
    throw Error(ErrorCode::Pdf, "PDF writer: the written file has " + std::to_string(pages_read) + " pages, not " +
                                    std::to_string(pages()));
  if (!problems.empty()) throw Error(ErrorCode::Pdf, "PDF writer: the written file fails a PDF/A check: " + problems.front());
  commit_file(m.temp, m.output);
  m.temp.clear();
  impl_.reset();
}

}  // namespace xueji
