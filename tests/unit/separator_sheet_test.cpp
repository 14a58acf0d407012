// The separator sheets' QR payload: round trips, the documented format, and refusal of every
// corruption (a misread must never select another student). Detection is tested on rendered
// sheets in tests/e2e/separator_sheets_test.cpp.
#include <gtest/gtest.h>

#include <cctype>

#include <opencv2/core.hpp>

#include "capture/separator_sheet.h"
#include "models/error.h"
#include "models/sha256.h"

using namespace xueji;

namespace {

const std::string kId = "G110108200501011231";

SheetCode student(const std::string& id) { return {SheetKind::Student, id, {}}; }
SheetCode doctype(const std::string& name) { return {SheetKind::DocType, {}, name}; }
SheetCode next_doc() { return {SheetKind::NextDocument, {}, {}}; }

}  // namespace

TEST(SeparatorPayload, RoundTripsEveryKind) {
  for (const SheetCode& c : {student(kId), student("J110108200501011234"), student("L11010820050101123"), next_doc(),
                             doctype("成绩单"), doctype("学籍卡"), doctype("毕业生登记表"), doctype("综合素质评价"),
                             doctype("转学/休学材料"), doctype("体检表（初中）"), doctype("A:B:C"), doctype("其他")}) {
    const std::string text = encode_sheet_payload(c);
    const auto back = parse_sheet_payload(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, c) << text;
    EXPECT_TRUE(has_sheet_prefix(text));
  }
}

TEST(SeparatorPayload, FormatIsAsDocumented) {
  EXPECT_EQ(encode_sheet_payload(next_doc()), "XJSEP1:T:" + sha256_hex("XJSEP1:T:").substr(0, 8));
  const std::string s = "XJSEP1:S:" + kId + ":";
  EXPECT_EQ(encode_sheet_payload(student(kId)), s + sha256_hex(s).substr(0, 8));
  const std::string d = "XJSEP1:D:成绩单:";
  EXPECT_EQ(encode_sheet_payload(doctype("成绩单")), d + sha256_hex(d).substr(0, 8));
}

TEST(SeparatorPayload, EveryOneCharacterChangeIsRefused) {
  for (const SheetCode& c : {student(kId), doctype("毕业生登记表"), next_doc()}) {
    const std::string good = encode_sheet_payload(c);
    int changes = 0;
    for (size_t i = 0; i < good.size(); ++i)
      for (char repl : {'0', '7', 'X', 'a', 'f', ':', 'S', 'D', 'T', ' ', '\xE6'}) {
        if (good[i] == repl) continue;
        std::string bad = good;
        bad[i] = repl;
        ++changes;
        EXPECT_FALSE(parse_sheet_payload(bad)) << "accepted: " << bad;
      }
    EXPECT_GT(changes, 100);
  }
}

TEST(SeparatorPayload, AnotherStudentsNumberWithTheOldCheckIsRefused) {
  const std::string good = encode_sheet_payload(student(kId));
  std::string other = good;
  other.replace(other.find(kId), kId.size(), "G110108200501011258");
  EXPECT_FALSE(parse_sheet_payload(other));
}

TEST(SeparatorPayload, OtherPrefixesAndShapesAreRefused) {
  const std::string good = encode_sheet_payload(student(kId));
  const std::string check = good.substr(good.size() - 8);
  std::string upper_check = good;
  for (size_t i = good.size() - 8; i < good.size(); ++i) upper_check[i] = static_cast<char>(std::toupper(upper_check[i]));
  for (const std::string& bad : std::vector<std::string>{
           "", "XJSEP1", "XJSEP1:", "XJSEP1:T:", "XJSEP1:T", "xjsep1:S:" + kId + ":" + check,
           "XJSEP2:S:" + kId + ":" + check, "XJSEP1:X:" + kId + ":" + check, "XJSEP1:S:" + kId + check,
           good + " ", " " + good, good + "\n", good + "0", good.substr(0, good.size() - 1), "https://example.com/" + good,
           "XJSEP1:S::" + sha256_hex("XJSEP1:S::").substr(0, 8),   // no number
           "XJSEP1:D::" + sha256_hex("XJSEP1:D::").substr(0, 8),   // no type
           "XJSEP1:T:x:" + sha256_hex("XJSEP1:T:x:").substr(0, 8),  // T carries nothing
           "XJSEP1:S:G1101 08:" + sha256_hex("XJSEP1:S:G1101 08:").substr(0, 8)}) {
    EXPECT_FALSE(parse_sheet_payload(bad)) << "accepted: " << bad;
  }
  if (upper_check != good) {
    EXPECT_FALSE(parse_sheet_payload(upper_check));
  }
  EXPECT_TRUE(has_sheet_prefix("XJSEP2:whatever"));
  EXPECT_FALSE(has_sheet_prefix("https://example.com"));
}

TEST(SeparatorPayload, EncodingRefusesWhatCannotBeRead) {
  for (const std::string& id : {std::string(), std::string("G1101:08"), std::string("G110108 2005"), std::string("学籍号"),
                                std::string(33, '1')})
    EXPECT_THROW(encode_sheet_payload(student(id)), Error) << id;
  for (const std::string& name : {std::string(), std::string("成绩\n单"), std::string("\xE6\x88"), std::string(97, 'a')})
    EXPECT_THROW(encode_sheet_payload(doctype(name)), Error);
  try {
    encode_sheet_payload(student(""));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

TEST(SeparatorDetect, RefusesImagesItCannotRead) {
  EXPECT_THROW(detect_separator_sheet(cv::Mat()), Error);
  EXPECT_THROW(detect_separator_sheet(cv::Mat(100, 100, CV_16UC1, cv::Scalar(0))), Error);
  EXPECT_THROW(detect_separator_sheet(cv::Mat(100, 100, CV_8UC2, cv::Scalar(0))), Error);
}

TEST(SeparatorDetect, PlainPagesAreNeitherFoundNorMisread) {
  for (const cv::Mat& m : {cv::Mat(3508, 2480, CV_8UC1, cv::Scalar(255)), cv::Mat(3508, 2480, CV_8UC3, cv::Scalar(20, 20, 20)),
                           cv::Mat(10, 7, CV_8UC1, cv::Scalar(128)), cv::Mat(2339, 1654, CV_8UC4, cv::Scalar(240, 240, 240, 255))}) {
    const SheetReport r = detect_separator_sheet(m);
    EXPECT_FALSE(r.found);
    EXPECT_FALSE(r.misread);
    EXPECT_EQ(r.confidence, 0);
  }
  cv::Mat noise(3508, 2480, CV_8UC1);
  cv::randu(noise, 0, 256);
  const SheetReport r = detect_separator_sheet(noise);
  EXPECT_FALSE(r.found);
  EXPECT_FALSE(r.misread) << r.message;
}
