#include <gtest/gtest.h>

#include "models/id_mask.h"
#include "models/student_id.h"

using namespace xueji;

TEST(StudentId, CheckCharacterKnownAnswers) {
  EXPECT_EQ(id_check_character("11010519491231002"), 'X');
  EXPECT_NE(id_check_character("34052419800101001"), '3');
  EXPECT_FALSE(id_check_character("1101051949123100"));  // 16 digits
  EXPECT_FALSE(id_check_character("1101051949123100A"));
}

TEST(StudentId, AcceptsValidNumbers) {
  EXPECT_TRUE(check_student_id("G11010519491231002X").valid);
  EXPECT_TRUE(check_student_id("J11010519491231002X").valid);
  auto lower = check_student_id(" g11010519491231002x ");
  EXPECT_TRUE(lower.valid);
  EXPECT_EQ(lower.normalized, "G11010519491231002X");
  EXPECT_TRUE(check_student_id("L110105200802291234").valid);  // 2008-02-29 exists
}

TEST(StudentId, RejectsWithReason) {
  auto bad_check = check_student_id("G340524198001010013");
  EXPECT_FALSE(bad_check.valid);
  EXPECT_NE(bad_check.reason.find("check character"), std::string::npos);
  auto bad_date = check_student_id("L110105200702291234");  // 2007 is not a leap year
  EXPECT_FALSE(bad_date.valid);
  EXPECT_NE(bad_date.reason.find("not a real date"), std::string::npos);
  EXPECT_FALSE(check_student_id("").valid);
  EXPECT_FALSE(check_student_id("X11010519491231002X").valid);
  EXPECT_FALSE(check_student_id("G1101051949123100").valid);
  EXPECT_FALSE(check_student_id("L11010520080229123A").valid);
}

TEST(StudentId, EveryRejectionReason) {
  struct Case {
    const char* id;
    const char* reason;
  } cases[] = {
      {"", "empty"},
      {"Q11010519491231002X", "starts with G, J or L"},
      {"G11010519491231002", "18 characters after the letter, got 17"},
      {"J1101051949123100AX", "must be digits"},
      {"G110105194913310023", "not a real date"},           // month 13
      {"G340524198001010013", "check character is 3"},
      {"L11010520080101123", "18 digits"},
      {"L110105200800011234", "not a real date"},           // month 00
  };
  for (const Case& c : cases) {
    const auto r = check_student_id(c.id);
    EXPECT_FALSE(r.valid) << c.id;
    EXPECT_NE(r.reason.find(c.reason), std::string::npos) << c.id << ": " << r.reason;
  }
}

// The birth date of every 学籍号 and 身份证号 is masked, also when a search hit's 【】 or spaces run
// through the number or a snippet cut it; other numbers stay.
TEST(MaskIds, BirthDatesOfIdsAreMaskedWhereverTheyStand) {
  EXPECT_EQ(xueji::mask_ids("G110108200803151231 欧阳晓雯"), "G110108********1231 欧阳晓雯");
  EXPECT_EQ(xueji::mask_ids("身份证号 11010820080315123X。"), "身份证号 110108********123X。");
  EXPECT_EQ(xueji::mask_ids("G110108【20080315】1231"), "G110108【********】1231");
  EXPECT_EQ(xueji::mask_ids("1101 0820 0803 1512 31"), "1101 08** **** **12 31");
  EXPECT_EQ(xueji::mask_ids("…200803151231"), "…********1231");      // cut before the region
  EXPECT_EQ(xueji::mask_ids("G11010820080315…"), "G110108********…");  // cut after the date
  EXPECT_EQ(xueji::mask_ids("数学 95 语文 88 电话 13800138000 2015-09-01"), "数学 95 语文 88 电话 13800138000 2015-09-01");
}
