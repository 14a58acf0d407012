#include <gtest/gtest.h>

#include <ctime>
#include <random>

#include "indexer/cjk_tokens.h"
#include "indexer/text_folder.h"
#include "indexer/page_index.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/sqlite.h"
#include "models/utf8.h"
#include "tests/test_util.h"

using namespace xueji;
using xueji::testing::TempDir;

TEST(CjkTokens, UnigramsBigramsAndWords) {
  TextFolder f;
  Tokens t = tokenize("张伟 G11010519491231002X 数学９５分，优秀", f);
  EXPECT_EQ(t.unigrams, "张 伟 g11010519491231002x 数 学 95 分 优 秀");
  // Punctuation and digits end a CJK run: no pair spans them.
  EXPECT_EQ(t.bigrams, "张伟 数学 优秀");
  // Whitespace inside a CJK run does not break it (OCR line breaks inside names and cells).
  EXPECT_EQ(tokenize("张\n伟明", f).bigrams, "张伟 伟明");
  EXPECT_EQ(u32_to_utf8(f.compact("Ａ b\n张")), "ab张");
  // Traditional folds to Simplified, character by character.
  EXPECT_EQ(u32_to_utf8(f.compact("學籍號 體檢")), "学籍号体检");
  EXPECT_EQ(tokenize("歐陽曉雯", f).bigrams, "欧阳 阳晓 晓雯");
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Catalog::create(dir_ / "arc");
    catalog_ = std::make_unique<Catalog>(dir_ / "arc");
    {
      Catalog::Write w(*catalog_);
      catalog_->upsert_student({"G11010519491231002X", "欧阳晓雯", "女", "1949-12-31", "2015级", "3班", {}, {}, "在读"});
      catalog_->upsert_student({"L110105200802291234", "司马浩宇", "男", "2008-02-29", "2015级", "4班", {}, {}, "在读"});
      w.commit();
    }
    add("G11010519491231002X", "XJK", {"该生学习态度端正，上课认真听讲。\n数学 95", "热爱集体，团结同学。"});
    add("L110105200802291234", "CJD", {"语文 88 数学 91\n学习认真", "参加市级英语演讲比赛获得三等奖。"});
  }

  void add(const std::string& sid, const std::string& code, const std::vector<std::string>& pages) {
    Catalog::Write tx(*catalog_);
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
    PageIndex index(*catalog_);
    auto s = catalog_->find_student(sid);
    for (const Catalog::PageRow& row : catalog_->page_rows(id))
      index.add_page(row.id, {sid, s->name, d.doc_type, d.doc_type}, pages[static_cast<size_t>(row.number - 1)]);
    tx.commit();
  }

  // The archive's database on a connection of the test's own, to inspect or tamper with it.
  sql::Db raw_db() { return sql::Db(dir_ / "arc" / Catalog::kDatabaseName, sql::Db::Mode::OpenExisting); }

  std::vector<SearchHit> search(const std::string& q) {
    PageIndex index(*catalog_);
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

TEST_F(SearchTest, TraditionalAndSimplifiedFindEachOther) {
  add("G11010519491231002X", "CJD", {"學習認真，成績優秀。"});  // a page in Traditional characters
  auto hits = search("学习认真");  // Simplified query, both scripts on the pages
  EXPECT_EQ(hits.size(), 2u);
  hits = search("成績優秀");  // Traditional query, Traditional page
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].snippet.find("【成績優秀】"), std::string::npos) << hits[0].snippet;  // the page as written
  EXPECT_EQ(search("歐陽曉雯").size(), 3u);  // a Traditional name query finds every page of hers (name field)
  EXPECT_EQ(search("９５").size(), 1u);     // full-width digits
}

TEST_F(SearchTest, OrExcludeAndFieldFilters) {
  EXPECT_EQ(search("英语 OR 集体").size(), 2u);
  EXPECT_EQ(search("数学 -95").size(), 1u);
  EXPECT_EQ(search("数学 -95")[0].student_id, "L110105200802291234");
  EXPECT_EQ(search("数学 student:L1101").size(), 1u);
  EXPECT_EQ(search("数学 student:g1101").size(), 1u);  // prefix, either case
  EXPECT_EQ(search("name:晓雯").size(), 2u);              // filter alone: all her pages
  EXPECT_EQ(search("数学 -name:晓雯").size(), 1u);
  EXPECT_EQ(search("数学 class:4").size(), 1u);
  EXPECT_EQ(search("数学 class:4班").size(), 1u);
  EXPECT_EQ(search("数学 class:1").size(), 0u);
  EXPECT_EQ(search("grade:2015").size(), 4u);
  EXPECT_EQ(search("type:成绩单").size(), 2u);
  EXPECT_EQ(search("type:XJK 集体").size(), 1u);
  EXPECT_EQ(search("-type:XJK 学习").size(), 1u);
  const std::string this_year = [] {
    const std::time_t t = std::time(nullptr);
    char b[8];
    std::strftime(b, sizeof b, "%Y", std::gmtime(&t));
    return std::string(b);
  }();
  EXPECT_EQ(search("year:" + this_year).size(), 4u);  // no document date: the capture year
  EXPECT_EQ(search("year:1999").size(), 0u);
  EXPECT_EQ(search("\"学习认真\" OR 集体").size(), 2u);
}

TEST_F(SearchTest, MalformedQueriesNameTheProblem) {
  auto message = [&](const std::string& q) {
    try {
      search(q);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("OR 数学").find("OR needs a word on its left"), std::string::npos);
  EXPECT_NE(message("数学 OR").find("OR needs a word on its right"), std::string::npos);
  EXPECT_NE(message("数学 OR -语文").find("excluded"), std::string::npos);
  EXPECT_NE(message("year:15").find("four-digit"), std::string::npos);
  EXPECT_NE(message("student:G11%").find("学籍号"), std::string::npos);
  EXPECT_NE(message("grade:").find("needs a value"), std::string::npos);
  EXPECT_NE(message(std::string(1001, 'a')).find("too long"), std::string::npos);
  EXPECT_NE(message("\xff\xfe").find("UTF-8"), std::string::npos);
}

TEST_F(SearchTest, RebuildGivesTheSameAnswers) {
  const auto before = search("数学");
  {
    sql::Db db = raw_db();
    db.exec("INSERT INTO page_fts(page_fts) VALUES('delete-all')");
    db.exec("DELETE FROM page_fts_meta");
  }
  EXPECT_TRUE(search("数学").empty());
  {
    Catalog::Write tx(*catalog_);
    PageIndex index(*catalog_);
    EXPECT_EQ(index.rebuild(), 4);
    tx.commit();
  }
  const auto after = search("数学");
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].snippet, before[i].snippet);
}

// Random and hostile queries: a result or an Error(InvalidArgument), never a crash or an SQL
// error.
TEST_F(SearchTest, FuzzedQueriesGiveResultsOrClearErrors) {
  std::mt19937 rng(20261128);
  const std::vector<std::string> pieces = {"\"", "*", "^", "(", ")", ":", "-", "OR", "AND", "NOT", "NEAR", "{", "}",
                                           "数学", "學", "晓雯", "G1101", "student:", "name:", "type:", "year:2015",
                                           "\xed\xa0\x80",  // a lone surrogate, as UTF-8 bytes
                                           "\xff", "\xc0\xaf", "　", "，", "😀", "𠀀", "'", ";", "--", "%", "_", "\\"};
  int results = 0, errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string q;
    const int n = static_cast<int>(rng() % 8) + 1;
    for (int k = 0; k < n; ++k) {
      if (rng() % 4 == 0) {  // random code point, sometimes invalid
        const char32_t c = static_cast<char32_t>(rng() % 0x11000);
        q += (c >= 0xD800 && c <= 0xDFFF) ? std::string("\xed\xb0\x80") : u32_to_utf8(std::u32string(1, c ? c : U'x'));
      } else {
        q += pieces[rng() % pieces.size()];
      }
      if (rng() % 2) q += " ";
    }
    try {
      search(q);
      ++results;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << q << ": " << e.what();
      ++errors;
    }
  }
  EXPECT_GT(results, 100);
  EXPECT_GT(errors, 100);
  // 10,000 characters: a clear error, quickly.
  EXPECT_THROW(search(std::string(10000, 'x')), Error);
  std::string long_cjk;
  for (int i = 0; i < 10000; ++i) long_cjk += "学";
  EXPECT_THROW(search(long_cjk), Error);
}

// A term on thousands of pages: results come from a ranked window of the first matches, and a
// filter that selects pages beyond that window still finds them (the query runs again over all
// matches), as does asking for more hits than the window holds.
TEST_F(SearchTest, CommonTermsBeyondTheRankingWindow) {
  std::vector<std::string> many(2500, "该学生表现良好。");
  add("G11010519491231002X", "CJD", many);
  add("L110105200802291234", "XJK", {"该学生表现良好，成绩优秀。"});
  PageIndex index(*catalog_);
  const auto first = index.search("学生", {20, 0});
  EXPECT_EQ(first.size(), 20u);
  const auto filtered = index.search("学生 student:L1101", {20, 0});
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].student_id, "L110105200802291234");
  EXPECT_EQ(index.search("学生", {5000, 0}).size(), 2501u);
}

TEST_F(SearchTest, TotalsAreExactUnlessTheWindowOverflows) {
  PageIndex index(*catalog_);
  // Exact: every candidate was checked (a one-character term that is also a false candidate
  // nowhere; two pages hold 数学).
  auto r = index.search_with_total("数学", {1, 0});
  EXPECT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.total, 2);
  EXPECT_TRUE(r.total_exact);
  EXPECT_NE(r.hits[0].page_id, 0);
  // Filters alone are counted by SQL.
  r = index.search_with_total("type:成绩单", {1, 0});
  EXPECT_EQ(r.total, 2);
  EXPECT_TRUE(r.total_exact);
  r = index.search_with_total("name:晓雯", {1, 0});
  EXPECT_EQ(r.total, 2);
  // Over the ranking window: an estimate from the part of the page-id range the window covered.
  std::vector<std::string> many(2500, "该学生表现良好。");
  add("G11010519491231002X", "CJD", many);
  r = index.search_with_total("学生", {20, 0});
  EXPECT_EQ(r.hits.size(), 20u);
  EXPECT_FALSE(r.total_exact);
  EXPECT_NEAR(static_cast<double>(r.total), 2500.0, 125.0);  // within 5 %
  // Without details: no snippets or boxes, same hits.
  const auto plain = index.search_with_total("数学", {10, 0, false});
  ASSERT_EQ(plain.hits.size(), 2u);
  EXPECT_TRUE(plain.hits[0].snippet.empty());
}

TEST_F(SearchTest, RemovingPagesLeavesNothingInTheContentlessIndex) {
  auto fts_count = [&](const std::string& match) {
    sql::Db db = raw_db();
    sql::Stmt st(db, "SELECT count(*) FROM page_fts WHERE page_fts MATCH ?");
    st.bind(1, match);
    st.step();
    return st.integer(0);
  };
  EXPECT_EQ(fts_count("body_bi:数学"), 2);
  EXPECT_EQ(fts_count("meta_uni:g11010519491231002x"), 2);
  {
    Catalog::Write tx(*catalog_);
    PageIndex index(*catalog_);
    for (const DocumentRecord& d : catalog_->documents())
      for (const Catalog::PageRow& row : catalog_->page_rows(d.id)) index.remove_page(row.id);
    tx.commit();
  }
  // The 'delete' command took out exactly the tokens that were indexed.
  EXPECT_EQ(fts_count("body_bi:数学"), 0);
  EXPECT_EQ(fts_count("meta_uni:g11010519491231002x"), 0);
  EXPECT_EQ(fts_count("body_uni:学"), 0);
  sql::Db db = raw_db();
  db.exec("INSERT INTO page_fts(page_fts) VALUES('integrity-check')");
  sql::Stmt left(db, "SELECT count(*) FROM page_fts_meta");
  left.step();
  EXPECT_EQ(left.integer(0), 0);
  EXPECT_TRUE(search("数学").empty());
}

// Index changes belong to the caller's Catalog::Write, like every other change to the catalog.
TEST_F(SearchTest, IndexChangesOutsideACatalogWriteAreRefused) {
  PageIndex index(*catalog_);
  const auto doc = catalog_->documents().front();
  const auto rows = catalog_->page_rows(doc.id);
  try {
    index.remove_page(rows.front().id);
    FAIL() << "a page left the index outside a Write";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Database);
    EXPECT_NE(std::string(e.what()).find("outside a catalog write"), std::string::npos);
  }
  EXPECT_THROW(index.add_page(rows.front().id, {doc.student_id, "欧阳晓雯", doc.doc_type, doc.title}, "x"), Error);
  EXPECT_THROW(index.rebuild(), Error);
  EXPECT_EQ(search("数学").size(), 2u);  // nothing changed
}

// An index of the older, contentful form is replaced and rebuilt when the index is opened.
TEST_F(SearchTest, AnOlderIndexFormIsReplacedAndRebuilt) {
  const auto before = search("数学");
  {
    sql::Db db = raw_db();
    db.exec("DROP TABLE page_fts");
    db.exec("CREATE VIRTUAL TABLE page_fts USING fts5(meta_uni, meta_bi, body_uni, body_bi)");
  }
  const auto after = search("数学");
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].page_id, before[i].page_id);
  sql::Db db = raw_db();
  sql::Stmt st(db, "SELECT sql FROM sqlite_master WHERE name='page_fts'");
  ASSERT_TRUE(st.step());
  EXPECT_NE(st.text(0).find("content=''"), std::string::npos);
}
