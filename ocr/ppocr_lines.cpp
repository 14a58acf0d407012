#include "ocr/ppocr_lines.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "models/utf8.h"
#include "ocr/text_detector.h"

namespace xueji {
namespace {

struct Part {
  int x0, x1;  // page columns, ink extent
};

// Ink extents of the line, cut at gaps of at least `gap` empty columns.
std::vector<Part> parts_of(const cv::Mat& ink_line, int x_offset, int gap, double min_ink_px) {
  std::vector<int> column(ink_line.cols, 0);
  for (int y = 0; y < ink_line.rows; ++y) {
    const uchar* row = ink_line.ptr<uchar>(y);
    for (int x = 0; x < ink_line.cols; ++x) column[x] += row[x] != 0;
  }
  std::vector<Part> parts;
  int start = -1, last = -1;
  double mass = 0;
  auto close = [&] {
    if (start >= 0 && mass >= min_ink_px) parts.push_back({x_offset + start, x_offset + last + 1});
    start = -1;
    mass = 0;
  };
  for (int x = 0; x < ink_line.cols; ++x) {
    if (!column[x]) continue;
    if (start >= 0 && x - last - 1 >= gap) close();
    if (start < 0) start = x;
    last = x;
    mass += column[x];
  }
  close();
  return parts;
}

// One part of a line, cropped and scaled to the model's height.
struct Piece {
  size_t line;
  cv::Rect crop;    // page pixels
  cv::Mat scaled;   // kHeight rows
  int at = 0;       // first column in its canvas
  std::vector<RecognizedChar> chars;  // spans in page columns
};

void map_to_page(Piece& p, std::vector<RecognizedChar> chars, int offset) {
  const double back = double(p.crop.width) / p.scaled.cols;
  for (RecognizedChar& c : chars) {
    c.x0 = p.crop.x + static_cast<int>(std::lround((c.x0 - offset) * back));
    c.x1 = p.crop.x + static_cast<int>(std::lround((c.x1 - offset) * back));
    p.chars.push_back(std::move(c));
  }
}

// Reads the pieces packed side by side into canvases as wide as the widest graph, `gap`
// white columns apart: one forward pass reads many short cells, and a short cell does not pay
// for a whole pass (about 4 ms of fixed cost each) nor for padding to the next graph width.
void read_packed(std::vector<Piece>& pieces, PpOcrRecognizer& recognizer, int gap) {
  const int max_w = recognizer.max_width();
  size_t i = 0;
  while (i < pieces.size()) {
    if (pieces[i].scaled.cols > max_w) {
      map_to_page(pieces[i], recognizer.read(pieces[i].scaled).chars, 0);
      ++i;
      continue;
    }
    size_t j = i;
    int width = 0;
    while (j < pieces.size() && pieces[j].scaled.cols <= max_w &&
           width + (j > i ? gap : 0) + pieces[j].scaled.cols <= max_w) {
      width += (j > i ? gap : 0);
      pieces[j].at = width;
      width += pieces[j].scaled.cols;
      ++j;
    }
    cv::Mat canvas(PpOcrRecognizer::kHeight, width, CV_8U, cv::Scalar(255));
    for (size_t k = i; k < j; ++k) pieces[k].scaled.copyTo(canvas.colRange(pieces[k].at, pieces[k].at + pieces[k].scaled.cols));
    std::vector<std::vector<RecognizedChar>> per(j - i);
    for (RecognizedChar& c : recognizer.read_scaled(canvas)) {
      const int mid = (c.x0 + c.x1) / 2;
      for (size_t k = i; k < j; ++k)
        if (mid >= pieces[k].at && mid < pieces[k].at + pieces[k].scaled.cols) {
          per[k - i].push_back(std::move(c));
          break;
        }  // a character in a gap between pieces is a space or nothing: dropped
    }
    for (size_t k = i; k < j; ++k) map_to_page(pieces[k], std::move(per[k - i]), pieces[k].at);
    i = j;
  }
}

// CTC places a character at the time steps where it is recognized, often narrower than its ink
// and off its middle. Each character gets the width a character of its kind has on this line
// (a full line height for CJK, a little over half for letters and digits), centred on its
// steps, bounded by the midpoints to its neighbours and by its part.
void spread_spans(std::vector<RecognizedChar>& chars, int left, int right, int h) {
  std::vector<double> mid(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) mid[i] = 0.5 * (chars[i].x0 + chars[i].x1);
  for (size_t i = 0; i < chars.size(); ++i) {
    const std::u32string u = utf8_to_u32(chars[i].text);
    const double half = 0.5 * h * (!u.empty() && is_cjk(u[0]) ? 0.95 : 0.55);
    double l = std::max<double>(left, mid[i] - half), r = std::min<double>(right, mid[i] + half);
    if (i > 0) l = std::max(l, 0.5 * (mid[i - 1] + mid[i]));
    if (i + 1 < chars.size()) r = std::min(r, 0.5 * (mid[i] + mid[i + 1]));
    chars[i].x0 = static_cast<int>(std::lround(l));
    chars[i].x1 = std::max(chars[i].x0 + 1, static_cast<int>(std::lround(r)));
  }
}

// Chinese text never begins with a small mark that follows something (the line-start rule of
// Chinese typesetting: ，。、：； and their ASCII forms, the middle dot): such a mark first in a
// part (a cell, a field, a line), with the part's text after it, is a speck of dust or a seal's
// remnant the recognizer read (measured on stress pages: '．', '·' and ':' before the text of a
// line). A part that is only the mark (the ： of a letter-spaced 评　语　：) keeps it; brackets
// and quotes are left alone (a fill-in field's ）).
void drop_leading_closers(std::vector<RecognizedChar>& chars) {
  static const std::u32string closers = U"，。、．：；,.:;·";
  size_t n = 0;
  while (n + 1 < chars.size()) {
    const std::u32string u = utf8_to_u32(chars[n].text);
    if (u.size() != 1 || closers.find(u[0]) == std::u32string::npos) break;
    ++n;
  }
  chars.erase(chars.begin(), chars.begin() + static_cast<long>(n));
}

bool overlap(const Box& a, const Box& b) {
  const int v = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  const int h = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  return h > 0 && v > 0.5 * std::min(a.h, b.h);
}

Box unite(const Box& a, const Box& b) {
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  return Box{x0, y0, std::max(a.x + a.w, b.x + b.w) - x0, std::max(a.y + a.h, b.y + b.h) - y0};
}

}  // namespace

std::vector<LayoutLine> rows_in_reading_order(const std::vector<TextRegion>& regions) {
  std::vector<TextRegion> sorted = regions;
  std::sort(sorted.begin(), sorted.end(), [](const TextRegion& a, const TextRegion& b) {
    return 2 * a.box.y + a.box.height < 2 * b.box.y + b.box.height;
  });
  struct Row {
    double top_sum = 0, bottom_sum = 0;
    std::vector<TextRegion> members;
    double top() const { return top_sum / members.size(); }
    double bottom() const { return bottom_sum / members.size(); }
  };
  std::vector<Row> rows;
  for (const TextRegion& region : sorted) {
    const cv::Rect& r = region.box;
    Row* best = nullptr;
    double best_overlap = 0;
    for (Row& row : rows) {
      const double v = std::min<double>(row.bottom(), r.y + r.height) - std::max<double>(row.top(), r.y);
      const double need = 0.5 * std::min<double>(r.height, row.bottom() - row.top());
      if (v > need && v > best_overlap) best = &row, best_overlap = v;
    }
    if (!best) best = &rows.emplace_back();
    best->top_sum += r.y;
    best->bottom_sum += r.y + r.height;
    best->members.push_back(region);
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.top() + a.bottom() < b.top() + b.bottom(); });
  std::vector<LayoutLine> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::sort(rows[i].members.begin(), rows[i].members.end(),
              [](const TextRegion& a, const TextRegion& b) { return a.box.x < b.box.x; });
    for (const TextRegion& m : rows[i].members) {
      const cv::Rect& r = m.box;
      LayoutLine& l = out.emplace_back();
      l.box = Box{r.x, r.y, r.width, r.height};
      l.baseline = r.y + r.height;
      l.angle_deg = m.angle_deg;
      l.row = static_cast<int>(i);
    }
  }
  return out;
}

namespace {

std::optional<double> agreeing_angle(std::vector<double> angles, int min_lines, double max_spread) {
  if (static_cast<int>(angles.size()) < min_lines) return std::nullopt;
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  const double m = median(angles);
  std::vector<double> dev;
  for (double a : angles) dev.push_back(std::abs(a - m));
  if (median(dev) > max_spread) return std::nullopt;
  return m;
}

}  // namespace

std::optional<double> residual_skew(const OcrPage& page, int min_lines, double min_aspect, double max_spread) {
  std::vector<double> angles;
  for (const OcrLine& l : page.lines)
    if (l.box.h > 0 && l.box.w >= min_aspect * l.box.h && std::abs(l.angle_deg) < 45) angles.push_back(l.angle_deg);
  return agreeing_angle(std::move(angles), min_lines, max_spread);
}

std::optional<double> residual_skew(const std::vector<cv::RotatedRect>& boxes, int min_lines, double min_aspect,
                                    double max_spread) {
  std::vector<double> angles;
  for (const cv::RotatedRect& r : boxes) {
    const double lo = std::min(r.size.width, r.size.height), hi = std::max(r.size.width, r.size.height);
    const double a = long_side_angle(r);
    if (lo > 0 && hi >= min_aspect * lo && std::abs(a) < 45) angles.push_back(a);
  }
  return agreeing_angle(std::move(angles), min_lines, max_spread);
}

std::optional<double> standing_share(const std::vector<cv::RotatedRect>& boxes, double min_aspect, int min_boxes) {
  int long_ones = 0, standing = 0;
  for (const cv::RotatedRect& r : boxes) {
    const double lo = std::min(r.size.width, r.size.height), hi = std::max(r.size.width, r.size.height);
    if (lo <= 0 || hi < min_aspect * lo) continue;
    ++long_ones;
    if (std::abs(long_side_angle(r)) > 45) ++standing;
  }
  if (long_ones < min_boxes) return std::nullopt;
  return double(standing) / long_ones;
}

std::vector<LayoutLine> merge_overlapping_lines(std::vector<LayoutLine> lines) {
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < lines.size() && !merged; ++i)
      for (size_t j = i + 1; j < lines.size() && !merged; ++j)
        if (overlap(lines[i].box, lines[j].box)) {
          lines[i].box = unite(lines[i].box, lines[j].box);
          lines[i].baseline = std::max(lines[i].baseline, lines[j].baseline);
          lines.erase(lines.begin() + static_cast<long>(j));
          merged = true;
        }
  }
  return lines;
}

std::vector<LayoutLine> split_tall_lines(const std::vector<LayoutLine>& lines, const cv::Mat& ink) {
  if (lines.size() < 3) return lines;
  std::vector<int> heights;
  for (const LayoutLine& l : lines) heights.push_back(l.box.h);
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2), heights.end());
  const int median = heights[heights.size() / 2];
  const cv::Rect page(0, 0, ink.cols, ink.rows);
  std::vector<LayoutLine> out;
  for (const LayoutLine& l : lines) {
    const cv::Rect r = cv::Rect(l.box.x, l.box.y, l.box.w, l.box.h) & page;
    if (l.box.h < 1.6 * median || r.height < 4) {
      out.push_back(l);
      continue;
    }
    cv::Mat rows;
    cv::reduce(ink(r), rows, 1, cv::REDUCE_MAX, CV_8U);
    // bands of ink rows; a band shorter than 0.4 median heights is part of its neighbour
    std::vector<std::pair<int, int>> bands;
    for (int y = 0; y < r.height;) {
      while (y < r.height && !rows.at<uchar>(y)) ++y;
      const int start = y;
      while (y < r.height && rows.at<uchar>(y)) ++y;
      if (y > start) bands.emplace_back(start, y);
    }
    std::vector<std::pair<int, int>> kept;
    for (const auto& b : bands) {
      if (!kept.empty() && (b.second - b.first < 0.4 * median || kept.back().second - kept.back().first < 0.4 * median))
        kept.back().second = b.second;
      else kept.push_back(b);
    }
    if (kept.size() < 2) {
      out.push_back(l);
      continue;
    }
    for (const auto& [y0, y1] : kept) {
      LayoutLine part = l;
      part.box = Box{l.box.x, r.y + y0, l.box.w, y1 - y0};
      part.baseline = r.y + y1;
      out.push_back(part);
    }
  }
  return out;
}

std::vector<OcrLine> read_lines_ppocr(const cv::Mat& gray, const cv::Mat& ink, const std::vector<LayoutLine>& layout,
                                      PpOcrRecognizer& recognizer, const PpOcrLineParams& params) {
  const cv::Rect page(0, 0, gray.cols, gray.rows);
  std::vector<Piece> pieces;
  const std::vector<LayoutLine> merged = split_tall_lines(merge_overlapping_lines(layout), ink);
  std::vector<OcrLine> lines(merged.size());
  for (size_t li = 0; li < merged.size(); ++li) {
    const LayoutLine& l = merged[li];
    lines[li].box = l.box;
    lines[li].baseline = l.baseline;
    lines[li].angle_deg = l.angle_deg;
    const cv::Rect lb = cv::Rect(l.box.x, l.box.y, l.box.w, l.box.h) & page;
    if (lb.width < 2 || lb.height < 4) continue;
    const int h = lb.height;
    const int my = static_cast<int>(std::lround(params.margin_y * h)), mx = static_cast<int>(std::lround(params.margin_x * h));
    for (const Part& p : parts_of(ink(lb), lb.x, std::max(2, static_cast<int>(std::lround(params.gap_factor * h))),
                                  params.min_ink * h * h)) {
      Piece& piece = pieces.emplace_back();
      piece.line = li;
      piece.crop = cv::Rect(p.x0 - mx, lb.y - my, p.x1 - p.x0 + 2 * mx, h + 2 * my) & page;
      const double scale = double(PpOcrRecognizer::kHeight) / piece.crop.height;
      const int w = std::max(8, static_cast<int>(std::lround(piece.crop.width * scale)));
      cv::resize(gray(piece.crop), piece.scaled, cv::Size(w, PpOcrRecognizer::kHeight), 0, 0,
                 scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      // Faint print (faded ink, grey paper) is stretched to the range of clean print.
      double lo = 0, hi = 0;
      cv::minMaxLoc(piece.scaled, &lo, &hi);
      if (hi - lo >= 12 && hi - lo < params.stretch_below)
        piece.scaled.convertTo(piece.scaled, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));
    }
  }
  read_packed(pieces, recognizer, params.pack_gap);

  for (Piece& piece : pieces) {
    OcrLine& line = lines[piece.line];
    const int h = line.box.h;
    drop_leading_closers(piece.chars);
    spread_spans(piece.chars, piece.crop.x, piece.crop.x + piece.crop.width, h);
    OcrWord* word = nullptr;
    int word_end = 0;
    double prob_sum = 0;
    int n = 0;
    auto finish = [&] {
      if (word && n) word->confidence = static_cast<float>(100.0 * prob_sum / n);
      word = nullptr;
      prob_sum = 0;
      n = 0;
    };
    for (const RecognizedChar& c : piece.chars) {
      if (c.text == " ") {
        finish();
        continue;
      }
      if (word && c.x0 - word_end > params.word_gap * h) finish();
      if (!word) {
        word = &line.words.emplace_back();
        word->box = Box{c.x0, line.box.y, 0, h};
      }
      word->text += c.text;
      word_end = c.x1;
      word->box.w = std::max(word->box.w, c.x1 - word->box.x);
      prob_sum += c.probability;
      ++n;
    }
    finish();
  }
  std::vector<OcrLine> out;
  int last_row = -1;
  for (size_t li = 0; li < lines.size(); ++li) {
    OcrLine& l = lines[li];
    if (l.words.empty()) continue;
    const int row = merged[li].row;
    if (row >= 0 && row == last_row && !out.empty()) {  // the next region of the same row
      OcrLine& into = out.back();
      const int x0 = std::min(into.box.x, l.box.x), y0 = std::min(into.box.y, l.box.y);
      const int x1 = std::max(into.box.x + into.box.w, l.box.x + l.box.w), y1 = std::max(into.box.y + into.box.h, l.box.y + l.box.h);
      into.box = Box{x0, y0, x1 - x0, y1 - y0};
      into.baseline = std::max(into.baseline, l.baseline);
      std::move(l.words.begin(), l.words.end(), std::back_inserter(into.words));
      continue;
    }
    last_row = row;
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace xueji
