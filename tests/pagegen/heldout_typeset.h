#pragma once
// Typesetting of the held-out test pages (used by heldout_layouts.cpp only): the test-set
// fonts, a small document model (titles, field lines, ruled tables, paragraphs) and its
// placement on the page, which yields the exact text of every printed line in reading order.
#include <QColor>
#include <QFont>
#include <QLineF>
#include <QPainter>
#include <QPointF>
#include <QString>

#include <random>
#include <string>
#include <variant>
#include <vector>

namespace xueji::testing::heldout {

// ---------------------------------------------------------------------------------------------
// Fonts. None of them is used by the tune pages (Noto Sans CJK SC, WenQuanYi Micro Hei).

struct Face {
  const char* family;
  QFont::Weight weight;
  const char* style;  // as fontconfig names it, for the truth
  std::string name() const { return std::string(family) + " " + style; }
  bool operator==(const Face& o) const { return std::string(family) == o.family && weight == o.weight; }
};
struct Faces {
  Face title, label, value;
};

void load_fonts();                          // throws when a font file is missing
QFont make_font(const Face& face, double px);
void check_covers(const Face& face, const QString& text);  // throws on a missing glyph
Faces pick_faces(std::mt19937& rng);

// ---------------------------------------------------------------------------------------------
// A document: blocks from top to bottom, each producing its printed lines in reading order.

enum class Role { Title, Label, Value };
enum class Align { Left, Centre, Right };

struct Span {
  std::string text;
  Role role = Role::Value;
  bool gap = false;  // a wide space between fields: drawn as space, "　" in the truth
};
struct Line {
  std::vector<Span> spans;
  Align align = Align::Left;
};
struct Title {
  std::string text;
  Align align = Align::Centre;
  int rules = 0;  // rules under the title across the text area: 0, 1, 2
};
struct Cell {
  std::string text;
  Role role = Role::Value;
  int span = 1;
};
struct TableRow {
  std::vector<Cell> cells;
  bool labels_above = false;  // a low row of labels over the values of the next row
};
enum class Ruling { Grid, ThreeLine };
struct Table {
  std::vector<double> weights;  // column widths, relative
  std::vector<TableRow> rows;
  double width = 1;             // fraction of the text area
  Ruling ruling = Ruling::Grid;
  bool centre = false;          // cells centred instead of left-aligned
  bool photo_box = false;       // an empty photo frame right of the table
};
struct Paragraph {
  std::string label;          // "" : none
  bool label_inline = false;  // "评语：" starts the first line instead of standing alone
  std::vector<std::string> sentences;
  bool flow = false;          // sentences run on; otherwise each starts a line
  double first_indent = 0;    // em, first line of each run
  double left_indent = 0;     // em
  double width = 1;           // fraction of the text area
  bool boxed = false;         // inside a ruled frame
};
using Block = std::variant<Title, Line, Table, Paragraph>;
using Document = std::vector<Block>;

inline const Face& face_of(const Faces& faces, Role r) {
  return r == Role::Title ? faces.title : r == Role::Label ? faces.label : faces.value;
}

// ---------------------------------------------------------------------------------------------
// Placing a document on the page: positions of every text and rule, and the truth lines.

struct Style {
  double title_px = 80, label_px = 48, value_px = 48;
  double row_factor = 2;    // table row height / text size
  double line_factor = 1.7; // paragraph line pitch / text size
  double gap_factor = 1.4;  // space after a block / text size
  int left = 200, right = 2280, top = 200, bottom = 3300;  // the text area
  int rule_px = 3;
  QColor label_ink, value_ink, rule_ink;
};

struct TextOp {
  QPointF origin;  // baseline start
  Role role;
  double px;
  QString text;
};
struct RuleOp {
  QLineF line;
  double width;
};
struct Plan {
  std::vector<TextOp> texts;
  std::vector<RuleOp> rules;
  std::vector<std::string> truth;
  double bottom = 0;          // lowest point used
  double last_text_y = 0;     // middle of the last printed line
  double scale = 1;           // of the style's sizes, to fit the page
  double left = 0, right = 0; // the text area used
};

Plan plan_document(const Document& doc, Style st, const Faces& faces, double skew_deg, int W, int H);
// Draws the rules, then the texts (checking every glyph against its face).
void draw_plan(QPainter& p, const Plan& plan, const Style& st, const Faces& faces);

}  // namespace xueji::testing::heldout
