#include "tests/pagegen/heldout_typeset.h"

#include <QFontDatabase>
#include <QFontMetricsF>
#include <QRawFont>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "tests/pagegen/pagegen_internal.h"

namespace xueji::testing::heldout {
namespace {

using detail::pick;
using detail::randint;

const std::vector<Face> kSongFaces = {{"AR PL SungtiL GB", QFont::Normal, "Regular"},
                                      {"AR PL UMing CN", QFont::Light, "Light"},
                                      {"Noto Serif CJK SC", QFont::Normal, "Regular"},
                                      {"Noto Serif CJK SC", QFont::Medium, "Medium"}};
const std::vector<Face> kKaiFaces = {{"AR PL KaitiM GB", QFont::Normal, "Regular"},
                                     {"AR PL UKai CN", QFont::Normal, "Book"},
                                     {"LXGW WenKai", QFont::Normal, "Regular"},
                                     {"LXGW WenKai", QFont::Light, "Light"}};
const std::vector<Face> kTitleFaces = {{"Noto Serif CJK SC", QFont::DemiBold, "SemiBold"},
                                       {"Noto Serif CJK SC", QFont::Bold, "Bold"},
                                       {"Noto Serif CJK SC", QFont::Black, "Black"},
                                       {"LXGW WenKai", QFont::Bold, "Bold"},
                                       {"AR PL SungtiL GB", QFont::Normal, "Regular"},
                                       {"AR PL KaitiM GB", QFont::Normal, "Regular"}};

}  // namespace

// Debian 12: fonts-arphic-gbsn00lp, -gkai00mp, -ukai, -uming, fonts-lxgw-wenkai,
// fonts-noto-cjk-extra (scripts/install-deps.sh).
void load_fonts() {
  static const bool loaded = [] {
    for (const char* f : {"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
                          "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
                          "/usr/share/fonts/truetype/arphic/ukai.ttc",
                          "/usr/share/fonts/truetype/arphic/uming.ttc",
                          "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
                          "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Light.ttf",
                          "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf",
                          "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                          "/usr/share/fonts/opentype/noto/NotoSerifCJK-Medium.ttc",
                          "/usr/share/fonts/opentype/noto/NotoSerifCJK-SemiBold.ttc",
                          "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
                          "/usr/share/fonts/opentype/noto/NotoSerifCJK-Black.ttc"})
      if (!std::filesystem::exists(f) || QFontDatabase::addApplicationFont(f) < 0)
        throw std::runtime_error(std::string("test-set font missing: ") + f + " (run scripts/install-deps.sh)");
    return true;
  }();
  (void)loaded;
}

QFont make_font(const Face& face, double px) {
  QFont f(QString::fromUtf8(face.family));
  f.setPixelSize(std::max(1, static_cast<int>(std::lround(px))));
  f.setWeight(face.weight);
  f.setStyleStrategy(QFont::NoFontMerging);  // a missing glyph must not come from another font
  return f;
}

// Throws unless `face` itself (no substitute, no fallback) has a glyph for every character.
void check_covers(const Face& face, const QString& text) {
  static std::map<std::string, QRawFont> raws;
  auto it = raws.find(face.name());
  if (it == raws.end()) {
    QRawFont raw = QRawFont::fromFont(make_font(face, 50), QFontDatabase::SimplifiedChinese);
    if (raw.familyName() != QString::fromUtf8(face.family) || raw.weight() != face.weight)
      throw std::runtime_error("test-set font " + face.name() + " resolves to " +
                               raw.familyName().toStdString() + " " + raw.styleName().toStdString());
    it = raws.emplace(face.name(), raw).first;
  }
  for (const char32_t u : text.toUcs4())
    if (u != U' ' && !it->second.supportsCharacter(u))
      throw std::runtime_error("test-set font " + face.name() + " has no glyph for " +
                               QString::fromUcs4(&u, 1).toStdString() + " in " + text.toStdString());
}


// Labels and values always in different groups (Song against Kai); the title in a third face.
Faces pick_faces(std::mt19937& rng) {
  const bool song_labels = randint(rng, 0, 1) == 1;
  Faces f{kTitleFaces[0], pick(rng, song_labels ? kSongFaces : kKaiFaces),
          pick(rng, song_labels ? kKaiFaces : kSongFaces)};
  do f.title = pick(rng, kTitleFaces);
  while (f.title == f.label || f.title == f.value);
  return f;
}

namespace {

class Planner {
 public:
  Planner(const Style& st, const Faces& faces, double scale) : st_(st), faces_(faces), k_(scale) { y_ = st.top; }

  Plan run(const Document& doc) {
    for (const Block& b : doc) {
      std::visit([this](const auto& x) { place(x); }, b);
      y_ += gap();
    }
    plan_.bottom = y_ - gap();
    return plan_;
  }

 private:
  const Face& face(Role r) const { return face_of(faces_, r); }
  double size(Role r) const { return k_ * (r == Role::Title ? st_.title_px : r == Role::Label ? st_.label_px : st_.value_px); }
  double gap() const { return k_ * st_.gap_factor * st_.label_px; }
  double width() const { return st_.right - st_.left; }
  double advance(Role r, double px, const std::string& s) const {
    return QFontMetricsF(make_font(face(r), px)).horizontalAdvance(QString::fromStdString(s));
  }
  // Baseline that centres a line of CJK ink on `mid`.
  double baseline(Role r, double px, double mid) const {
    const QRectF ink = QFontMetricsF(make_font(face(r), px)).tightBoundingRect(QStringLiteral("国"));
    return mid - (ink.top() + ink.bottom()) / 2;
  }
  void text(Role r, double px, double x, double mid, const std::string& s) {
    if (s.empty()) return;
    plan_.texts.push_back({QPointF(x, baseline(r, px, mid)), r, px, QString::fromStdString(s)});
    plan_.last_text_y = mid;
  }
  void rule(double x0, double y0, double x1, double y1, double w) { plan_.rules.push_back({QLineF(x0, y0, x1, y1), w}); }
  void box(double x0, double y0, double x1, double y1) {
    for (const QLineF& l : {QLineF(x0, y0, x1, y0), QLineF(x1, y0, x1, y1), QLineF(x1, y1, x0, y1), QLineF(x0, y1, x0, y0)})
      plan_.rules.push_back({l, static_cast<double>(st_.rule_px)});
  }

  void place(const Title& t) {
    double px = size(Role::Title);
    px *= std::min(1.0, width() / advance(Role::Title, px, t.text));
    const double w = advance(Role::Title, px, t.text), h = 1.5 * px;
    const double x = t.align == Align::Left ? st_.left : t.align == Align::Right ? st_.right - w : st_.left + (width() - w) / 2;
    text(Role::Title, px, x, y_ + h / 2, t.text);
    plan_.truth.push_back(t.text);
    y_ += h;
    for (int i = 0; i < t.rules; ++i) {
      y_ += 0.15 * px;
      rule(st_.left, y_, st_.right, y_, i == 0 ? 1.5 * st_.rule_px : st_.rule_px * 0.7);
    }
  }

  void place(const Line& l) {
    double k = 1, total = 0;
    for (const Span& s : l.spans) total += s.gap ? 1.5 * size(Role::Label) : advance(s.role, size(s.role), s.text);
    if (total > width()) k = width() / total * 0.99;
    double h = 0;
    for (const Span& s : l.spans) h = std::max(h, 1.6 * k * size(s.role));
    double x = l.align == Align::Left ? st_.left : l.align == Align::Right ? st_.right - k * total : st_.left + (width() - k * total) / 2;
    std::string truth;
    for (const Span& s : l.spans) {
      const double px = k * size(s.role);
      truth += s.text;
      if (s.gap) { x += 1.5 * k * size(Role::Label); continue; }
      text(s.role, px, x, y_ + h / 2, s.text);
      x += advance(s.role, px, s.text);
    }
    plan_.truth.push_back(truth);
    y_ += h;
  }

  void place(const Table& t) {
    const int cols = static_cast<int>(t.weights.size());
    const double x0 = st_.left, x1 = st_.left + width() * t.width;
    double wsum = 0;
    for (double w : t.weights) wsum += w;
    std::vector<double> xs = {x0};
    for (double w : t.weights) xs.push_back(xs.back() + (x1 - x0) * w / wsum);
    xs.back() = x1;
    // One text scale for the whole table, so that every cell fits with its padding.
    double k = 1;
    for (const TableRow& r : t.rows) {
      int c = 0;
      for (const Cell& cell : r.cells) {
        const double need = advance(cell.role, size(cell.role), cell.text) + 0.9 * size(cell.role);
        k = std::min(k, (xs[static_cast<size_t>(c + cell.span)] - xs[static_cast<size_t>(c)]) / need);
        c += cell.span;
      }
      if (c != cols) throw std::logic_error("table row of " + std::to_string(c) + " columns in a table of " + std::to_string(cols));
    }
    const double row_h = k_ * st_.row_factor * std::max(st_.label_px, st_.value_px);
    const double frame = 1.6 * st_.rule_px, inner = st_.rule_px, thin = std::max(1.0, 0.5 * st_.rule_px);
    const double top = y_;
    for (size_t ri = 0; ri < t.rows.size(); ++ri) {
      const TableRow& r = t.rows[ri];
      const double h = r.labels_above ? std::max(0.72 * row_h, 1.6 * k * size(Role::Label)) : row_h;
      std::string truth;
      int c = 0;
      for (const Cell& cell : r.cells) {
        const double cx0 = xs[static_cast<size_t>(c)], cx1 = xs[static_cast<size_t>(c + cell.span)];
        const double px = k * size(cell.role), w = advance(cell.role, px, cell.text);
        const double x = t.centre ? (cx0 + cx1 - w) / 2 : cx0 + 0.45 * px;
        text(cell.role, px, x, y_ + h / 2, cell.text);
        if (!cell.text.empty()) truth += (truth.empty() ? "" : " ") + cell.text;
        if (t.ruling == Ruling::Grid && c > 0) rule(cx0, y_, cx0, y_ + h, inner);
        c += cell.span;
      }
      plan_.truth.push_back(truth);
      // The rule under this row.
      const bool last = ri + 1 == t.rows.size();
      if (t.ruling == Ruling::Grid) rule(x0, y_ + h, x1, y_ + h, last ? frame : r.labels_above ? thin : inner);
      else if (last) rule(x0, y_ + h, x1, y_ + h, frame);
      else if (ri == 0) rule(x0, y_ + h, x1, y_ + h, thin);
      y_ += h;
    }
    rule(x0, top, x1, top, frame);
    if (t.ruling == Ruling::Grid) {
      rule(x0, top, x0, y_, frame);
      rule(x1, top, x1, y_, frame);
    }
    if (t.photo_box) {
      const double bx0 = x1 + 0.04 * width(), bx1 = st_.right, by1 = top + std::min(1.33 * (bx1 - bx0), y_ - top);
      box(bx0, top, bx1, by1);
    }
  }

  void place(const Paragraph& p) {
    const double px = size(Role::Value), pitch = st_.line_factor * px, pad = p.boxed ? 0.8 * px : 0;
    const double bx0 = st_.left + p.left_indent * px, bx1 = st_.left + width() * p.width;
    const double x0 = bx0 + pad, x1 = bx1 - pad, box_top = y_;
    y_ += pad;
    const std::string head = p.label.empty() ? "" : p.label + "：";
    const double lpx = size(Role::Label);
    if (!head.empty() && !p.label_inline) {
      text(Role::Label, lpx, x0, y_ + pitch / 2, head);
      plan_.truth.push_back(head);
      y_ += pitch;
    }
    std::vector<std::string> runs;
    if (p.flow) {
      std::string all;
      for (const std::string& s : p.sentences) all += s;
      runs.push_back(all);
    } else {
      runs = p.sentences;
    }
    bool first_line = true;
    const QFontMetricsF fm(make_font(face(Role::Value), px));
    for (const std::string& run : runs) {
      const bool with_head = first_line && p.label_inline && !head.empty();
      const double head_w = with_head ? advance(Role::Label, lpx, head) : 0;
      const double indent = p.first_indent * px + head_w;
      const auto pieces = wrap(QString::fromStdString(run), fm, x1 - x0 - indent, x1 - x0);
      for (size_t i = 0; i < pieces.size(); ++i) {
        double x = x0;
        std::string truth;
        if (i == 0) {
          if (with_head) {
            text(Role::Label, lpx, x0 + p.first_indent * px, y_ + pitch / 2, head);
            truth = head;
          }
          x += indent;
        }
        text(Role::Value, px, x, y_ + pitch / 2, pieces[i].toStdString());
        plan_.truth.push_back(truth + pieces[i].toStdString());
        y_ += pitch;
      }
      first_line = false;
    }
    y_ += pad;
    if (p.boxed) box(bx0, box_top, bx1, y_);
  }

  // Greedy breaking by measured width; a closing punctuation mark never starts a line.
  static std::vector<QString> wrap(const QString& s, const QFontMetricsF& fm, double first_w, double w) {
    static const QString closing = QStringLiteral("，。、；：！？）》”");
    std::vector<QString> out;
    qsizetype start = 0;
    double avail = first_w;
    while (start < s.size()) {
      qsizetype n = 1;
      while (start + n < s.size() && fm.horizontalAdvance(s.mid(start, n + 1)) <= avail) ++n;
      if (start + n < s.size() && n > 2 && closing.contains(s[start + n])) --n;
      out.push_back(s.mid(start, n));
      start += n;
      avail = w;
    }
    return out;
  }

  const Style& st_;
  const Faces& faces_;
  double k_;
  double y_;
  Plan plan_;
};

// The largest scale (at most 1) at which the document fits above the bottom of the text area.
Plan fit_height(const Document& doc, const Style& st, const Faces& faces) {
  for (double scale = 1;; scale *= 0.95) {
    Plan p = Planner(st, faces, scale).run(doc);
    p.scale = scale;
    if (p.bottom <= st.bottom || scale < 0.5) return p;
  }
}

// The generator's own check of a plan: no two texts overlap, no rule crosses a text, and
// everything lies in the text area. A failure is a bug in a layout.
void check_plan(const Plan& plan, const Faces& faces) {
  std::vector<QRectF> ink;
  for (const TextOp& t : plan.texts)
    ink.push_back(QFontMetricsF(make_font(face_of(faces, t.role), t.px)).tightBoundingRect(t.text).translated(t.origin));
  auto fail = [](const std::string& what, const QString& text) {
    throw std::logic_error("test-set layout: " + what + " at \"" + text.toStdString() + "\"");
  };
  for (size_t i = 0; i < ink.size(); ++i) {
    const double slack = 0.1 * plan.texts[i].px;  // ink may overhang its advance a little
    if (ink[i].left() < plan.left - slack || ink[i].right() > plan.right + slack)
      fail("text outside the text area (" + std::to_string(ink[i].left() - plan.left) + ", " +
               std::to_string(ink[i].right() - plan.right) + ")", plan.texts[i].text);
    for (size_t j = i + 1; j < ink.size(); ++j)
      if (ink[i].intersects(ink[j])) fail("texts overlap", plan.texts[i].text + " / " + plan.texts[j].text);
    for (const RuleOp& r : plan.rules) {
      const double h = r.width / 2;
      const QRectF line = QRectF(r.line.p1(), r.line.p2()).normalized().adjusted(-h, -h, h, h);
      if (line.intersects(ink[i])) fail("a rule crosses the text", plan.texts[i].text);
    }
  }
}

// Whether a box of the upright page stays on the page, `margin` from its edges, once the page
// is turned by `skew_deg` about its centre (as finish_page turns it).
bool inside_after_skew(const QRectF& box, double skew_deg, int W, int H, double margin) {
  const double a = skew_deg * M_PI / 180, c = std::cos(a), s = std::sin(a), cx = W / 2.0, cy = H / 2.0;
  for (const QPointF& p : {box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight()}) {
    const double x = cx + c * (p.x() - cx) + s * (p.y() - cy), y = cy - s * (p.x() - cx) + c * (p.y() - cy);
    if (x < margin || y < margin || x > W - margin || y > H - margin) return false;
  }
  return true;
}

}  // namespace

// The document planned so that it stays on the page after the skew: moved down towards the
// middle of the page as far as needed, and narrowed when that is not enough.
Plan plan_document(const Document& doc, Style st, const Faces& faces, double skew_deg, int W, int H) {
  const double margin = 40.0 * W / 2480, seal_room = 150.0 * W / 2480;
  for (;;) {
    Plan p = fit_height(doc, st, faces);
    for (double dy = 0; st.top + dy < H / 2.0; dy += H / 200.0) {
      if (!inside_after_skew(QRectF(QPointF(st.left, st.top + dy), QPointF(st.right, p.bottom + seal_room + dy)),
                             skew_deg, W, H, margin))
        continue;
      for (TextOp& t : p.texts) t.origin.ry() += dy;
      for (RuleOp& r : p.rules) r.line.translate(0, dy);
      p.last_text_y += dy;
      p.bottom += dy;
      p.left = st.left;
      p.right = st.right;
      check_plan(p, faces);
      return p;
    }
    if (st.right - st.left < W / 3) {  // cannot happen within ±20°
      p.left = st.left;
      p.right = st.right;
      return p;
    }
    st.left += W / 50;
    st.right -= W / 50;
  }
}

void draw_plan(QPainter& p, const Plan& plan, const Style& st, const Faces& faces) {
  for (const RuleOp& r : plan.rules) {
    p.setPen(QPen(st.rule_ink, r.width, Qt::SolidLine, Qt::SquareCap));
    p.drawLine(r.line);
  }
  for (const TextOp& t : plan.texts) {
    const Face& f = face_of(faces, t.role);
    check_covers(f, t.text);
    p.setFont(make_font(f, t.px));
    p.setPen(t.role == Role::Value ? st.value_ink : st.label_ink);
    p.drawText(t.origin, t.text);
  }
}

}  // namespace xueji::testing::heldout
