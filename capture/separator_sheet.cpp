#include "capture/separator_sheet.h"

// Result::text() as UTF-8 (ZXing-C++ 1.4 asks for this define; without it a #pragma message).
#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <opencv2/imgproc.hpp>

#include "capture/qr_finder.h"
#include "models/error.h"
#include "models/sha256.h"
#include "models/utf8.h"

namespace xueji {
namespace {

constexpr std::string_view kPrefix = "XJSEP1:";
constexpr std::string_view kAnyVersion = "XJSEP";  // a later format version is still "a Xueji sheet"
constexpr size_t kCheckLength = 8;
constexpr size_t kMaxIdLength = 32;
constexpr size_t kMaxTypeBytes = 96;

std::string check_of(std::string_view text_before) {
  return sha256_hex(text_before).substr(0, kCheckLength);
}

bool valid_student_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdLength &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) != 0 && c < 0x80; });
}

bool valid_type_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxTypeBytes || !is_valid_utf8(name)) return false;
  for (char32_t c : utf8_to_u32(name))
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029) return false;
  return true;
}

// --- detection ---------------------------------------------------------------------------------

struct Attempt {
  int long_side = 0;
  ZXing::Binarizer binarizer = ZXing::Binarizer::LocalAverage;
  bool smooth = false;  // Gaussian blur (sigma 1 px) first
};

const char* binarizer_name(ZXing::Binarizer b) {
  return b == ZXing::Binarizer::GlobalHistogram ? "global histogram" : "local average";
}

// A reduction by an integer factor `k` (area average, OpenCV's fast path: it needs an exact
// factor, so the last k-1 rows and columns go).
cv::Mat reduce_by(const cv::Mat& m, int k) {
  cv::Mat out;
  cv::resize(m(cv::Rect(0, 0, m.cols / k * k, m.rows / k * k)), out, cv::Size(m.cols / k, m.rows / k), 0, 0,
             cv::INTER_AREA);
  return out;
}

// The page in gray at the sizes the passes ask for, each made once. A large page is first
// reduced by an integer factor to about the largest size asked for, colour pages before they
// are converted: no full-size copy is ever allocated (at 600 dpi that alone took 100+ ms of
// page faults), and the rest is bilinear.
class GrayPyramid {
 public:
  GrayPyramid(const cv::Mat& page, int largest_side) {
    const int k = largest_side > 0 ? std::max(page.cols, page.rows) / largest_side : 1;
    const cv::Mat small = k >= 2 ? reduce_by(page, k) : page;
    if (small.channels() == 1) base_ = small;
    else cv::cvtColor(small, base_, small.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }

  // Long side at most `side` (never enlarged); continuous, for ZXing's image view.
  cv::Mat at(int side) {
    side = std::min(side, std::max(base_.cols, base_.rows));
    for (const auto& [s, m] : made_)
      if (s == side) return m;
    const int k = std::max(base_.cols, base_.rows) / side;
    cv::Mat m = k >= 2 ? reduce_by(base_, k) : base_;
    if (std::max(m.cols, m.rows) > side) {
      const double f = static_cast<double>(side) / std::max(m.cols, m.rows);
      cv::resize(m, m, cv::Size(), f, f, cv::INTER_LINEAR);
    }
    if (!m.isContinuous()) m = m.clone();
    made_.emplace_back(side, m);
    return m;
  }

 private:
  cv::Mat base_;
  std::vector<std::pair<int, cv::Mat>> made_;
};

// Degrees the page is turned (clockwise, 0/90/180/270) from the symbol's top edge, which runs
// left to right on the upright sheet; image y points down, so a clockwise turn gives a positive angle.
int turned_degrees(const ZXing::Position& p) {
  const double a = std::atan2(static_cast<double>(p.topRight().y - p.topLeft().y),
                              static_cast<double>(p.topRight().x - p.topLeft().x)) * 180.0 / M_PI;
  const int q = static_cast<int>(std::lround(a / 90.0));
  return ((q % 4) + 4) % 4 * 90;
}

double symbol_side(const ZXing::Position& p) {
  auto len = [](ZXing::PointI a, ZXing::PointI b) { return std::hypot(double(a.x - b.x), double(a.y - b.y)); };
  return (len(p.topLeft(), p.topRight()) + len(p.topRight(), p.bottomRight()) + len(p.bottomRight(), p.bottomLeft()) +
          len(p.bottomLeft(), p.topLeft())) / 4;
}

struct Findings {
  struct Read {
    SheetCode code;
    int turned = 0;
    bool mirrored = false;  // seen through the paper (the back of a sheet), or a mirrored scan
  };
  std::vector<Read> codes;  // valid Xueji codes
  int bad_checks = 0;        // Xueji-prefixed text that failed the check
  int foreign = 0;           // decoded QR codes that are not Xueji sheets
  double undecoded_share = 0;  // largest located-but-undecodable symbol, share of the long side
  int undecoded_orientation = 0;
};

void read_pass(const cv::Mat& gray, const Attempt& a, Findings& f) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode)
      .setTryHarder(true)
      .setTryRotate(false)  // QR is found at any rotation without it
      .setTryDownscale(true)
      .setReturnErrors(true)
      .setBinarizer(a.binarizer)
      .setMaxNumberOfSymbols(4);
  const ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum, static_cast<int>(gray.step));
  const double long_side = std::max(gray.cols, gray.rows);
  for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
    if (r.format() != ZXing::BarcodeFormat::QRCode) continue;
    if (r.error()) {
      const double share = symbol_side(r.position()) / long_side;
      if (share > f.undecoded_share) {
        f.undecoded_share = share;
        f.undecoded_orientation = turned_degrees(r.position());
      }
      continue;
    }
    const ZXing::ByteArray& bytes = r.bytes();  // the payload's own bytes (UTF-8), no charset guessing
    const std::string text(bytes.begin(), bytes.end());
    if (auto code = parse_sheet_payload(text)) f.codes.push_back({std::move(*code), turned_degrees(r.position()), r.isMirrored()});
    else if (has_sheet_prefix(text)) ++f.bad_checks;
    else ++f.foreign;
  }
}

// Finder patterns of a symbol at least `sheet_symbol_share` of the page (version 10 at most:
// 57 modules, 7 of them a pattern), looked for on the smoothed denoising size.
QrFinderGuess finder_check(GrayPyramid& pyramid, const SheetParams& params) {
  const cv::Mat small = pyramid.at(params.denoise_long_side > 0 ? params.denoise_long_side : 800);
  cv::Mat smoothed;
  cv::GaussianBlur(small, smoothed, cv::Size(), 1.0);
  const double min_symbol = params.sheet_symbol_share * std::max(small.cols, small.rows);
  QrFinderGuess g = find_qr_finder_triangle(smoothed, min_symbol * 7 / 57);
  if (g.found && g.symbol_side < min_symbol) g.found = false;
  return g;
}

std::string describe(const SheetCode& c) {
  switch (c.kind) {
    case SheetKind::Student: return "student sheet " + c.student_id;
    case SheetKind::DocType: return "document-type sheet " + c.doc_type;
    case SheetKind::NextDocument: return "next-document sheet";
  }
  return "sheet";
}

}  // namespace

const char* to_string(SheetKind kind) {
  switch (kind) {
    case SheetKind::Student: return "student";
    case SheetKind::DocType: return "doctype";
    case SheetKind::NextDocument: return "next-document";
  }
  return "student";
}

std::string encode_sheet_payload(const SheetCode& code) {
  std::string text(kPrefix);
  switch (code.kind) {
    case SheetKind::Student:
      if (!valid_student_id(code.student_id))
        throw Error(ErrorCode::InvalidArgument, "separator sheet: invalid student number '" + code.student_id + "'");
      text += "S:" + code.student_id + ":";
      break;
    case SheetKind::DocType:
      if (!valid_type_name(code.doc_type))
        throw Error(ErrorCode::InvalidArgument, "separator sheet: invalid document type name '" + code.doc_type + "'");
      text += "D:" + code.doc_type + ":";
      break;
    case SheetKind::NextDocument:
      text += "T:";
      break;
  }
  return text + check_of(text);
}

bool has_sheet_prefix(const std::string& text) { return text.rfind(kAnyVersion, 0) == 0; }

std::optional<SheetCode> parse_sheet_payload(const std::string& text) {
  if (text.rfind(kPrefix, 0) != 0 || text.size() < kPrefix.size() + 2 + kCheckLength) return std::nullopt;
  const size_t colon = text.rfind(':');
  const std::string_view body(text.data(), colon + 1), check(text.data() + colon + 1, text.size() - colon - 1);
  if (check.size() != kCheckLength || check != check_of(body)) return std::nullopt;
  const char kind = text[kPrefix.size()];
  if (text[kPrefix.size() + 1] != ':') return std::nullopt;
  const size_t value_at = kPrefix.size() + 2;
  // The value lies between "XJSEP1:K:" and the check's colon; "T" has none.
  const std::string value = colon >= value_at ? text.substr(value_at, colon - value_at) : std::string();
  SheetCode code;
  switch (kind) {
    case 'S':
      if (colon < value_at || !valid_student_id(value)) return std::nullopt;
      code.kind = SheetKind::Student;
      code.student_id = value;
      return code;
    case 'D':
      if (colon < value_at || !valid_type_name(value)) return std::nullopt;
      code.kind = SheetKind::DocType;
      code.doc_type = value;
      return code;
    case 'T':
      if (colon != value_at - 1) return std::nullopt;
      code.kind = SheetKind::NextDocument;
      return code;
    default:
      return std::nullopt;
  }
}

SheetReport detect_separator_sheet(const cv::Mat& page, const SheetParams& params) {
  if (page.empty() || page.depth() != CV_8U || (page.channels() != 1 && page.channels() != 3 && page.channels() != 4))
    throw Error(ErrorCode::BadImage, "separator sheet detection needs an 8-bit gray or colour image");
  std::vector<Attempt> attempts{{params.working_long_side, ZXing::Binarizer::LocalAverage}};
  if (params.retry_global_binarizer) attempts.push_back({params.working_long_side, ZXing::Binarizer::GlobalHistogram});
  for (int side : params.retry_long_sides) attempts.push_back({side, ZXing::Binarizer::LocalAverage});
  attempts.push_back({params.denoise_long_side, ZXing::Binarizer::LocalAverage, true});

  SheetReport report;
  Findings f;
  int largest = std::max(params.working_long_side, params.denoise_long_side);
  for (int side : params.retry_long_sides) largest = std::max(largest, side);
  GrayPyramid pyramid(page, largest);
  for (size_t i = 0; i < attempts.size(); ++i) {
    const Attempt& a = attempts[i];
    if (a.long_side <= 0) continue;
    cv::Mat gray = pyramid.at(a.long_side);  // a header: the pyramid keeps its own
    if (a.smooth) {  // into a new image: the pyramid's stays as it is
      cv::Mat smoothed;
      cv::GaussianBlur(gray, smoothed, cv::Size(), 1.0);
      gray = smoothed;
    }
    f.codes.clear();
    read_pass(gray, a, f);
    std::set<std::string> distinct;
    for (const auto& c : f.codes) distinct.insert(encode_sheet_payload(c.code));
    if (distinct.size() > 1) {  // two different sheets on one page: trust neither
      report.misread = true;
      report.confidence = 0.9;
      report.orientation = f.codes.front().turned;
      report.message = "two different separator codes on one page";
      return report;
    }
    if (!f.codes.empty()) {
      report.found = true;
      const Findings::Read& read = f.codes.front();
      report.code = read.code;
      report.orientation = read.turned;
      // The check makes the code certain; a retry or a mirrored symbol makes the page less so.
      report.confidence = (i == 0 ? 1.0 : 0.9) * (read.mirrored ? 0.8 : 1.0);
      report.message = describe(report.code) + " read at " + std::to_string(gray.cols) + "x" + std::to_string(gray.rows) +
                       " px (" + binarizer_name(a.binarizer) + (a.smooth ? ", smoothed" : "") +
                       (i == 0 ? ")" : ", retry " + std::to_string(i) + ")") + ", page turned " +
                       std::to_string(report.orientation) + " degrees" +
                       (read.mirrored ? "; the symbol is mirrored (seen through the paper, or a mirrored scan)" : "");
      return report;
    }
  }
  if (f.bad_checks > 0) {
    report.misread = true;
    report.confidence = 0.9;
    report.message = "a Xueji separator code was read but its check failed";
    return report;
  }
  if (f.undecoded_share >= params.sheet_symbol_share) {
    report.misread = true;
    report.orientation = f.undecoded_orientation;
    report.confidence = std::clamp(f.undecoded_share / (2 * params.sheet_symbol_share), 0.5, 0.9);
    report.message = "a large QR-like symbol was found but could not be decoded";
    return report;
  }
  // ZXing located nothing it could not read: are there the finder patterns of a sheet-sized
  // symbol all the same? (Not when a foreign code was read: that symbol is the one seen.)
  const QrFinderGuess guess = f.foreign == 0 ? finder_check(pyramid, params) : QrFinderGuess{};
  if (guess.found) {
    // A mirrored symbol (ZXing tries mirroring on few of its paths): read the page flipped.
    cv::Mat flipped;
    cv::flip(pyramid.at(params.working_long_side), flipped, 1);
    f.codes.clear();
    read_pass(flipped, {params.working_long_side, ZXing::Binarizer::LocalAverage}, f);
    if (f.codes.size() == 1) {
      report.found = true;
      report.code = f.codes.front().code;
      report.orientation = (360 - f.codes.front().turned) % 360;  // the flip mirrors the turn too
      report.confidence = 0.7;
      report.message = describe(report.code) + " read mirrored (seen through the paper, or a mirrored scan)";
      return report;
    }
    report.misread = true;
    report.orientation = guess.orientation;
    report.confidence = 0.6;
    report.message = "three QR finder patterns of a sheet-sized symbol were found, but no code could be read";
  } else {
    report.message = f.foreign > 0 ? "no separator sheet (a QR code that is not a Xueji sheet)" : "no separator sheet";
  }
  return report;
}

}  // namespace xueji
