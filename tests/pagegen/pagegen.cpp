#include "tests/pagegen/pagegen.h"

#include <QFont>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/pagegen/heldout_layouts.h"
#include "tests/pagegen/pagegen_internal.h"

namespace xueji::testing {
namespace detail {

QGuiApplication* ensure_app() {
  if (auto* app = qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return app;
  qputenv("QT_QPA_PLATFORM", "offscreen");
  static int argc = 1;
  static char name[] = "xueji-pagegen";
  static char* argv[] = {name, nullptr};
  // Never destroyed: Qt's own statics are gone by the time exit handlers run.
  static auto* app = new QGuiApplication(argc, argv);
  return app;
}

cv::Mat qimage_to_mat(const QImage& img) {
  QImage rgb = img.convertToFormat(QImage::Format_RGB888);
  cv::Mat m(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
            static_cast<size_t>(rgb.bytesPerLine()));
  cv::Mat bgr;
  cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace detail

namespace {

using detail::ensure_app;
using detail::pick;
using detail::qimage_to_mat;
using detail::randint;

QString font_family(const std::string& which) {
  static QString noto, wqy, babel;
  if (noto.isEmpty()) {
    for (const char* f : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                          "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                          "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"})
      // a missing face would fall back silently, perhaps to one of the test set's
      if (QFontDatabase::addApplicationFont(f) < 0)
        throw std::runtime_error(std::string("test-page font missing: ") + f + " (scripts/install-deps.sh installs it)");
    noto = "Noto Sans CJK SC";
    wqy = "WenQuanYi Micro Hei";
    babel = "BabelStone Han";  // a Song face only the stress set uses (the test set has none of these)
  }
  return which == "wqy" ? wqy : which == "babel" ? babel : noto;
}

const std::vector<std::string> kSurnames = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴",
                                            "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳",
                                         "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
                                         "刚", "桂英", "晓东", "思远", "雨萱", "子涵", "浩然", "欣怡"};
const std::vector<std::string> kEthnic = {"汉族", "汉族", "汉族", "回族", "满族", "壮族", "苗族"};
const std::vector<std::string> kPlaces = {"北京市海淀区", "河北省保定市", "山东省济南市", "江苏省南京市",
                                          "浙江省杭州市", "四川省成都市", "湖北省武汉市", "陕西省西安市"};
const std::vector<std::string> kSchools = {"北京市第一中学", "海淀区实验中学", "育才中学", "第二十三中学",
                                           "东城区光明小学", "南京市金陵中学"};
const std::vector<std::string> kComments = {
    "该生学习态度端正，上课认真听讲，积极回答问题。",
    "热爱集体，团结同学，乐于助人，积极参加各项活动。",
    "遵守学校纪律，尊敬师长，待人有礼貌。",
    "学习成绩优秀，尤其在数学和物理方面表现突出。",
    "能够独立思考，善于发现问题并提出自己的见解。",
    "担任班级学习委员，工作认真负责，深受同学信赖。",
    "体育锻炼积极，在校运动会上获得跳远第二名。",
    "作业书写工整，按时完成，希望今后继续努力。",
    "性格开朗，兴趣广泛，喜爱阅读和绘画。",
    "在语文学习上还需加强，多读多写，提高表达能力。",
    "关心班级事务，主动打扫卫生，劳动态度好。",
    "参加市级英语演讲比赛获得三等奖。",
    "课堂纪律有待加强，望今后严格要求自己。",
    "能正确认识自己的不足，不断改进学习方法。",
    "综合素质评价为优秀，准予毕业。",
};
const std::vector<std::string> kSubjects = {"语文", "数学", "英语", "物理", "化学",
                                            "生物", "历史", "地理", "政治", "体育"};

std::string id_check(const std::string& first17) {
  static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char t[] = "10X98765432";
  int s = 0;
  for (int i = 0; i < 17; ++i) s += (first17[static_cast<size_t>(i)] - '0') * w[i];
  return first17 + t[s % 11];
}

struct Row {
  std::vector<std::string> cells;
};

struct Layout {
  std::string title, subtitle;
  std::vector<Row> table;           // first row may be a header
  std::vector<double> col_weights;  // relative widths
  std::string paragraph_label;      // e.g. 评语
  std::vector<std::string> paragraph;
};

Layout make_layout(PageKind kind, const StudentInfo& s, std::mt19937& rng) {
  Layout l;
  const std::string school = pick(rng, kSchools);
  l.title = school + kind_name(kind);
  l.subtitle = "年级：" + s.grade + "　班级：" + s.class_name + "　学籍号：" + s.id;
  auto comments = [&](int n) {
    std::vector<std::string> out;
    std::vector<std::string> pool = kComments;
    std::shuffle(pool.begin(), pool.end(), rng);
    for (int i = 0; i < n; ++i) out.push_back(pool[static_cast<size_t>(i)]);
    return out;
  };
  switch (kind) {
    case PageKind::StudentCard:
      l.col_weights = {1, 1.6, 1, 1.6};
      l.table = {{{"姓名", s.name, "性别", s.gender}},
                 {{"出生日期", s.birth_date, "民族", s.ethnicity}},
                 {{"籍贯", s.native_place, "身份证号", s.id_number}},
                 {{"入学年份", s.grade, "班级", s.class_name}},
                 {{"家庭住址", s.native_place + std::to_string(randint(rng, 1, 99)) + "号", "联系电话",
                   "13" + std::to_string(randint(rng, 100000000, 999999999))}}};
      l.paragraph_label = "备注";
      l.paragraph = comments(2);
      break;
    case PageKind::Transcript: {
      l.col_weights = {1.2, 1, 1, 1};
      l.table.push_back({{"科目", "上学期", "下学期", "总评"}});
      for (int i = 0; i < 8; ++i) {
        int a = randint(rng, 60, 100), b = randint(rng, 60, 100);
        l.table.push_back({{kSubjects[static_cast<size_t>(i)], std::to_string(a), std::to_string(b),
                            std::to_string((a + b) / 2)}});
      }
      l.paragraph_label = "评语";
      l.paragraph = comments(2);
      break;
    }
    case PageKind::HealthForm:
      l.col_weights = {1, 1, 1, 1};
      l.table = {{{"姓名", s.name, "性别", s.gender}},
                 {{"身高", std::to_string(randint(rng, 140, 185)) + "厘米", "体重",
                   std::to_string(randint(rng, 35, 80)) + "公斤"}},
                 {{"左眼视力", "4." + std::to_string(randint(rng, 5, 9)), "右眼视力",
                   "4." + std::to_string(randint(rng, 5, 9))}},
                 {{"肺活量", std::to_string(randint(rng, 1800, 4500)), "心率",
                   std::to_string(randint(rng, 60, 95)) + "次"}},
                 {{"检查日期", "2015年9月" + std::to_string(randint(rng, 1, 28)) + "日", "结论", "健康"}}};
      l.paragraph_label = "医生意见";
      l.paragraph = {"发育正常，各项指标均在正常范围内。", "建议加强体育锻炼，注意用眼卫生。"};
      break;
    case PageKind::AwardRecord:
      l.col_weights = {1, 2.2, 1.4};
      l.table.push_back({{"时间", "奖惩名称", "授予单位"}});
      for (int i = 0; i < 4; ++i)
        l.table.push_back({{std::to_string(2012 + i) + "年" + std::to_string(randint(rng, 1, 12)) + "月",
                            pick(rng, std::vector<std::string>{"三好学生", "优秀学生干部", "数学竞赛一等奖",
                                                               "作文比赛二等奖", "运动会跳远第一名", "优秀团员"}),
                            pick(rng, kSchools)}});
      l.paragraph_label = "说明";
      l.paragraph = comments(1);
      break;
    case PageKind::GraduateForm:
      l.col_weights = {1, 1.6, 1, 1.6};
      l.table = {{{"姓名", s.name, "性别", s.gender}},
                 {{"出生日期", s.birth_date, "民族", s.ethnicity}},
                 {{"毕业学校", school, "毕业年份", "2018"}}};
      l.paragraph_label = "班主任评语";
      l.paragraph = comments(4);
      break;
  }
  return l;
}

// Splits a UTF-8 string into lines of at most `n` characters.
std::vector<std::string> wrap(const std::string& s, int n) {
  QString q = QString::fromStdString(s);
  std::vector<std::string> out;
  for (qsizetype i = 0; i < q.size(); i += n) out.push_back(q.mid(i, n).toStdString());
  return out;
}

}  // namespace

const char* kind_name(PageKind k) {
  switch (k) {
    case PageKind::StudentCard: return "学籍卡";
    case PageKind::Transcript: return "成绩单";
    case PageKind::HealthForm: return "体检表";
    case PageKind::AwardRecord: return "奖惩记录";
    case PageKind::GraduateForm: return "毕业生登记表";
  }
  return "?";
}

const char* set_name(PageSet s) { return s == PageSet::Test ? "test" : s == PageSet::Stress ? "stress" : "tune"; }

PlacedPage render_placed_words(const std::vector<PlacedWord>& words, double rotate_deg, double dpi) {
  ensure_app();
  const int W = static_cast<int>(std::lround(210 / 25.4 * dpi)), H = static_cast<int>(std::lround(297 / 25.4 * dpi));
  PlacedPage out;
  std::vector<cv::Mat> masks;
  QImage img(W, H, QImage::Format_RGB32);
  img.fill(QColor(250, 250, 248));
  {
    QPainter p(&img);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.setPen(QColor(20, 20, 20));
    for (const PlacedWord& w : words) {
      QFont f(font_family("noto"));
      f.setPixelSize(w.pixel_size);
      p.setFont(f);
      p.drawText(QRect(w.x, w.y, W - w.x, w.pixel_size * 2), Qt::AlignLeft | Qt::AlignTop, QString::fromStdString(w.text));
      // The word's own ink: drawn alone on a mask the same way.
      QImage mask(W, H, QImage::Format_Grayscale8);
      mask.fill(0);
      QPainter m(&mask);
      m.setPen(QColor(255, 255, 255));
      m.setFont(f);
      m.drawText(QRect(w.x, w.y, W - w.x, w.pixel_size * 2), Qt::AlignLeft | Qt::AlignTop, QString::fromStdString(w.text));
      m.end();
      masks.push_back(cv::Mat(H, W, CV_8U, const_cast<uchar*>(mask.constBits()), static_cast<size_t>(mask.bytesPerLine())).clone());
    }
  }
  out.image = qimage_to_mat(img);
  if (rotate_deg != 0) {
    const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(W / 2.0f, H / 2.0f), rotate_deg, 1.0);
    cv::warpAffine(out.image, out.image, r, out.image.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(248, 250, 250));
    for (cv::Mat& m : masks) cv::warpAffine(m, m, r, m.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
  }
  for (const cv::Mat& m : masks) {
    std::vector<cv::Point> ink;
    cv::findNonZero(m > 64, ink);
    out.boxes.push_back(cv::boundingRect(ink));
  }
  return out;
}

StudentInfo random_student(unsigned seed, PageSet set) {
  if (set == PageSet::Test) return heldout::student(seed);
  std::mt19937 rng(seed * 7919u + 17u);
  StudentInfo s;
  s.name = pick(rng, kSurnames) + pick(rng, kGiven);
  if (randint(rng, 0, 2) == 0) s.name += pick(rng, kGiven);
  s.gender = randint(rng, 0, 1) ? "男" : "女";
  const int y = randint(rng, 2000, 2012), m = randint(rng, 1, 12), d = randint(rng, 1, 28);
  char date[16], compact[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
  std::snprintf(compact, sizeof compact, "%04d%02d%02d", y, m, d);
  s.birth_date = date;
  const std::string area = pick(rng, std::vector<std::string>{"110108", "130602", "370102", "320106", "330106"});
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", randint(rng, 1, 999));
  s.id_number = id_check(area + compact + seq);
  s.id = "G" + s.id_number;
  s.ethnicity = pick(rng, kEthnic);
  s.native_place = pick(rng, kPlaces);
  s.grade = std::to_string(y + 7) + "级";
  s.class_name = std::to_string(randint(rng, 1, 12)) + "班";
  return s;
}

std::vector<PageSpec> stress_specs(unsigned seed, int count);

std::vector<PageSpec> mixed_specs(unsigned seed, int count, PageSet set) {
  if (set == PageSet::Test) return heldout::mixed_specs(seed, count);
  if (set == PageSet::Stress) return stress_specs(seed, count);
  std::mt19937 rng(seed);
  std::vector<PageSpec> out;
  for (int i = 0; i < count; ++i) {
    PageSpec s;
    s.seed = seed * 1000u + static_cast<unsigned>(i);
    s.kind = static_cast<PageKind>(i % 5);
    s.student = random_student(s.seed);
    Degradation& d = s.degrade;
    d.skew_deg = std::uniform_real_distribution<double>(-8, 8)(rng);
    if (randint(rng, 0, 9) == 0) d.skew_deg = std::uniform_real_distribution<double>(-20, 20)(rng);
    d.orientation = randint(rng, 0, 5) == 0 ? 90 * randint(rng, 1, 3) : 0;
    d.border_px = randint(rng, 0, 2) == 0 ? randint(rng, 20, 120) : 0;
    d.noise_sigma = randint(rng, 0, 2) == 0 ? std::uniform_real_distribution<double>(2, 10)(rng) : 0;
    d.blur_sigma = randint(rng, 0, 3) == 0 ? std::uniform_real_distribution<double>(0.5, 1.2)(rng) : 0;
    d.jpeg_quality = randint(rng, 0, 1) ? randint(rng, 60, 95) : 0;
    d.uneven_light = randint(rng, 0, 3) == 0 ? std::uniform_real_distribution<double>(0.1, 0.35)(rng) : 0;
    d.red_seal = randint(rng, 0, 2) == 0;
    d.punch_holes = randint(rng, 0, 3) == 0;
    d.blank = randint(rng, 0, 14) == 0;
    s.font = randint(rng, 0, 1) ? "noto" : "wqy";
    out.push_back(s);
  }
  return out;
}

// The stress set: tune layouts with the hard cases drawn from ranges of their own, none the test
// set's (heldout_layouts.cpp): ink faded to 15-25 % or 45-60 % (test: 25-45 %), half of those
// pages with a dark scanner border; seals of darker, bluer reds (red 150-184, green 30-80, blue
// 40-100; test: 185-230 / 15-70 / 25-75) that fade with the page; faded pages noisy (sigma
// 2-5.5 or 16.5-20), soft (blur 0.6-1.1, or 2.1-2.5) and JPEG-compressed (61-72); blank pages with the other
// side shining through at 6-11 or 29-34 gray levels (test: 12-28); a Song face (BabelStone Han)
// beside the tune set's two sans faces.
std::vector<PageSpec> stress_specs(unsigned seed, int count) {
  std::mt19937 rng(seed ^ 0x5f3759dfu);
  std::vector<PageSpec> out;
  for (int i = 0; i < count; ++i) {
    PageSpec s;
    s.set = PageSet::Stress;
    s.seed = seed * 1000u + static_cast<unsigned>(i);
    s.kind = static_cast<PageKind>(i % 5);
    s.student = random_student(s.seed);
    Degradation& d = s.degrade;
    d.skew_deg = std::uniform_real_distribution<double>(-6, 6)(rng);
    d.orientation = randint(rng, 0, 4) == 0 ? 90 * randint(rng, 1, 3) : 0;
    d.noise_sigma = randint(rng, 0, 2) == 0 ? std::uniform_real_distribution<double>(2, 6)(rng) : 0;
    d.jpeg_quality = randint(rng, 0, 1) ? randint(rng, 65, 92) : 0;
    d.uneven_light = randint(rng, 0, 3) == 0 ? std::uniform_real_distribution<double>(0.1, 0.3)(rng) : 0;
    d.red_seal = randint(rng, 0, 1) == 0;
    d.punch_holes = randint(rng, 0, 3) == 0;
    d.blank = randint(rng, 0, 7) == 0;
    if (d.blank) d.bleed_through = randint(rng, 0, 1) ? randint(rng, 6, 11) : randint(rng, 29, 34);
    if (!d.blank && randint(rng, 0, 2) == 0) {
      d.ink_strength = randint(rng, 0, 1) ? std::uniform_real_distribution<double>(0.15, 0.25)(rng)
                                           : std::uniform_real_distribution<double>(0.45, 0.6)(rng);
      if (randint(rng, 0, 1)) d.border_px = randint(rng, 20, 120);
      // faded print is also the worn, soft, noisy scan, in ranges beside the test set's (test:
      // noise 6-16, blur 1.2-2, JPEG 30-60)
      d.noise_sigma = randint(rng, 0, 2) ? std::uniform_real_distribution<double>(2, 5.5)(rng)
                                         : std::uniform_real_distribution<double>(16.5, 20)(rng);
      const int b = randint(rng, 0, 3);
      d.blur_sigma = b < 2 ? std::uniform_real_distribution<double>(0.6, 1.1)(rng)
                     : b == 2 ? std::uniform_real_distribution<double>(2.1, 2.5)(rng) : 0;
      d.jpeg_quality = randint(rng, 0, 1) ? randint(rng, 61, 72) : 0;
    }
    s.font = std::vector<std::string>{"noto", "wqy", "babel"}[static_cast<size_t>(randint(rng, 0, 2))];
    out.push_back(s);
  }
  return out;
}

namespace {

// The other side of the sheet shining through: its lines drawn mirrored, blurred by the paper,
// darkening it by up to `levels` gray levels.
void add_bleed_through(QImage& img, int levels, const QString& family, std::mt19937& rng, double scale) {
  QImage back(img.width(), img.height(), QImage::Format_Grayscale8);
  back.fill(0);
  {
    QPainter p(&back);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.setPen(QColor(255, 255, 255));
    QFont f(family);
    f.setPixelSize(static_cast<int>(50 * scale));
    p.setFont(f);
    for (int i = 0; i < 14; ++i)
      p.drawText(QRect(static_cast<int>(260 * scale), static_cast<int>((420 + 170 * i) * scale),
                       static_cast<int>(1960 * scale), static_cast<int>(80 * scale)),
                 Qt::AlignLeft, QString::fromStdString(pick(rng, kComments)));
  }
  back = back.mirrored(true, false);
  cv::Mat mask(back.height(), back.width(), CV_8U, back.bits(), static_cast<size_t>(back.bytesPerLine()));
  cv::GaussianBlur(mask, mask, cv::Size(), 2.5 * scale);
  cv::Mat page(img.height(), img.width(), CV_8UC4, img.bits(), static_cast<size_t>(img.bytesPerLine()));
  for (int y = 0; y < page.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    cv::Vec4b* q = page.ptr<cv::Vec4b>(y);
    for (int x = 0; x < page.cols; ++x)
      for (int c = 0; c < 3; ++c) q[x][c] = cv::saturate_cast<uchar>(q[x][c] - levels * m[x] / 255.0);
  }
}

// Ink faded towards the paper: every pixel keeps `strength` of its difference from the paper.
void fade_towards(QImage& img, const QColor& paper, double strength) {
  cv::Mat page(img.height(), img.width(), CV_8UC4, img.bits(), static_cast<size_t>(img.bytesPerLine()));
  const double ref[3] = {double(paper.blue()), double(paper.green()), double(paper.red())};
  for (int y = 0; y < page.rows; ++y) {
    cv::Vec4b* q = page.ptr<cv::Vec4b>(y);
    for (int x = 0; x < page.cols; ++x)
      for (int c = 0; c < 3; ++c) q[x][c] = cv::saturate_cast<uchar>(ref[c] + strength * (q[x][c] - ref[c]));
  }
}

}  // namespace

GeneratedPage generate_page(const PageSpec& spec) {
  if (spec.set == PageSet::Test) return heldout::generate_page(spec);
  ensure_app();
  std::mt19937 rng(spec.seed);
  const double scale = spec.dpi / 300.0;
  const int W = static_cast<int>(2480 * scale), H = static_cast<int>(3508 * scale);
  auto px = [&](double v) { return static_cast<int>(v * scale); };
  const QColor paper(randint(rng, 240, 252), randint(rng, 238, 250), randint(rng, 230, 245));
  QImage img(W, H, QImage::Format_RGB32);
  img.fill(paper);
  GeneratedPage out;
  std::vector<std::string> lines;
  {
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const QString family = font_family(spec.font.empty() ? (spec.seed % 2 ? "wqy" : "noto") : spec.font);
    const QColor ink(randint(rng, 10, 40), randint(rng, 10, 40), randint(rng, 10, 40));
    p.setPen(ink);
    auto set_font = [&](int pixel) {
      QFont f(family);
      f.setPixelSize(pixel);
      p.setFont(f);
    };
    auto draw = [&](const QRect& r, int flags, const std::string& s) {
      QRect used;
      p.drawText(r, flags, QString::fromStdString(s), &used);
    };
    if (spec.degrade.blank && spec.degrade.bleed_through > 0) {
      // drawn below, over the whole sheet
    } else if (spec.degrade.blank) {
      // Faint bleed-through of the other side: very light mirrored text.
      p.setPen(QColor(paper.red() - 10, paper.green() - 10, paper.blue() - 10));
      set_font(px(48));
      for (int i = 0; i < 6; ++i)
        p.drawText(QRect(px(300), px(600 + 300 * i), px(1900), px(80)), Qt::AlignLeft,
                   QString::fromStdString(pick(rng, kComments)));
    } else {
      Layout l = make_layout(spec.kind, spec.student, rng);
      const int left = px(randint(rng, 180, 260)), right = W - px(randint(rng, 180, 260));
      int y = px(randint(rng, 200, 300));
      set_font(px(84));
      draw(QRect(left, y, right - left, px(120)), Qt::AlignHCenter | Qt::AlignVCenter, l.title);
      lines.push_back(l.title);
      y += px(170);
      set_font(px(46));
      draw(QRect(left, y, right - left, px(70)), Qt::AlignLeft | Qt::AlignVCenter, l.subtitle);
      lines.push_back(l.subtitle);
      y += px(110);
      // The table.
      const int row_h = px(125), text_px = px(randint(rng, 48, 56));
      double wsum = 0;
      for (double w : l.col_weights) wsum += w;
      std::vector<int> xs = {left};
      for (double w : l.col_weights) xs.push_back(xs.back() + static_cast<int>((right - left) * w / wsum));
      xs.back() = right;
      QPen grid(ink, std::max(2, px(4)));
      set_font(text_px);
      for (size_t r = 0; r < l.table.size(); ++r) {
        const int top = y + static_cast<int>(r) * row_h;
        std::string line;
        for (size_t c = 0; c < l.table[r].cells.size() && c + 1 < xs.size(); ++c) {
          const std::string& cell = l.table[r].cells[c];
          p.setPen(ink);
          draw(QRect(xs[c] + px(24), top, xs[c + 1] - xs[c] - px(36), row_h), Qt::AlignLeft | Qt::AlignVCenter, cell);
          line += (line.empty() ? "" : " ") + cell;
        }
        lines.push_back(line);
      }
      const int table_bottom = y + static_cast<int>(l.table.size()) * row_h;
      p.setPen(grid);
      for (size_t r = 0; r <= l.table.size(); ++r) p.drawLine(left, y + static_cast<int>(r) * row_h, right, y + static_cast<int>(r) * row_h);
      for (int x : xs) p.drawLine(x, y, x, table_bottom);
      y = table_bottom + px(90);
      // The paragraph.
      p.setPen(ink);
      set_font(text_px);
      draw(QRect(left, y, right - left, px(80)), Qt::AlignLeft | Qt::AlignVCenter, l.paragraph_label + "：");
      lines.push_back(l.paragraph_label + "：");
      y += px(100);
      const int chars_per_line = static_cast<int>((right - left - px(100)) / (text_px * 1.05));
      for (const std::string& sentence : l.paragraph)
        for (const std::string& piece : wrap(sentence, chars_per_line)) {
          draw(QRect(left + px(100), y, right - left - px(100), px(80)), Qt::AlignLeft | Qt::AlignVCenter, piece);
          lines.push_back(piece);
          y += px(95);
        }
      // A red seal over the last lines of text.
      if (spec.degrade.red_seal) {
        const QPoint c(left + px(randint(rng, 600, 1200)), y - px(randint(rng, 60, 220)));
        const bool stress = spec.set == PageSet::Stress;
        const int r = stress ? px(randint(rng, 150, 260)) : px(randint(rng, 160, 200));
        QColor red = stress ? QColor(randint(rng, 150, 184), randint(rng, 30, 80), randint(rng, 40, 100), randint(rng, 200, 250))
                            : QColor(randint(rng, 200, 235), randint(rng, 20, 60), randint(rng, 20, 60), 220);
        QFont seal_font(family);
        seal_font.setPixelSize(stress ? px(randint(rng, 38, 54)) : px(44));
        detail::draw_seal(p, c, r, red, seal_font, stress ? px(randint(rng, 8, 16)) : px(12), px(60));
        out.truth["seal_center"] = {c.x(), c.y()};
      }
    }
  }
  // The ink of the document itself (text, rules, seal), before holes and dust: the truth for
  // the content box, carried through the same geometric transforms as the page.
  cv::Mat ink = detail::ink_mask(img, paper, 40);
  if (spec.degrade.ink_strength < 1) fade_towards(img, paper, spec.degrade.ink_strength);
  if (spec.degrade.blank && spec.degrade.bleed_through > 0)
    add_bleed_through(img, spec.degrade.bleed_through, font_family(spec.font.empty() ? "noto" : spec.font), rng, scale);
  detail::finish_page(img, ink, paper, spec, rng, lines, out);
  if (spec.set == PageSet::Stress) {
    out.truth["set"] = set_name(spec.set);
    out.truth["faded"] = spec.degrade.ink_strength < 1;
    out.truth["ink_strength"] = spec.degrade.ink_strength;
    out.truth["bleed_through"] = spec.degrade.bleed_through;
    out.truth["font"] = spec.font;
  }
  return out;
}

namespace detail {

void draw_seal(QPainter& p, QPoint c, int r, const QColor& red, const QFont& text_font, int pen_px,
               int text_height_px) {
  p.setCompositionMode(QPainter::CompositionMode_Multiply);
  p.setPen(QPen(red, pen_px));
  p.setBrush(Qt::NoBrush);
  p.drawEllipse(c, r, r);
  QPainterPath star;
  for (int k = 0; k < 10; ++k) {
    const double a = -M_PI / 2 + k * M_PI / 5, rr = (k % 2 ? 0.38 : 0.95) * r * 0.4;
    QPointF pt(c.x() + rr * std::cos(a), c.y() + rr * std::sin(a));
    if (k == 0) star.moveTo(pt); else star.lineTo(pt);
  }
  star.closeSubpath();
  p.fillPath(star, red);
  p.setPen(red);
  p.setFont(text_font);
  p.drawText(QRect(c.x() - r, c.y() + r / 3, 2 * r, text_height_px), Qt::AlignHCenter, "学籍专用章");
  p.setCompositionMode(QPainter::CompositionMode_SourceOver);
}

cv::Mat ink_mask(const QImage& img, const QColor& paper, int delta) {
  cv::Mat gray, ink;
  cv::cvtColor(qimage_to_mat(img), gray, cv::COLOR_BGR2GRAY);
  const int paper_gray = (paper.red() + paper.green() + paper.blue()) / 3;
  cv::threshold(gray, ink, paper_gray - delta, 255, cv::THRESH_BINARY_INV);
  return ink;
}

void finish_page(QImage& img, cv::Mat ink, const QColor& paper, const PageSpec& spec,
                 std::mt19937& rng, const std::vector<std::string>& lines, GeneratedPage& out) {
  const double scale = spec.dpi / 300.0;
  const int W = img.width(), H = img.height();
  auto px = [&](double v) { return static_cast<int>(v * scale); };
  {
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    if (spec.degrade.punch_holes) {
      p.setPen(Qt::NoPen);
      p.setBrush(QColor(35, 35, 35));
      for (int k : {-1, 1}) p.drawEllipse(QPoint(px(95), H / 2 + k * px(400)), px(42), px(42));
    }
    // Specks of dust.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(90, 90, 90));
    for (int i = 0; i < 12; ++i) p.drawEllipse(QPoint(randint(rng, 0, W), randint(rng, 0, H)), 2, 2);
  }

  cv::Mat m = qimage_to_mat(img);
  const cv::Scalar paper_bgr(paper.blue(), paper.green(), paper.red());
  const Degradation& d = spec.degrade;
  if (d.skew_deg != 0) {
    cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(W / 2.f, H / 2.f), d.skew_deg, 1.0);
    cv::warpAffine(m, m, r, m.size(), cv::INTER_CUBIC, cv::BORDER_CONSTANT, paper_bgr);
    cv::warpAffine(ink, ink, r, ink.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, 0);
  }
  if (d.orientation) {
    const int code = d.orientation == 90 ? cv::ROTATE_90_CLOCKWISE
                     : d.orientation == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE;
    cv::rotate(m, m, code);
    cv::rotate(ink, ink, code);
  }
  if (d.uneven_light > 0) {
    cv::Mat f(m.size(), CV_32F);
    if (d.light_spot) {  // brightest at 40 % across, 35 % down; darkest in the farthest corner
      const double cx = 0.4 * m.cols, cy = 0.35 * m.rows, far = std::hypot(0.6 * m.cols, 0.65 * m.rows);
      for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
          const double r = std::hypot(x - cx, y - cy) / far;
          f.at<float>(y, x) = static_cast<float>(1.0 - d.uneven_light * r * r);
        }
    } else {
      for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x)
          f.at<float>(y, x) = static_cast<float>(1.0 - d.uneven_light * (0.6 * x / m.cols + 0.4 * y / m.rows));
    }
    cv::Mat mf;
    m.convertTo(mf, CV_32FC3);
    std::vector<cv::Mat> ch;
    cv::split(mf, ch);
    for (auto& c : ch) c = c.mul(f);
    cv::merge(ch, mf);
    mf.convertTo(m, CV_8UC3);
  }
  const cv::Rect paper_rect(d.border_px, d.border_px, m.cols, m.rows);
  if (d.border_px > 0) {
    const int v = randint(rng, 15, 45);
    cv::copyMakeBorder(m, m, d.border_px, d.border_px, d.border_px, d.border_px, cv::BORDER_CONSTANT,
                       cv::Scalar(v, v, v));
    cv::copyMakeBorder(ink, ink, d.border_px, d.border_px, d.border_px, d.border_px, cv::BORDER_CONSTANT, 0);
  }
  if (d.blur_sigma > 0) cv::GaussianBlur(m, m, cv::Size(), d.blur_sigma);
  if (d.noise_sigma > 0) {
    cv::Mat noise(m.size(), CV_16SC3);
    cv::theRNG().state = spec.seed;
    cv::randn(noise, 0, d.noise_sigma);
    cv::Mat m16;
    m.convertTo(m16, CV_16SC3);
    m16 += noise;
    m16.convertTo(m, CV_8UC3);
  }
  out.image = m;
  for (const auto& l : lines) out.text += l + "\n";
  nlohmann::json& t = out.truth;
  t["kind"] = kind_name(spec.kind);
  t["seed"] = spec.seed;
  t["text"] = out.text;
  t["student"] = {{"id", spec.student.id}, {"name", spec.student.name}};
  t["skew_deg"] = d.skew_deg;
  t["orientation"] = d.orientation;
  t["blank"] = d.blank;
  t["seal"] = d.red_seal && !d.blank;
  t["border_px"] = d.border_px;
  t["paper_bbox"] = {paper_rect.x, paper_rect.y, paper_rect.width, paper_rect.height};
  t["dpi"] = spec.dpi;
  t["jpeg_quality"] = d.jpeg_quality;
  t["noise_sigma"] = d.noise_sigma;
  t["blur_sigma"] = d.blur_sigma;
  t["uneven_light"] = d.uneven_light;
  t["punch_holes"] = d.punch_holes;
  const cv::Rect box = d.blank ? cv::Rect() : cv::boundingRect(ink);
  if (box.area() == 0) t["content_bbox"] = nullptr;
  else t["content_bbox"] = {box.x, box.y, box.width, box.height};
}

}  // namespace detail

std::string write_page(const GeneratedPage& page, const PageSpec& spec, const std::string& dir,
                       const std::string& stem) {
  std::filesystem::create_directories(dir);
  const std::string base = (std::filesystem::path(dir) / stem).string();
  std::string image_path;
  if (spec.degrade.jpeg_quality > 0) {
    image_path = base + ".jpg";
    cv::imwrite(image_path, page.image, {cv::IMWRITE_JPEG_QUALITY, spec.degrade.jpeg_quality});
  } else {
    image_path = base + ".png";
    cv::imwrite(image_path, page.image, {cv::IMWRITE_PNG_COMPRESSION, 6});
  }
  std::ofstream(base + ".txt") << page.text;
  std::ofstream(base + ".json") << page.truth.dump(2) << "\n";
  return image_path;
}

}  // namespace xueji::testing
