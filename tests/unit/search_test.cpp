#include <gtest/gtest.h>

#include "indexer/cjk_tokens.h"
#include "indexer/page_index.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/utf8.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::TempDir;

TEST(CjkTokens, UnigramsBigramsAndWords) {
  Tokens t = tokenize("张伟 G11010519491231002X 数学９５分，优秀");
  EXPECT_EQ(t.unigrams, "张 伟 g11010519491231002x 数 学 95 分 优 秀");
  // Punctuation and digits end a CJK run: no pair spans them.
  EXPECT_EQ(t.bigrams, "张伟 数学 优秀");
  // Whitespace inside a CJK run does not break it (OCR line breaks inside names and cells).
  EXPECT_EQ(tokenize("张\n伟明").bigrams, "张伟 伟明");
  EXPECT_EQ(u32_to_utf8(compact_folded("Ａ b\n张")), "ab张");
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Catalog::create(dir_ / "arc");
    catalog_ = std::make_unique<Catalog>(dir_ / "arc");
    catalog_->upsert_student({"G11010519491231002X", "欧阳晓雯", "女", "1949-12-31", "2015级", "3班", {}, {}, "在读"});
    catalog_->upsert_student({"L110105200802291234", "司马浩宇", "男", "2008-02-29", "2015级", "4班", {}, {}, "在读"});
    add("G11010519491231002X", "XJK", {"该生学习态度端正，上课认真听讲。\n数学 95", "热爱集体，团结同学。"});
    add("L110105200802291234", "CJD", {"语文 88 数学 91\n学习认真", "参加市级英语演讲比赛获得三等奖。"});
  }

  void add(const std::string& sid, const std::string& code, const std::vector<std::string>& pages) {
    sql::Transaction tx(catalog_->db());
    DocumentRecord d;
    d.student_id = sid;
    d.doc_type = code == "XJK" ? "学籍卡" : "成绩单";
    d.pdf_path = sid + "/" + sid + "-" + code + "-0001.pdf";
    for (size_t i = 0; i < pages.size(); ++i) {
      PageRecord p;
      p.number = static_cast<int>(i) + 1;
      p.source = "x.png";
      p.text = pages[i];
      d.pages.push_back(p);
    }
    long long id = catalog_->add_document(d);
    PageIndex index(catalog_->db());
    sql::Stmt st(catalog_->db(), "SELECT id, number FROM pages WHERE document_id=? ORDER BY number");
    st.bind(1, static_cast<int64_t>(id));
    auto s = catalog_->find_student(sid);
    while (st.step())
      index.add_page(st.integer(0), {sid, s->name, d.doc_type, d.doc_type},
                     pages[static_cast<size_t>(st.integer(1) - 1)]);
    tx.commit();
  }

  std::vector<SearchHit> search(const std::string& q) {
    PageIndex index(catalog_->db());
    return index.search(q, {100, 0});
  }

  TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(SearchTest, FindsTwoCharacterNameSubstrings) {
  auto hits = search("晓雯");
  ASSERT_FALSE(hits.empty());
  for (const auto& h : hits) EXPECT_EQ(h.student_id, "G11010519491231002X");
  hits = search("浩宇");
  ASSERT_FALSE(hits.empty());
  for (const auto& h : hits) EXPECT_EQ(h.name, "司马浩宇");
}

TEST_F(SearchTest, PhraseFindsExactPageWithSnippet) {
  auto hits = search("英语演讲比赛");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].student_id, "L110105200802291234");
  EXPECT_EQ(hits[0].page, 2);
  EXPECT_NE(hits[0].snippet.find("【英语演讲比赛】"), std::string::npos);
}

TEST_F(SearchTest, ExactSubstringSemantics) {
  // Both bigrams 学习 and 认真 occur on page 1 of the first student, but not in a row:
  // "学习态度端正，上课认真" must not match "学习认真"; page 1 of the second student has it
  // across a line break.
  auto hits = search("学习认真");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].student_id, "L110105200802291234");
  EXPECT_EQ(hits[0].page, 1);
  EXPECT_EQ(search("数学").size(), 2u);
  EXPECT_EQ(search("集").size(), 1u);       // one character
  EXPECT_EQ(search("数学 95").size(), 1u);  // implicit AND
  EXPECT_TRUE(search("不存在的词").empty());
  EXPECT_EQ(search("g110105").size(), 2u);  // ID prefix, case-folded, both pages of the document
}

TEST_F(SearchTest, MalformedQueriesGetClearErrors) {
  EXPECT_THROW(search("\"unbalanced"), Error);
  EXPECT_THROW(search("，。！"), Error);
  EXPECT_THROW(search(""), Error);
}
