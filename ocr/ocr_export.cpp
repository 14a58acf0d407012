#include "ocr/ocr_export.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/xml_escape.h"

namespace xueji {
namespace {

nlohmann::json box_json(const Box& b) { return {b.x, b.y, b.w, b.h}; }

std::string bbox(const Box& b) {
  return "bbox " + std::to_string(b.x) + " " + std::to_string(b.y) + " " + std::to_string(b.x + b.w) + " " +
         std::to_string(b.y + b.h);
}

Box map_box(const Box& b, const cv::Matx23d& m, int width, int height) {
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  for (const auto& [x, y] : {std::pair<double, double>{b.x, b.y}, {b.x + b.w, b.y}, {b.x, b.y + b.h}, {b.x + b.w, b.y + b.h}}) {
    const double u = m(0, 0) * x + m(0, 1) * y + m(0, 2), v = m(1, 0) * x + m(1, 1) * y + m(1, 2);
    x0 = std::min(x0, u);
    y0 = std::min(y0, v);
    x1 = std::max(x1, u);
    y1 = std::max(y1, v);
  }
  const int ix0 = std::clamp(static_cast<int>(std::floor(x0)), 0, width), iy0 = std::clamp(static_cast<int>(std::floor(y0)), 0, height);
  const int ix1 = std::clamp(static_cast<int>(std::ceil(x1)), 0, width), iy1 = std::clamp(static_cast<int>(std::ceil(y1)), 0, height);
  return {ix0, iy0, ix1 - ix0, iy1 - iy0};
}

}  // namespace

nlohmann::json to_json(const OcrPage& page) {
  nlohmann::json lines = nlohmann::json::array();
  for (const OcrLine& l : page.lines) {
    nlohmann::json words = nlohmann::json::array();
    for (const OcrWord& w : l.words)
      words.push_back({{"text", w.text}, {"box", box_json(w.box)}, {"confidence", w.confidence}});
    lines.push_back({{"text", l.text()}, {"box", box_json(l.box)}, {"baseline", l.baseline}, {"angle_deg", l.angle_deg}, {"folded", l.folded}, {"words", words}});
  }
  return {{"width", page.width}, {"height", page.height}, {"dpi", page.dpi},
          {"mean_confidence", page.mean_confidence()}, {"no_text", page.lines.empty()}, {"text", page.text()}, {"text_folded", page.folded_text()}, {"lines", lines}};
}

std::string to_hocr(const OcrPage& page, const std::string& image_name) {
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
    << "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"zh\" lang=\"zh\">\n<head>\n"
    << "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"/>\n"
    << "<meta name=\"ocr-system\" content=\"Xueji (Tesseract 5)\"/>\n"
    << "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_line ocrx_word\"/>\n<title></title>\n</head>\n<body>\n"
    << " <div class=\"ocr_page\" id=\"page_1\" title=\"image &quot;" << xml_escape(image_name) << "&quot;; bbox 0 0 "
    << page.width << " " << page.height << "; ppageno 0\">\n";
  int line_no = 0, word_no = 0;
  for (const OcrLine& l : page.lines) {
    o << "  <span class=\"ocr_line\" id=\"line_" << ++line_no << "\" title=\"" << bbox(l.box) << "\">";
    for (const OcrWord& w : l.words)
      o << "<span class=\"ocrx_word\" id=\"word_" << ++word_no << "\" title=\"" << bbox(w.box) << "; x_wconf "
        << static_cast<int>(std::lround(w.confidence)) << "\">" << xml_escape(w.text) << "</span>";
    o << "</span>\n";
  }
  o << " </div>\n</body>\n</html>\n";
  return o.str();
}

std::string to_alto(const OcrPage& page, const std::string& image_name) {
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:schemaLocation=\"http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/alto/v4/alto-4-2.xsd\">\n"
    << " <Description>\n  <MeasurementUnit>pixel</MeasurementUnit>\n  <sourceImageInformation><fileName>"
    << xml_escape(image_name) << "</fileName></sourceImageInformation>\n"
    << "  <OCRProcessing ID=\"OCR_0\"><ocrProcessingStep><processingSoftware><softwareName>Xueji</softwareName>"
       "</processingSoftware></ocrProcessingStep></OCRProcessing>\n </Description>\n"
    << " <Layout>\n  <Page ID=\"PAGE_1\" PHYSICAL_IMG_NR=\"1\" WIDTH=\"" << page.width << "\" HEIGHT=\"" << page.height
    << "\">\n   <PrintSpace HPOS=\"0\" VPOS=\"0\" WIDTH=\"" << page.width << "\" HEIGHT=\"" << page.height << "\">\n"
    << "    <TextBlock ID=\"BLOCK_1\">\n";
  int line_no = 0, word_no = 0;
  for (const OcrLine& l : page.lines) {
    o << "     <TextLine ID=\"LINE_" << ++line_no << "\" HPOS=\"" << l.box.x << "\" VPOS=\"" << l.box.y << "\" WIDTH=\""
      << l.box.w << "\" HEIGHT=\"" << l.box.h << "\">\n";
    for (const OcrWord& w : l.words)
      o << "      <String ID=\"STRING_" << ++word_no << "\" CONTENT=\"" << xml_escape(w.text) << "\" HPOS=\"" << w.box.x
        << "\" VPOS=\"" << w.box.y << "\" WIDTH=\"" << w.box.w << "\" HEIGHT=\"" << w.box.h << "\" WC=\""
        << std::clamp(w.confidence / 100.0, 0.0, 1.0) << "\"/>\n";
    o << "     </TextLine>\n";
  }
  o << "    </TextBlock>\n   </PrintSpace>\n  </Page>\n </Layout>\n</alto>\n";
  return o.str();
}

OcrPage transform_boxes(const OcrPage& page, const cv::Matx23d& m, int width, int height) {
  OcrPage out = page;
  out.width = width;
  out.height = height;
  for (OcrLine& l : out.lines) {
    l.box = map_box(l.box, m, width, height);
    for (OcrWord& w : l.words) w.box = map_box(w.box, m, width, height);
  }
  return out;
}

}  // namespace xueji
