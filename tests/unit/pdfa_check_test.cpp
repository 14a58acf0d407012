#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "archive/pdfa_check.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::read_file;

namespace {

const std::filesystem::path kFuzz = XUEJI_FUZZ_DIR;

bool mentions(const std::vector<std::string>& problems, const std::string& part) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(part) != std::string::npos; });
}

}  // namespace

// The fuzz seeds are one-page archive PDFs from PdfWriter: each passes at its own level and
// fails at the other, read from the file or from memory alike.
TEST(PdfaCheck, FileAndBytesAgreeOnTheWritersFiles) {
  for (const auto& [name, level] : {std::pair{"page-1b-gray.pdf", PdfaLevel::A1b},
                                    std::pair{"page-2b-color.pdf", PdfaLevel::A2b}}) {
    const auto file = kFuzz / "corpus/pdfa_check" / name;
    const std::string bytes = read_file(file);
    const PdfaLevel other = level == PdfaLevel::A1b ? PdfaLevel::A2b : PdfaLevel::A1b;
    int pages_file = 0, pages_bytes = 0;
    EXPECT_TRUE(check_pdfa(file, level, &pages_file).empty()) << name;
    EXPECT_TRUE(check_pdfa_bytes(bytes, level, &pages_bytes).empty()) << name;
    EXPECT_EQ(pages_file, 1);
    EXPECT_EQ(pages_bytes, 1);
    EXPECT_EQ(check_pdfa(file, other), check_pdfa_bytes(bytes, other)) << name;
    EXPECT_TRUE(mentions(check_pdfa_bytes(bytes, other), "metadata: XMP declares part")) << name;
  }
}

TEST(PdfaCheck, BytesThatAreNoPdfAreReportedNotThrown) {
  for (const std::string bytes : {std::string(), std::string("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
                                  std::string("\0\0\0garbage", 10)}) {
    const auto problems = check_pdfa_bytes(bytes, PdfaLevel::A2b);
    EXPECT_TRUE(mentions(problems, "structure: ")) << bytes.size();
  }
}

// Regression (fuzzing): the XMP lookup used std::regex, whose matcher recurses once per
// character: a 100,000-character dc:title overflowed the stack (SIGSEGV in check_pdfa, so in
// `xueji verify`). The value is now found, and agrees with Info's /Title.
TEST(PdfaCheck, LongXmpValueIsReadWithoutOverflowingTheStack) {
  const auto file = kFuzz / "regressions/pdfa_check/xmp-title-100000-chars.pdf";
  int pages = 0;
  const auto problems = check_pdfa(file, PdfaLevel::A2b, &pages);
  EXPECT_EQ(pages, 1);
  EXPECT_FALSE(mentions(problems, "metadata: XMP declares part")) << "pdfaid:part 2, conformance B";
  EXPECT_FALSE(mentions(problems, "does not agree with XMP dc:title"));
  EXPECT_TRUE(mentions(problems, "output intent"));  // the file has none: the check did run
  EXPECT_EQ(problems, check_pdfa_bytes(read_file(file), PdfaLevel::A2b));
}
