#include "tests/pagegen/heldout_layouts.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "tests/pagegen/heldout_typeset.h"
#include "tests/pagegen/pagegen_internal.h"

namespace xueji::testing::heldout {
namespace {

using detail::pick;
using detail::randint;
using detail::uniform;

// Seeds of test pages are salted so that a test page never repeats the random draws of the
// tune page with the same seed.
constexpr unsigned kSalt = 0x9e3779b9u;

// ---------------------------------------------------------------------------------------------
// Vocabulary the tune pages never use.

const std::vector<std::string> kSurnames = {"郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
                                            "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢",
                                            "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "余", "潘", "钟"};
const std::vector<std::string> kGiven = {"梓萱", "一鸣", "佳怡", "宇轩", "诗涵", "俊杰", "欣然", "博文",
                                         "雅琪", "天佑", "思彤", "家豪", "若曦", "文博", "紫涵", "昊天",
                                         "嘉怡", "志强", "晨阳", "梦瑶", "鑫", "婷", "鹏", "琳", "昕", "悦"};
const std::vector<std::string> kPlaces = {"广东省广州市", "湖南省长沙市", "河南省郑州市", "福建省厦门市",
                                          "辽宁省沈阳市", "安徽省合肥市", "重庆市渝中区", "云南省昆明市",
                                          "山西省太原市", "吉林省长春市", "江西省南昌市", "贵州省贵阳市"};
const std::vector<std::string> kEthnic = {"汉族", "汉族", "汉族", "汉族", "土家族", "蒙古族", "彝族", "侗族", "朝鲜族"};
const std::vector<std::string> kSchools = {"朝阳区第八十中学", "上海市向明中学", "天津市耀华中学",
                                           "广州市执信中学", "成都市石室中学", "西安市铁一中学",
                                           "武汉市第二中学", "杭州市学军中学", "长沙市雅礼中学", "郑州外国语学校"};
const std::vector<std::string> kRoads = {"人民路", "解放路", "中山路", "建设路", "和平街", "青年路", "胜利街", "文化路"};
const std::vector<std::string> kComments = {
    "该生思想上进，能严格要求自己，各方面表现良好。",
    "学习目标明确，刻苦钻研，成绩稳步提高。",
    "积极参加社会实践活动，具有较强的组织协调能力。",
    "爱护公物，节约粮食，养成了良好的生活习惯。",
    "课外阅读面广，写作能力较强，多次在校刊上发表文章。",
    "动手能力强，在科技创新大赛中获得区级奖励。",
    "为人诚实守信，与同学相处融洽，乐于分享学习经验。",
    "希望今后在英语口语方面多下功夫，大胆开口表达。",
    "上课偶尔走神，需要进一步端正学习态度。",
    "身体素质好，是校篮球队的主力队员。",
    "担任团支部书记期间，组织开展了多次主题团日活动。",
    "做事踏实认真，有始有终，值得同学们学习。",
    "对待值日工作一丝不苟，教室环境整洁有序。",
    "数学思维灵活，解题方法新颖，常有独到见解。",
    "热心公益，寒暑假期间多次参加社区志愿服务。",
    "书法作品在全市中小学生书画展中展出。",
    "遇到困难不退缩，能主动向老师和同学请教。",
};
const std::vector<std::string> kSelfAssessment = {
    "三年来，我始终以严格的标准要求自己，努力学习文化知识。",
    "在老师的帮助下，我的学习方法不断改进，成绩有了明显进步。",
    "我积极参加学校组织的各项活动，锻炼了自己的能力。",
    "我热爱祖国，关心集体，尊敬师长，团结同学。",
    "我也认识到自己在时间安排上还有不足，今后一定努力改正。",
    "面对新的学习阶段，我将以更加饱满的热情迎接挑战。",
};
const std::vector<std::string> kDoctor = {"发育良好，各项指标正常。", "视力偏低，建议到专科医院复查。",
                                          "体重略高，建议合理膳食，加强锻炼。", "心肺功能良好，血压正常。",
                                          "注意读写姿势，保护视力。", "未发现明显异常，可参加各项体育活动。"};
const std::vector<std::string> kAwards = {"市级三好学生", "区级优秀少先队员", "物理竞赛二等奖",
                                          "英语演讲比赛一等奖", "校园歌手大赛三等奖", "优秀班干部",
                                          "科技节发明奖", "田径运动会八百米第一名", "文明礼仪标兵", "书法比赛优秀奖"};
const std::vector<std::string> kAwardUnits = {"区教育局", "市教育委员会", "共青团市委", "区青少年科技馆", "校团委", "学生处"};
const std::vector<std::string> kLevels = {"校级", "区级", "市级", "省级"};
const std::vector<std::string> kPolitics = {"共青团员", "少先队员", "群众"};
// Two-character subjects fit the narrow columns of a transcript with subjects as columns.
const std::vector<std::string> kShortSubjects = {"语文", "数学", "英语", "物理", "化学", "生物",
                                                 "历史", "地理", "政治", "音乐", "美术", "体育"};
const std::vector<std::string> kSubjects = {"语文", "数学", "英语", "物理", "化学", "生物", "历史",
                                            "地理", "道德与法治", "信息技术", "通用技术", "音乐", "美术", "体育与健康"};

// ---------------------------------------------------------------------------------------------
// Building documents.

Span label(std::string s) { return {std::move(s), Role::Label, false}; }
Span value(std::string s) { return {std::move(s), Role::Value, false}; }
Span gap() { return {"　", Role::Label, true}; }
Cell L(std::string s, int span = 1) { return {std::move(s), Role::Label, span}; }
Cell V(std::string s, int span = 1) { return {std::move(s), Role::Value, span}; }

// "名：值　名：值" as one printed line.
Line fields(const std::vector<std::pair<std::string, std::string>>& kv, Align align = Align::Left) {
  Line l{{}, align};
  for (const auto& [k, v] : kv) {
    if (!l.spans.empty()) l.spans.push_back(gap());
    l.spans.push_back(label(k + "："));
    l.spans.push_back(value(v));
  }
  return l;
}

// Label rows over value rows: the pairs of `kv` fill the columns of `t` row by row.
void labels_over_values(Table& t, const std::vector<std::pair<Cell, Cell>>& kv) {
  TableRow labels{{}, true}, values;
  int used = 0;
  const int cols = static_cast<int>(t.weights.size());
  for (const auto& [k, v] : kv) {
    labels.cells.push_back(k);
    values.cells.push_back(v);
    used += k.span;
    if (used == cols) {
      t.rows.push_back(labels);
      t.rows.push_back(values);
      labels = {{}, true};
      values = {};
      used = 0;
    }
  }
  if (used != 0) throw std::logic_error("labels_over_values: a row is not full");
}

// ---------------------------------------------------------------------------------------------
// Content of each kind and layout.

struct Context {
  const StudentInfo& s;
  std::mt19937& rng;
  std::string school = "";
  int year = 0;  // year of entry
  std::string date(int y) {
    const int m = randint(rng, 1, 12), d = randint(rng, 1, 28);
    if (randint(rng, 0, 2) == 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d.%02d.%02d", y, m, d);
      return buf;
    }
    return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
  }
  // (One draw per statement: the order of operands of + is unspecified.)
  std::string person() {
    std::string name = pick(rng, kSurnames);
    return name + pick(rng, kGiven);
  }
  std::string phone() {
    std::string number = pick(rng, std::vector<std::string>{"13", "15", "17", "18"});
    return number + std::to_string(randint(rng, 100000000, 999999999));
  }
  std::string address() {
    const std::string road = s.native_place + pick(rng, kRoads);
    return road + std::to_string(randint(rng, 1, 199)) + "号";
  }
  std::vector<std::string> sample(const std::vector<std::string>& pool, int n) {
    std::vector<std::string> v = pool;
    std::shuffle(v.begin(), v.end(), rng);
    v.resize(static_cast<size_t>(std::min<int>(n, static_cast<int>(v.size()))));
    return v;
  }
  // n entries of `pool` in the pool's order.
  std::vector<std::string> ordered_sample(const std::vector<std::string>& pool, int n) {
    std::vector<int> idx(pool.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(static_cast<size_t>(n));
    std::sort(idx.begin(), idx.end());
    std::vector<std::string> out;
    for (int i : idx) out.push_back(pool[static_cast<size_t>(i)]);
    return out;
  }
  std::vector<double> jitter(std::vector<double> w) {
    for (double& x : w) x *= uniform(rng, 0.9, 1.1);
    return w;
  }
};

// The year a string starts with ("2012级", "2005-03-02"), or `fallback`.
int leading_year(const std::string& s, int fallback) {
  if (s.size() >= 4 && std::all_of(s.begin(), s.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; }))
    return std::stoi(s.substr(0, 4));
  return fallback;
}

std::string grade_of(int score) {
  return score >= 90 ? "优秀" : score >= 75 ? "良好" : score >= 60 ? "合格" : "待合格";
}

Document student_card(int layout, Context& c) {
  const StudentInfo& s = c.s;
  Document doc;
  switch (layout) {
    case 0: {  // title left over a rule; fields right; six columns, labels left of values
      doc.push_back(Title{c.school + "学籍卡", Align::Left, 1});
      doc.push_back(fields({{"学籍号", s.id}, {"班级", s.class_name}, {"年级", s.grade}}, Align::Right));
      Table t{c.jitter({1.1, 1.3, 1.0, 1.0, 1.0, 1.3}), {}};
      t.rows = {{{L("姓名"), V(s.name), L("性别"), V(s.gender), L("民族"), V(s.ethnicity)}},
                {{L("出生日期"), V(s.birth_date), L("籍贯"), V(s.native_place, 3)}},
                {{L("身份证号"), V(s.id_number, 3), L("政治面貌"), V(pick(c.rng, kPolitics))}},
                {{L("入学年份"), V(std::to_string(c.year) + "年"), L("学制"), V("三年"), L("班级"), V(s.class_name)}},
                {{L("家庭住址"), V(c.address(), 5)}},
                {{L("联系电话"), V(c.phone(), 2), L("监护人"), V(s.name.substr(0, 3) + pick(c.rng, kGiven), 2)}}};
      doc.push_back(t);
      doc.push_back(Paragraph{"备注", true, c.sample(kComments, 2), true});
      break;
    }
    case 1: {  // centred title with a double rule; school and ID inside the table; labels above values
      doc.push_back(Title{kind_name(PageKind::StudentCard), Align::Centre, 2});
      Table t{c.jitter({1.6, 1.0, 0.8, 1.2}), {}};
      labels_over_values(t, {{L("学籍号"), V(s.id)}, {L("姓名"), V(s.name)}, {L("性别"), V(s.gender)},
                             {L("出生日期"), V(s.birth_date)}, {L("民族"), V(s.ethnicity)},
                             {L("籍贯"), V(s.native_place)}, {L("年级"), V(s.grade)}, {L("班级"), V(s.class_name)},
                             {L("身份证号"), V(s.id_number)}, {L("家庭住址", 3), V(c.address(), 3)},
                             {L("学校", 2), V(c.school, 2)}, {L("联系电话", 2), V(c.phone(), 2)}});
      doc.push_back(t);
      doc.push_back(Paragraph{"备注", false, c.sample(kComments, 2), false, 0, 1, 0.85});
      break;
    }
    default: {  // one field per row beside a photo frame; remarks in a box
      doc.push_back(Title{c.school + "学籍卡", Align::Centre, 1});
      doc.push_back(fields({{"年级", s.grade}, {"班级", s.class_name}}));
      Table t{c.jitter({1.0, 2.4}), {}, 0.72};
      t.photo_box = true;
      t.rows = {{{L("学籍号"), V(s.id)}},         {{L("姓名"), V(s.name)}},
                {{L("性别"), V(s.gender)}},       {{L("出生日期"), V(s.birth_date)}},
                {{L("民族"), V(s.ethnicity)}},    {{L("籍贯"), V(s.native_place)}},
                {{L("身份证号"), V(s.id_number)}}, {{L("政治面貌"), V(pick(c.rng, kPolitics))}},
                {{L("家庭住址"), V(c.address())}}, {{L("联系电话"), V(c.phone())}}};
      doc.push_back(t);
      Paragraph p{"备注", false, c.sample(kComments, 2)};
      p.boxed = true;
      doc.push_back(p);
      break;
    }
  }
  return doc;
}

Document transcript(int layout, Context& c) {
  const StudentInfo& s = c.s;
  const std::string school_year = std::to_string(c.year + 1) + "-" + std::to_string(c.year + 2);
  Document doc;
  switch (layout) {
    case 0: {  // subjects as columns, terms as rows
      doc.push_back(Title{c.school + kind_name(PageKind::Transcript), Align::Centre, 0});
      doc.push_back(fields({{"姓名", s.name}, {"班级", s.class_name}, {"学年", school_year}}));
      const auto subj = c.ordered_sample(kShortSubjects, randint(c.rng, 8, 10));
      Table t;
      t.centre = true;
      t.weights.push_back(1.5);
      TableRow head{{L("学期")}}, first{{L("上学期")}}, second{{L("下学期")}}, total{{L("总评")}}, grade{{L("等级")}};
      for (const std::string& x : subj) {
        const int a = randint(c.rng, 58, 100), b = randint(c.rng, 58, 100);
        t.weights.push_back(1);
        head.cells.push_back(L(x));
        first.cells.push_back(V(std::to_string(a)));
        second.cells.push_back(V(std::to_string(b)));
        total.cells.push_back(V(std::to_string((a + b + 1) / 2)));
        grade.cells.push_back(V(grade_of((a + b + 1) / 2)));
      }
      t.rows = {head, first, second, total, grade};
      doc.push_back(t);
      doc.push_back(Paragraph{"评语", true, c.sample(kComments, 2), true});
      doc.push_back(fields({{"班主任", c.person()}, {"日期", c.date(c.year + 2)}}, Align::Right));
      break;
    }
    case 1: {  // subjects as rows with mid-term, final, overall and grade; a total row
      doc.push_back(Title{c.school + kind_name(PageKind::Transcript), Align::Left, 1});
      doc.push_back(fields({{"学年", school_year}, {"班级", s.class_name}, {"姓名", s.name}}));
      Table t{c.jitter({1.7, 1, 1, 1, 1}), {{{L("科目"), L("期中"), L("期末"), L("总评"), L("等级")}}}};
      t.centre = true;
      int sa = 0, sb = 0, st = 0;
      for (const std::string& x : c.ordered_sample(kSubjects, randint(c.rng, 9, 12))) {
        const int a = randint(c.rng, 58, 100), b = randint(c.rng, 58, 100), tot = (2 * a + 3 * b + 2) / 5;
        sa += a, sb += b, st += tot;
        t.rows.push_back({{L(x), V(std::to_string(a)), V(std::to_string(b)), V(std::to_string(tot)), V(grade_of(tot))}});
      }
      t.rows.push_back({{L("总分"), V(std::to_string(sa)), V(std::to_string(sb)), V(std::to_string(st)), V("")}});
      doc.push_back(t);
      doc.push_back(Paragraph{"班主任评语", false, c.sample(kComments, 3), true, 2});
      break;
    }
    default: {  // student fields inside the table, two subjects side by side
      doc.push_back(Title{c.school + kind_name(PageKind::Transcript), Align::Centre, 2});
      Table t{c.jitter({1.0, 1.3, 1.0, 1.7}), {}};
      t.rows = {{{L("姓名"), V(s.name), L("学籍号"), V(s.id)}},
                {{L("班级"), V(s.class_name), L("学年"), V(school_year)}},
                {{L("科目"), L("成绩"), L("科目"), L("成绩")}}};
      const auto subj = c.ordered_sample(kSubjects, 10);
      for (size_t i = 0; i < subj.size(); i += 2)
        t.rows.push_back({{L(subj[i]), V(std::to_string(randint(c.rng, 58, 100))), L(subj[i + 1]),
                           V(std::to_string(randint(c.rng, 58, 100)))}});
      doc.push_back(t);
      Paragraph p{"评语", false, c.sample(kComments, 2)};
      p.boxed = true;
      doc.push_back(p);
      doc.push_back(fields({{"班主任签字", c.person()}, {"日期", c.date(c.year + 2)}}, Align::Right));
      break;
    }
  }
  return doc;
}

Document health_form(int layout, Context& c) {
  const StudentInfo& s = c.s;
  const int birth_year = leading_year(s.birth_date, c.year - 7);
  const int check_year = c.year + randint(c.rng, 0, 2);
  const int height = randint(c.rng, 140, 186), weight = randint(c.rng, 34, 82);
  const int sys = randint(c.rng, 95, 128), dia = randint(c.rng, 58, 84);
  auto vision = [&] {
    const int v = randint(c.rng, 43, 52);
    return std::to_string(v / 10) + "." + std::to_string(v % 10);
  };
  const std::string left_eye = vision(), right_eye = vision();
  const std::string lung = std::to_string(randint(c.rng, 1800, 4800)) + "毫升";
  const std::string pulse = std::to_string(randint(c.rng, 60, 96)) + "次/分";
  const std::string pressure = std::to_string(sys) + "/" + std::to_string(dia);
  const std::string teeth = pick(c.rng, std::vector<std::string>{"无", "无", "1颗", "2颗"});
  const std::string spine = pick(c.rng, std::vector<std::string>{"正常", "正常", "正常", "轻度侧弯"});
  const std::string colour = pick(c.rng, std::vector<std::string>{"正常", "正常", "正常", "色弱"});
  const std::string verdict = pick(c.rng, std::vector<std::string>{"合格", "合格", "基本合格"});
  Document doc;
  switch (layout) {
    case 0: {  // six columns and more measurements
      doc.push_back(Title{c.school + "学生" + kind_name(PageKind::HealthForm), Align::Centre, 0});
      doc.push_back(fields({{"学籍号", s.id}, {"班级", s.class_name}}));
      Table t{c.jitter({1.25, 1.05, 1.25, 1.05, 1.0, 1.1}), {}};
      t.rows = {{{L("姓名"), V(s.name), L("性别"), V(s.gender), L("年龄"), V(std::to_string(check_year - birth_year) + "岁")}},
                {{L("身高"), V(std::to_string(height) + "厘米"), L("体重"), V(std::to_string(weight) + "公斤"), L("血压"), V(pressure)}},
                {{L("左眼视力"), V(left_eye), L("右眼视力"), V(right_eye), L("色觉"), V(colour)}},
                {{L("肺活量"), V(lung), L("心率"), V(pulse), L("听力"), V("正常")}},
                {{L("龋齿"), V(teeth), L("脊柱"), V(spine), L("皮肤"), V("正常")}},
                {{L("胸部透视"), V("未见异常", 3), L("肝功能"), V("正常")}},
                {{L("检查日期"), V(c.date(check_year), 2), L("结论"), V(verdict, 2)}}};
      doc.push_back(t);
      doc.push_back(Paragraph{"医生意见", true, c.sample(kDoctor, 2), true});
      doc.push_back(fields({{"检查医生", c.person()}, {"检查单位", "校医室"}}, Align::Right));
      break;
    }
    case 1: {  // labels above values, four columns
      doc.push_back(Title{kind_name(PageKind::HealthForm), Align::Left, 1});
      doc.push_back(fields({{"学校", c.school}, {"学籍号", s.id}}));
      Table t{c.jitter({1, 1, 1, 1}), {}};
      labels_over_values(t, {{L("姓名"), V(s.name)}, {L("性别"), V(s.gender)}, {L("出生日期"), V(s.birth_date)},
                             {L("班级"), V(s.class_name)}, {L("身高"), V(std::to_string(height) + "厘米")},
                             {L("体重"), V(std::to_string(weight) + "公斤")}, {L("肺活量"), V(lung)},
                             {L("心率"), V(pulse)}, {L("左眼视力"), V(left_eye)}, {L("右眼视力"), V(right_eye)},
                             {L("血压"), V(pressure)}, {L("血红蛋白"), V(std::to_string(randint(c.rng, 110, 160)) + "克/升")},
                             {L("听力"), V("正常")}, {L("龋齿"), V(teeth)}, {L("脊柱"), V(spine)}, {L("色觉"), V(colour)},
                             {L("检查日期"), V(c.date(check_year))}, {L("结论", 3), V(verdict, 3)}});
      doc.push_back(t);
      doc.push_back(Paragraph{"医生意见", false, c.sample(kDoctor, 2), false, 2});
      break;
    }
    default: {  // item / result / assessment, one measurement per row
      doc.push_back(Title{c.school + kind_name(PageKind::HealthForm), Align::Centre, 1});
      doc.push_back(fields({{"姓名", s.name}, {"性别", s.gender}, {"班级", s.class_name}}));
      const double bmi = weight / std::pow(height / 100.0, 2);
      auto eye = [](const std::string& v) { return v >= "5.0" ? "正常" : "近视"; };
      Table t{c.jitter({1.3, 1.3, 1.0}), {{{L("检查项目"), L("检查结果"), L("评价")}}}};
      t.rows.push_back({{L("身高"), V(std::to_string(height) + "厘米"), V("正常")}});
      t.rows.push_back({{L("体重"), V(std::to_string(weight) + "公斤"), V(bmi < 18.5 ? "偏瘦" : bmi < 24 ? "正常" : "超重")}});
      t.rows.push_back({{L("肺活量"), V(lung), V(pick(c.rng, std::vector<std::string>{"优秀", "良好", "及格"}))}});
      t.rows.push_back({{L("心率"), V(pulse), V("正常")}});
      t.rows.push_back({{L("血压"), V(pressure), V("正常")}});
      t.rows.push_back({{L("左眼视力"), V(left_eye), V(eye(left_eye))}});
      t.rows.push_back({{L("右眼视力"), V(right_eye), V(eye(right_eye))}});
      t.rows.push_back({{L("听力"), V("双耳正常"), V("正常")}});
      t.rows.push_back({{L("龋齿"), V(teeth), V(teeth == "无" ? "正常" : "需治疗")}});
      t.rows.push_back({{L("脊柱"), V(spine), V(spine == "正常" ? "正常" : "复查")}});
      t.rows.push_back({{L("肝功能"), V("未见异常"), V("正常")}});
      t.rows.push_back({{L("结核筛查"), V("阴性"), V("正常")}});
      doc.push_back(t);
      doc.push_back(Paragraph{"医生意见", true, c.sample(kDoctor, 2), true});
      doc.push_back(fields({{"检查日期", c.date(check_year)}}, Align::Right));
      break;
    }
  }
  return doc;
}

Document award_record(int layout, Context& c) {
  const StudentInfo& s = c.s;
  const int n = randint(c.rng, 4, 7);
  struct Award { std::string when, what, level, unit; };
  std::vector<int> months;  // since January of the year of entry, in order
  for (int i = 0; i < n; ++i) months.push_back(randint(c.rng, 0, 35));
  std::sort(months.begin(), months.end());
  const std::vector<std::string> names = c.sample(kAwards, n);
  std::vector<Award> awards;
  for (int i = 0; i < n; ++i) {
    const int m = months[static_cast<size_t>(i)];
    Award a{std::to_string(c.year + m / 12) + "年" + std::to_string(m % 12 + 1) + "月", names[static_cast<size_t>(i)],
            pick(c.rng, kLevels), ""};
    a.unit = randint(c.rng, 0, 1) ? c.school : pick(c.rng, kAwardUnits);
    awards.push_back(a);
  }
  Document doc;
  switch (layout) {
    case 0: {  // three-line table with a number column
      doc.push_back(Title{c.school + "学生" + kind_name(PageKind::AwardRecord), Align::Centre, 0});
      doc.push_back(fields({{"姓名", s.name}, {"学籍号", s.id}}));
      Table t{c.jitter({0.6, 1.3, 2.2, 2.0}), {{{L("序号"), L("时间"), L("奖惩名称"), L("授予单位")}}}};
      t.ruling = Ruling::ThreeLine;
      for (size_t i = 0; i < awards.size(); ++i)
        t.rows.push_back({{V(std::to_string(i + 1)), V(awards[i].when), V(awards[i].what), V(awards[i].unit)}});
      doc.push_back(t);
      doc.push_back(Paragraph{"说明", true, c.sample(kComments, 1), true});
      break;
    }
    case 1: {  // a numbered list, no table
      doc.push_back(Title{kind_name(PageKind::AwardRecord), Align::Left, 1});
      doc.push_back(fields({{"姓名", s.name}, {"班级", s.class_name}, {"学籍号", s.id}}));
      doc.push_back(Line{{label("一、奖励情况")}});
      for (size_t i = 0; i < awards.size(); ++i)
        doc.push_back(Line{{value(std::to_string(i + 1) + "."), gap(), value(awards[i].when), gap(),
                            value(awards[i].what), gap(), value(awards[i].unit)}});
      doc.push_back(Line{{label("二、处分情况")}});
      doc.push_back(Line{{value("无")}});
      doc.push_back(Paragraph{"备注", false, c.sample(kComments, 1), false, 2});
      break;
    }
    default: {  // ruled table with category and level; remarks in a box
      doc.push_back(Title{c.school + kind_name(PageKind::AwardRecord), Align::Centre, 2});
      doc.push_back(fields({{"学籍号", s.id}, {"姓名", s.name}}, Align::Right));
      Table t{c.jitter({0.8, 1.3, 2.3, 0.8, 1.8}), {{{L("类别"), L("时间"), L("名称"), L("级别"), L("授予单位")}}}};
      for (const Award& a : awards) t.rows.push_back({{V("奖励"), V(a.when), V(a.what), V(a.level), V(a.unit)}});
      doc.push_back(t);
      Paragraph p{"备注", false, c.sample(kComments, 1)};
      p.boxed = true;
      doc.push_back(p);
      break;
    }
  }
  return doc;
}

Document graduate_form(int layout, Context& c) {
  const StudentInfo& s = c.s;
  const int grad = c.year + 3;
  Document doc;
  switch (layout) {
    case 0: {  // six columns, then a flowing self-assessment with a first-line indent
      doc.push_back(Title{c.school + kind_name(PageKind::GraduateForm), Align::Centre, 0});
      Table t{c.jitter({1.1, 1.3, 1.0, 1.1, 1.0, 1.2}), {}};
      t.rows = {{{L("姓名"), V(s.name), L("性别"), V(s.gender), L("民族"), V(s.ethnicity)}},
                {{L("出生日期"), V(s.birth_date), L("籍贯"), V(s.native_place, 3)}},
                {{L("学籍号"), V(s.id, 3), L("毕业年份"), V(std::to_string(grad))}}};
      doc.push_back(t);
      doc.push_back(Paragraph{"自我鉴定", false, c.ordered_sample(kSelfAssessment, 3), true, 2});
      doc.push_back(Paragraph{"班主任评语", true, c.sample(kComments, 2), true});
      doc.push_back(fields({{"班主任", c.person()}, {"日期", c.date(grad)}}, Align::Right));
      break;
    }
    case 1: {  // no table: field lines, the teacher's remarks in a box
      doc.push_back(Title{kind_name(PageKind::GraduateForm), Align::Left, 1});
      doc.push_back(fields({{"姓名", s.name}, {"性别", s.gender}}));
      doc.push_back(fields({{"出生日期", s.birth_date}, {"民族", s.ethnicity}}));
      doc.push_back(fields({{"学籍号", s.id}}));
      doc.push_back(fields({{"毕业学校", c.school}, {"毕业年份", std::to_string(grad)}}));
      Paragraph p{"班主任评语", false, c.sample(kComments, 4)};
      p.boxed = true;
      doc.push_back(p);
      doc.push_back(fields({{"填表日期", c.date(grad)}}, Align::Right));
      break;
    }
    default: {  // four columns; remarks and the school's opinion each in a box
      doc.push_back(Title{c.school + kind_name(PageKind::GraduateForm), Align::Centre, 1});
      Table t{c.jitter({1.0, 1.4, 1.0, 1.4}), {}};
      t.rows = {{{L("姓名"), V(s.name), L("性别"), V(s.gender)}},
                {{L("出生日期"), V(s.birth_date), L("民族"), V(s.ethnicity)}},
                {{L("毕业学校"), V(c.school, 3)}},
                {{L("学籍号"), V(s.id, 3)}}};
      doc.push_back(t);
      Paragraph remarks{"班主任评语", false, c.sample(kComments, 3), true, 2};
      remarks.boxed = true;
      doc.push_back(remarks);
      Paragraph school{"学校意见", true, {"经考核，该生德智体美劳全面发展，同意毕业。"}, true};
      school.boxed = true;
      doc.push_back(school);
      doc.push_back(Line{{label("（盖章）"), gap(), value(c.date(grad))}, Align::Right});
      break;
    }
  }
  return doc;
}

Document make_document(PageKind kind, int layout, Context& c) {
  switch (kind) {
    case PageKind::StudentCard: return student_card(layout, c);
    case PageKind::Transcript: return transcript(layout, c);
    case PageKind::HealthForm: return health_form(layout, c);
    case PageKind::AwardRecord: return award_record(layout, c);
    case PageKind::GraduateForm: return graduate_form(layout, c);
  }
  return {};
}

QColor fade(const QColor& ink, const QColor& paper, double strength) {
  auto mix = [&](int i, int q) { return static_cast<int>(std::lround(q + strength * (i - q))); };
  return QColor(mix(ink.red(), paper.red()), mix(ink.green(), paper.green()), mix(ink.blue(), paper.blue()), ink.alpha());
}

// The other side of the sheet shining through: its text and rules mirrored, blurred, darkening
// the paper by up to `levels` gray levels.
void bleed_through(QImage& img, int levels, const Face& face, std::mt19937& rng, double scale) {
  const int W = img.width(), H = img.height();
  QImage back(W, H, QImage::Format_Grayscale8);
  back.fill(0);
  {
    QPainter p(&back);
    p.setRenderHint(QPainter::Antialiasing);
    p.translate(W, 0);
    p.scale(-1, 1);
    p.setPen(QColor(255, 255, 255));
    const double px = scale * randint(rng, 42, 58);
    p.setFont(make_font(face, px * 1.6));
    const int left = static_cast<int>(scale * randint(rng, 200, 320));
    p.drawText(QPointF(left + scale * 300, scale * 330), QString::fromStdString(pick(rng, kSchools) + "学生档案"));
    p.setFont(make_font(face, px));
    double y = scale * 500;
    const int lines = randint(rng, 8, 16);
    for (int i = 0; i < lines && y < H - scale * 300; ++i) {
      if (randint(rng, 0, 3) == 0) {
        p.setPen(QPen(QColor(255, 255, 255), scale * 4));
        p.drawLine(QPointF(left, y), QPointF(W - left, y));
        p.setPen(QColor(255, 255, 255));
      }
      y += px * 1.9;
      const QString s = QString::fromStdString(pick(rng, kComments));
      check_covers(face, s);
      p.drawText(QPointF(left + scale * randint(rng, 0, 120), y), s);
    }
  }
  cv::Mat mask(H, W, CV_8U, back.bits(), static_cast<size_t>(back.bytesPerLine()));
  cv::GaussianBlur(mask, mask, cv::Size(), scale * uniform(rng, 1.2, 2.5));
  cv::Mat page(H, W, CV_8UC4, img.bits(), static_cast<size_t>(img.bytesPerLine()));
  cv::Mat dark;
  mask.convertTo(dark, CV_8U, levels / 255.0);
  cv::Mat dark4;
  cv::merge(std::vector<cv::Mat>{dark, dark, dark, cv::Mat::zeros(dark.size(), CV_8U)}, dark4);
  cv::subtract(page, dark4, page);
}

Style random_style(std::mt19937& rng, int W, int H, double dpi) {
  const double pt = dpi / 72, scale = dpi / 300;
  Style st;
  const double body = uniform(rng, 9, 14);
  st.label_px = body * pt;
  st.value_px = std::clamp(body + uniform(rng, -0.5, 1.5), 9.0, 14.5) * pt;
  st.title_px = uniform(rng, 16, 22) * pt;
  st.row_factor = uniform(rng, 1.7, 2.6);
  st.line_factor = uniform(rng, 1.45, 2.1);
  st.gap_factor = uniform(rng, 0.9, 1.8);
  st.left = static_cast<int>(scale * randint(rng, 150, 320));
  st.right = W - static_cast<int>(scale * randint(rng, 150, 320));
  st.top = static_cast<int>(scale * randint(rng, 150, 330));
  st.bottom = H - static_cast<int>(scale * 220);
  st.rule_px = std::max(1, static_cast<int>(std::lround(scale * randint(rng, 2, 5))));
  return st;
}

}  // namespace

StudentInfo student(unsigned seed) {
  StudentInfo s = random_student(seed ^ kSalt);
  std::mt19937 rng(seed * 104729u + 31u);
  s.name = pick(rng, kSurnames);
  s.name += pick(rng, kGiven);
  s.native_place = pick(rng, kPlaces);
  s.ethnicity = pick(rng, kEthnic);
  return s;
}

std::vector<PageSpec> mixed_specs(unsigned seed, int count) {
  std::mt19937 rng(seed ^ kSalt);
  std::vector<PageSpec> out;
  for (int i = 0; i < count; ++i) {
    PageSpec s;
    s.set = PageSet::Test;
    s.seed = seed * 1000u + static_cast<unsigned>(i);
    s.kind = static_cast<PageKind>(i % 5);
    s.layout = (i / 5) % kLayoutsPerKind;
    s.student = student(s.seed);
    Degradation& d = s.degrade;
    const int skew_range = randint(rng, 0, 5);  // 2/6 nearly straight, 3/6 medium, 1/6 steep
    const double skew = skew_range < 2 ? uniform(rng, 0.1, 2) : skew_range < 5 ? uniform(rng, 8, 15) : uniform(rng, 15, 19.5);
    d.skew_deg = randint(rng, 0, 1) ? skew : -skew;
    d.orientation = randint(rng, 0, 3) == 0 ? 90 * randint(rng, 1, 3) : 0;
    d.blank = randint(rng, 0, 11) == 0;
    const bool faded = !d.blank && randint(rng, 0, 7) == 0;
    if (faded) d.ink_strength = uniform(rng, 0.25, 0.45);
    // Faded and blank pages: a dark border or uneven light one time in two.
    const int odds = (faded || d.blank) ? 1 : 2;
    d.border_px = randint(rng, 0, odds) == 0 ? randint(rng, 60, 220) : 0;
    d.noise_sigma = randint(rng, 0, 1) == 0 ? uniform(rng, 6, 16) : 0;
    d.blur_sigma = randint(rng, 0, 2) == 0 ? uniform(rng, 1.2, 2.0) : 0;
    d.jpeg_quality = randint(rng, 0, 1) ? randint(rng, 30, 60) : 0;
    if (randint(rng, 0, odds) == 0) {
      d.uneven_light = uniform(rng, 0.35, 0.55);
      d.light_spot = randint(rng, 0, 1) == 1;
    }
    d.red_seal = randint(rng, 0, 2) == 0;
    d.punch_holes = randint(rng, 0, 3) == 0;
    if (d.blank) d.bleed_through = randint(rng, 12, 28);
    else if (randint(rng, 0, 5) == 0) d.bleed_through = randint(rng, 8, 14);
    out.push_back(s);
  }
  return out;
}

GeneratedPage generate_page(const PageSpec& spec) {
  detail::ensure_app();
  load_fonts();
  const Degradation& d = spec.degrade;
  std::mt19937 rng(spec.seed ^ kSalt);
  const double scale = spec.dpi / 300.0;
  const int W = static_cast<int>(2480 * scale), H = static_cast<int>(3508 * scale);
  const int layout = spec.layout >= 0 ? spec.layout : randint(rng, 0, kLayoutsPerKind - 1);
  if (layout >= kLayoutsPerKind) throw std::invalid_argument("test-set layout " + std::to_string(layout) + " of 0..2");
  // Paper from white to grayish and yellowed (tune: 240..252, 238..250, 230..245).
  const int base = randint(rng, 226, 250), yellow = randint(rng, 2, 24);
  const int paper_r = base - randint(rng, 0, 3), paper_g = base - randint(rng, 0, 5);
  const QColor paper(paper_r, paper_g, base - yellow);
  const Faces faces = pick_faces(rng);
  Style st = random_style(rng, W, H, spec.dpi);
  const int k = randint(rng, 5, 35);
  const QColor black{k, k + randint(rng, 0, 6), k + randint(rng, 0, 8)};  // braces: drawn in order
  const bool blue_values = randint(rng, 0, 2) == 0;
  const QColor blue{randint(rng, 20, 40), randint(rng, 30, 55), randint(rng, 90, 135)};
  const double strength = std::clamp(d.ink_strength, 0.05, 1.0);
  st.label_ink = st.rule_ink = fade(black, paper, strength);
  st.value_ink = fade(blue_values ? blue : black, paper, strength);

  QImage img(W, H, QImage::Format_RGB32);
  img.fill(paper);
  GeneratedPage out;
  std::vector<std::string> lines;
  double smallest_px = 0, fit_scale = 1;
  if (!d.blank) {
    Context ctx{spec.student, rng, pick(rng, kSchools), leading_year(spec.student.grade, 2015)};
    const Document doc = make_document(spec.kind, layout, ctx);
    const Plan plan = plan_document(doc, st, faces, d.skew_deg, W, H);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    draw_plan(p, plan, st, faces);
    lines = plan.truth;
    smallest_px = plan.texts.empty() ? 0 : plan.texts.front().px;
    for (const TextOp& op : plan.texts) smallest_px = std::min(smallest_px, op.px);
    fit_scale = plan.scale;
    if (d.red_seal) {  // over the last lines of text, right of the middle
      const int r = static_cast<int>(scale * randint(rng, 140, 230));
      const int cx = std::clamp(static_cast<int>(plan.left + uniform(rng, 0.45, 0.8) * (plan.right - plan.left)), r, W - r);
      const int cy = std::clamp(static_cast<int>(plan.last_text_y + uniform(rng, -0.6, 0.3) * r), r, H - r);
      const int red_r = randint(rng, 185, 230), red_g = randint(rng, 15, 70), red_b = randint(rng, 25, 75);
      const QColor red = fade(QColor(red_r, red_g, red_b, randint(rng, 190, 235)), paper, strength);
      const Face& seal_face = faces.label;
      check_covers(seal_face, QStringLiteral("学籍专用章"));
      const QFont seal_font = make_font(seal_face, scale * randint(rng, 36, 46));
      const int pen = static_cast<int>(scale * randint(rng, 9, 14));
      detail::draw_seal(p, QPoint(cx, cy), r, red, seal_font, pen, static_cast<int>(scale * 60));
      out.truth["seal_center"] = {cx, cy};
    }
  }
  // The document's ink: at least half its contrast darker than the paper (40 levels at most,
  // as for the tune pages), so faded text counts too and the bleed-through below does not.
  const QColor ink = st.label_ink;
  const int contrast = (paper.red() + paper.green() + paper.blue() - ink.red() - ink.green() - ink.blue()) / 3;
  cv::Mat ink_mask = detail::ink_mask(img, paper, std::min(40, contrast / 2));
  if (d.bleed_through > 0) bleed_through(img, d.bleed_through, faces.value, rng, scale);
  detail::finish_page(img, ink_mask, paper, spec, rng, lines, out);

  nlohmann::json& t = out.truth;
  t["set"] = set_name(PageSet::Test);
  t["faded"] = !d.blank && d.ink_strength < 1;
  t["ink_strength"] = d.ink_strength;
  t["bleed_through"] = d.bleed_through;
  t["light_spot"] = d.light_spot;
  if (d.blank) {
    t["layout"] = nullptr;
    t["fonts"] = nlohmann::json::object();
    if (d.bleed_through > 0) t["fonts"]["bleed_through"] = faces.value.name();
  } else {
    t["layout"] = layout;
    t["fonts"] = {{"title", faces.title.name()}, {"label", faces.label.name()}, {"value", faces.value.name()}};
    const double pt = fit_scale * 72 / spec.dpi;
    t["font_pt"] = {{"title", st.title_px * pt}, {"label", st.label_px * pt}, {"value", st.value_px * pt},
                    {"smallest", smallest_px * 72 / spec.dpi}};
    t["value_ink"] = blue_values ? "blue-black" : "black";
  }
  return out;
}

}  // namespace xueji::testing::heldout

