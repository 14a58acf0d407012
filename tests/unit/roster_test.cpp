#include <gtest/gtest.h>

#include <map>

#include "models/catalog.h"
#include "models/error.h"
#include "models/roster.h"
#include "models/text_encoding.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::TempDir;

namespace {

const std::string kRoster =
    "学籍号,姓名,性别,出生日期,年级,班级\n"
    "G11010519491231002X,张伟,男,1949/12/31,2015级,3班\n"
    "G340524198001010013,李娜,女,1980-01-01,2015级,3班\n"   // bad check character
    "L110105200802291234,\"王 𠀋明\",女,20080229,2015级,4班\n"  // name outside the BMP
    ",赵六,男,2008-01-01,2015级,4班\n";

}  // namespace

TEST(Roster, ParsesUtf8WithRejectedLines) {
  RosterParse p = parse_roster(kRoster);
  EXPECT_EQ(p.encoding, TextEncoding::Utf8);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].second.birth_date, "1949-12-31");
  EXPECT_EQ(p.rows[1].second.name, "王 𠀋明");
  ASSERT_EQ(p.rejected.size(), 2u);
  EXPECT_EQ(p.rejected[0].line, 3);
  EXPECT_NE(p.rejected[0].reason.find("check character"), std::string::npos);
  EXPECT_EQ(p.rejected[1].line, 5);
}

TEST(Roster, ReadsBomAndGb18030AndCrlf) {
  RosterParse bom = parse_roster("\xEF\xBB\xBF" + kRoster);
  EXPECT_EQ(bom.encoding, TextEncoding::Utf8Bom);
  EXPECT_EQ(bom.rows.size(), 2u);
  std::string crlf;
  for (char c : kRoster) {
    if (c == '\n') crlf += "\r\n";
    else crlf.push_back(c);
  }
  const std::string gb = convert_encoding(crlf, "UTF-8", "GB18030");
  ASSERT_NE(gb, crlf);
  RosterParse g = parse_roster(gb);
  EXPECT_EQ(g.encoding, TextEncoding::Gb18030);
  ASSERT_EQ(g.rows.size(), 2u);
  EXPECT_EQ(g.rows[0].second.name, "张伟");
  EXPECT_EQ(g.rows[1].second.name, "王 𠀋明");  // GB18030 four-byte sequence survives
  EXPECT_EQ(g.rejected.size(), 2u);
}

TEST(Roster, RefusesUnknownEncodingAndMissingColumns) {
  try {
    parse_roster(std::string("\xFF\xFE\x66\x5B", 4));
    FAIL() << "UTF-16 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadEncoding);
  }
  try {
    parse_roster(std::string("\x80\xFF\xFF\x00\x01", 5));
    FAIL() << "binary accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadEncoding);
  }
  try {
    parse_roster("学籍号,姓名,性别\nG11010519491231002X,张伟,男\n");
    FAIL() << "missing columns accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadFormat);
    EXPECT_NE(std::string(e.what()).find("出生日期"), std::string::npos);
  }
}

TEST(Roster, AcceptsDateFormsAndTsv) {
  EXPECT_EQ(normalize_date("2008-01-01"), "2008-01-01");
  EXPECT_EQ(normalize_date("2008/1/1"), "2008-01-01");
  EXPECT_EQ(normalize_date("20080101"), "2008-01-01");
  EXPECT_EQ(normalize_date("2008年1月1日"), "2008-01-01");
  EXPECT_EQ(normalize_date("2008-02-30"), "");
  RosterParse t = parse_roster("全国学籍号\t姓名\t性别\t出生日期\t年级\t班级\nG11010519491231002X\t张伟\t男\t19491231\t2015级\t3班\n");
  ASSERT_EQ(t.rows.size(), 1u);
}

TEST(Roster, ImportAddsThenUpdatesWithoutDuplicates) {
  TempDir dir;
  Catalog::create(dir / "arc");
  Catalog catalog(dir / "arc");
  xueji::testing::write_file(dir / "r.csv", kRoster);
  RosterImportResult first = import_roster(catalog, dir / "r.csv");
  EXPECT_EQ(first.added, 2);
  EXPECT_EQ(first.rejected.size(), 2u);
  std::string changed = kRoster;
  changed.replace(changed.find("3班"), std::string("3班").size(), "5班");
  xueji::testing::write_file(dir / "r.csv", changed);
  RosterImportResult second = import_roster(catalog, dir / "r.csv");
  EXPECT_EQ(second.added, 0);
  EXPECT_EQ(second.updated, 1);
  EXPECT_EQ(second.unchanged, 1);
  EXPECT_EQ(catalog.students().size(), 2u);
  EXPECT_EQ(catalog.find_student("G11010519491231002X")->class_name, "5班");
  EXPECT_EQ(catalog.find_student("L110105200802291234")->name, "王 𠀋明");
}

TEST(Roster, EveryRowRejectionReason) {
  const std::string csv =
      std::string("学籍号,姓名,性别,出生日期,年级,班级\n") +
      "G11010519491231002X,,男,1949-12-31,2015级,3班\n"          // 2: empty name
      "G11010519491231002X,张伟,男,1949-13-01,2015级,3班\n"      // 3: bad date
      "G11010519491231002X,张伟,男,1950-01-01,2015级,3班\n"      // 4: date differs from the ID
      "G11010519491231002X,张伟,男,1949年12月31日,2015级,3班\n"  // 5: accepted
      "G11010519491231002X,张伟,男,1949-12-31,2015级,3班\n"      // 6: twice in the file
      "G123,张伟,男,,2015级,3班\n"                                // 7: bad number
      + "G11010519491231002X,张" + std::string(1, '\0') + "伟,男,,2015级,3班\n";  // 8: NUL in the name
  const RosterParse p = parse_roster(csv);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].first, 5);
  std::map<int, std::string> reasons;
  for (const auto& r : p.rejected) reasons[r.line] = r.reason;
  EXPECT_NE(reasons[2].find("姓名 is empty"), std::string::npos);
  EXPECT_NE(reasons[3].find("not a valid date"), std::string::npos);
  EXPECT_NE(reasons[4].find("does not match"), std::string::npos);
  EXPECT_NE(reasons[6].find("appears twice"), std::string::npos);
  EXPECT_NE(reasons[7].find("18 characters"), std::string::npos);
  EXPECT_NE(reasons[8].find("NUL"), std::string::npos) << reasons[8];
}

// Issue 14, defect 10: an unbalanced quote must not merge rows into one record silently.
TEST(Roster, QuoteSpanningTwoRowsRejectsTheRecordWithBothLineNumbers) {
  const std::string header = "学籍号,姓名,性别,出生日期,年级,班级\n";
  // The quote opens in 姓名 on line 2 and closes on line 3: one RFC 4180 record over two lines.
  RosterParse p = parse_roster(header +
                               "G11010519491231002X,\"张伟,男,1949/12/31,2015级,3班\n"
                               "G370102200801023180,李四\",男,2008-01-02,2015级,3班\n"
                               "L110105200802291234,王明,女,20080229,2015级,4班\n");
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].second.id, "L110105200802291234");
  ASSERT_EQ(p.rejected.size(), 1u);
  EXPECT_EQ(p.rejected[0].line, 2);
  EXPECT_EQ(p.rejected[0].end_line, 3);
  EXPECT_NE(p.rejected[0].reason.find("line 2 to line 3"), std::string::npos) << p.rejected[0].reason;
  EXPECT_NE(p.rejected[0].reason.find("姓名 holds a line break"), std::string::npos) << p.rejected[0].reason;

  // The quote opens before the 学籍号: the record's 学籍号 holds two whole rows.
  RosterParse id = parse_roster(header +
                                "\"G11010519491231002X,张伟,男,1949/12/31,2015级,3班\n"
                                "G370102200801023180,李四,男,2008-01-02,2015级,3班\"\n");
  EXPECT_TRUE(id.rows.empty());
  ASSERT_EQ(id.rejected.size(), 1u);
  EXPECT_EQ(id.rejected[0].end_line, 3);
  EXPECT_NE(id.rejected[0].reason.find("学籍号 holds a line break"), std::string::npos) << id.rejected[0].reason;
}

TEST(Roster, QuoteNeverClosedLosesOnlyItsOwnLine) {
  RosterParse p = parse_roster(
      "学籍号,姓名,性别,出生日期,年级,班级\n"
      "G11010519491231002X,\"张伟,男,1949/12/31,2015级,3班\n"
      "G370102200801023180,李四,男,2008-01-02,2015级,3班\n"
      "L110105200802291234,王明,女,20080229,2015级,4班\n");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].first, 3);
  EXPECT_EQ(p.rows[1].first, 4);
  ASSERT_EQ(p.rejected.size(), 1u);
  EXPECT_EQ(p.rejected[0].line, 2);
  EXPECT_EQ(p.rejected[0].end_line, 2);
  EXPECT_NE(p.rejected[0].reason.find("never closed"), std::string::npos) << p.rejected[0].reason;
}

TEST(Roster, LineBreakInAQuotedNoteColumnIsStillRfc4180) {
  RosterParse p = parse_roster(
      "学籍号,姓名,性别,出生日期,年级,班级,备注\n"
      "G11010519491231002X,张伟,男,1949/12/31,2015级,3班,\"第一行\n第二行\"\n"
      "L110105200802291234,王明,女,20080229,2015级,4班,\n");
  EXPECT_TRUE(p.rejected.empty()) << p.rejected[0].reason;
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[1].first, 4);
}

TEST(Roster, BadGb18030ByteIsReportedWithLineAndOffset) {
  const std::string gb = convert_encoding(
      "学籍号,姓名,性别,出生日期,年级,班级\n"
      "G11010519491231002X,张伟,男,1949/12/31,2015级,3班\n"
      "L110105200802291234,王明,女,20080229,2015级,4班\n",
      "UTF-8", "GB18030");
  const size_t line3 = gb.find("L1101");
  ASSERT_NE(line3, std::string::npos);
  std::string bad = gb;
  bad.insert(line3 + 20, "\xFF");  // after "L110105200802291234,"
  try {
    parse_roster(bad);
    FAIL() << "a bad byte was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadEncoding);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("GB18030"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte offset " + std::to_string(line3 + 20)), std::string::npos) << msg;
    EXPECT_NE(msg.find("0xFF"), std::string::npos) << msg;
  }
}
