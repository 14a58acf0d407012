#include <gtest/gtest.h>

#include <fstream>

#include "pipeline/batch_job.h"
#include "pipeline/batch_log.h"
#include "pipeline/batch_split.h"
#include "pipeline/page_facts.h"
#include "tests/test_util.h"

using namespace xueji;

namespace {

const std::string A = "G11010519491231002X", B = "G110108200803198689", C = "G110108200802091214";

PageFacts sheet(SheetKind kind, const std::string& value = {}) {
  PageFacts f;
  SheetCode c;
  c.kind = kind;
  if (kind == SheetKind::Student) c.student_id = value;
  if (kind == SheetKind::DocType) c.doc_type = value;
  f.sheet = c;
  return f;
}
PageFacts page(const std::string& title = {}, std::vector<std::string> ids = {}, std::vector<std::string> other = {}) {
  PageFacts f;
  f.title_type = title;
  f.roster_ids = std::move(ids);
  f.other_ids = std::move(other);
  return f;
}
PageFacts blank() {
  PageFacts f;
  f.blank = true;
  return f;
}

void expect_assign(const PageDecision& d, const std::string& student, const std::string& type, int document) {
  EXPECT_EQ(d.action, PageAction::Assign);
  EXPECT_EQ(d.student_id, student);
  EXPECT_EQ(d.doc_type, type);
  EXPECT_EQ(d.document, document);
}

}  // namespace

TEST(BatchSplit, SheetsStartStudentsTypesAndDocuments) {
  BatchSplitter s({SplitMode::Sheets}, {A, B, C});
  EXPECT_EQ(s.next(sheet(SheetKind::Student, A)).action, PageAction::Sheet);
  expect_assign(s.next(page("学籍卡")), A, "学籍卡", 1);
  expect_assign(s.next(page()), A, "学籍卡", 1);           // no title: the same document
  expect_assign(s.next(page("成绩单")), A, "成绩单", 2);   // another title: the next document
  EXPECT_EQ(s.next(sheet(SheetKind::NextDocument)).action, PageAction::Sheet);
  expect_assign(s.next(page()), A, "其他", 3);             // nothing names its type
  EXPECT_EQ(s.next(sheet(SheetKind::Student, B)).action, PageAction::Sheet);
  EXPECT_EQ(s.next(blank()).action, PageAction::Blank);
  expect_assign(s.next(page("体检表")), B, "体检表", 4);
  EXPECT_EQ(s.next(sheet(SheetKind::DocType, "奖惩记录")).action, PageAction::Sheet);
  expect_assign(s.next(page("体检表")), B, "奖惩记录", 5);  // the sheet's type wins over the title
  expect_assign(s.next(page("成绩单")), B, "奖惩记录", 5);  // and holds until the next separator
  // Sheets decide, not the text: a 学籍号 on the page does not move it to another student.
  expect_assign(s.next(page({}, {C})), B, "奖惩记录", 5);
}

TEST(BatchSplit, PagesBeforeAnySheetOrAfterAMisreadOneWaitForReview) {
  BatchSplitter s({SplitMode::Sheets}, {A, B});
  EXPECT_EQ(s.next(page("学籍卡")).action, PageAction::Review);
  EXPECT_EQ(s.next(sheet(SheetKind::Student, A)).action, PageAction::Sheet);
  expect_assign(s.next(page("学籍卡")), A, "学籍卡", 1);
  PageFacts misread;
  misread.sheet_misread = true;
  EXPECT_EQ(s.next(misread).action, PageAction::Review);
  // Never on into the previous student: the sheet may have been B's.
  EXPECT_EQ(s.next(page("学籍卡")).action, PageAction::Review);
  EXPECT_EQ(s.next(page()).action, PageAction::Review);
  EXPECT_EQ(s.next(sheet(SheetKind::Student, B)).action, PageAction::Sheet);
  expect_assign(s.next(page()), B, "其他", 2);
  // A sheet for a student outside the batch's roster: review, and the pages after it too.
  EXPECT_EQ(s.next(sheet(SheetKind::Student, C)).action, PageAction::Review);
  EXPECT_EQ(s.next(page("学籍卡")).action, PageAction::Review);
}

TEST(BatchSplit, TextModeStartsStudentsOnlyOnExactRosterNumbers) {
  BatchSplitter s({SplitMode::Text}, {A, B, C});
  EXPECT_EQ(s.next(page("成绩单")).action, PageAction::Review);  // no student yet
  expect_assign(s.next(page("学籍卡", {A})), A, "学籍卡", 1);
  expect_assign(s.next(page()), A, "学籍卡", 1);
  expect_assign(s.next(page("成绩单", {A})), A, "成绩单", 2);
  // A's number with one character misread, far from B's and C's: still A.
  std::string a1 = A;
  a1[10] = a1[10] == '9' ? '8' : '9';
  expect_assign(s.next(page({}, {}, {a1})), A, "成绩单", 2);
  // A number on no roster, not A's: unsure, and so is everything until a sure start.
  EXPECT_EQ(s.next(page("学籍卡", {}, {"G440101200001010011"})).action, PageAction::Review);
  EXPECT_EQ(s.next(page("成绩单")).action, PageAction::Review);
  expect_assign(s.next(page("学籍卡", {B})), B, "学籍卡", 3);
  // Two students' numbers on one page: unsure.
  EXPECT_EQ(s.next(page({}, {B, C})).action, PageAction::Review);
  EXPECT_EQ(s.next(page()).action, PageAction::Review);
  expect_assign(s.next(page("学籍卡", {C})), C, "学籍卡", 4);
  // Another student's name beside their number: unsure.
  PageFacts named = page({}, {C});
  named.name_ids = {A};
  EXPECT_EQ(s.next(named).action, PageAction::Review);
  expect_assign(s.next(page("学籍卡", {C})), C, "学籍卡", 5);
  // A page with no number naming another student (and not C): their first page? Unsure.
  PageFacts other = page("成绩单");
  other.name_ids = {B};
  EXPECT_EQ(s.next(other).action, PageAction::Review);
  expect_assign(s.next(page("学籍卡", {C})), C, "学籍卡", 6);
  PageFacts own = page("成绩单");
  own.name_ids = {C, B};  // C's own page that also names B (a teacher of the same name, say)
  expect_assign(s.next(own), C, "成绩单", 7);
}

TEST(BatchSplit, MisreadNumberCloseToTwoStudentsIsUnsure) {
  // B and C differ in few characters; a misread one step from B and two from C is no proof.
  const std::string b = "G110108200803198689", c = "G110108200803198670";
  BatchSplitter s({SplitMode::Text}, {b, c});
  expect_assign(s.next(page("学籍卡", {b})), b, "学籍卡", 1);
  EXPECT_EQ(s.next(page({}, {}, {"G110108200803198680"})).action, PageAction::Review);
}

TEST(BatchSplit, FlagsLongDocumentsAndKeepsBlanksWhenAsked) {
  SplitParams p{SplitMode::Sheets};
  p.max_pages_per_document = 2;
  p.keep_blank = true;
  BatchSplitter s(p, {A});
  s.next(sheet(SheetKind::Student, A));
  EXPECT_TRUE(s.next(page("学籍卡")).notes.empty());
  const PageDecision kept = s.next(blank());
  expect_assign(kept, A, "学籍卡", 1);
  const PageDecision third = s.next(page());
  expect_assign(third, A, "学籍卡", 1);
  ASSERT_EQ(third.notes.size(), 1u);
  EXPECT_NE(third.notes[0].find("separator may be missing"), std::string::npos);
}

TEST(BatchSplit, DecisionsReplayIdentically) {
  const std::vector<PageFacts> stack = {sheet(SheetKind::Student, A), page("学籍卡"), page(), blank(),
                                        sheet(SheetKind::NextDocument), page("成绩单"), sheet(SheetKind::Student, B),
                                        page("体检表"), page("学籍卡")};
  BatchSplitter one({SplitMode::Sheets}, {A, B}), two({SplitMode::Sheets}, {A, B});
  for (const PageFacts& f : stack) {
    const PageDecision x = one.next(f), y = two.next(f);
    EXPECT_EQ(x.action, y.action);
    EXPECT_EQ(x.document, y.document);
    EXPECT_EQ(x.student_id, y.student_id);
  }
}

TEST(PageFacts, FindsRosterNumbersNamesAndTitles) {
  auto student = [](const std::string& id, const std::string& name) {
    Student s;
    s.id = id;
    s.name = name;
    return s;
  };
  const std::vector<Student> roster = {student(A, "张伟"), student(B, "王芳"), student(C, "张伟"),
                                       student("G110108200808254619", "李娜")};
  const RosterIndex r = make_roster_index(roster, {"学籍卡", "成绩单", "其他", "毕业生登记表"});
  EXPECT_EQ(r.names.count("张伟"), 0u);  // 重名: names never decide
  const PageFacts f = text_facts({"北京市第一中学", "学 生 学 籍 卡", "姓名 王芳  学籍号 Ｇ1101 0519 4912 3100 2ｘ",
                                  "身份证号 110108200803198689", "家长电话 13800138000 编号 G44010120000101001"},
                                 r);
  EXPECT_EQ(f.title_type, "学籍卡");
  EXPECT_EQ(f.roster_ids, (std::vector<std::string>{A, B}));  // full-width, spaced, and the bare ID number
  EXPECT_EQ(f.other_ids, (std::vector<std::string>{"G44010120000101001"}));
  EXPECT_EQ(f.name_ids, (std::vector<std::string>{B}));
  // A title below the first lines is no title; a number too short is no 学籍号.
  const PageFacts g = text_facts({"a", "b", "c", "d", "成绩单", "学号 20150101"}, r);
  EXPECT_TRUE(g.title_type.empty());
  EXPECT_TRUE(g.other_ids.empty());
  // A row of scores reads as one run of digits once spaces go: no number at all.
  const PageFacts h = text_facts({"上学期 87 70 93 62 86 69 92 60", "学籍号 G110108200803198689"}, r);
  EXPECT_TRUE(h.other_ids.empty());
  EXPECT_EQ(h.roster_ids, (std::vector<std::string>{B}));
}

TEST(BatchInput, NaturalOrder) {
  EXPECT_TRUE(natural_less("page2.png", "page10.png"));
  EXPECT_FALSE(natural_less("page10.png", "page2.png"));
  EXPECT_TRUE(natural_less("a-002-1", "a-2-2"));
  EXPECT_TRUE(natural_less("scan", "scan1"));
  EXPECT_FALSE(natural_less("x", "x"));
}

TEST(BatchLog, TornLastLineIsIgnoredAndCutOff) {
  xueji::testing::TempDir dir;
  const auto file = dir.path() / "batch.jsonl";
  {
    BatchLog log(file);
    log.append({{"e", "page"}, {"page", "page-0001.png"}});
    log.append({{"e", "commit"}, {"document", 1}, {"id", 7}});
  }
  {
    std::ofstream out(file, std::ios::app);
    out << "{\"e\":\"page\",\"pa";  // a crash in the middle of a line
  }
  EXPECT_EQ(BatchLog::read(file).size(), 2u);
  {
    BatchLog log(file);
    log.append({{"e", "page"}, {"page", "page-0002.png"}});
  }
  const auto events = BatchLog::read(file);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].value("page", ""), "page-0002.png");
  const BatchLedger ledger(events);
  EXPECT_EQ(ledger.document_id(1), 7);
}
