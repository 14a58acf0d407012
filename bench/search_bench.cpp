// Search at scale: builds an archive of N synthetic pages of school-record text (names, 学籍号,
// subjects and scores, teachers' comments, awards), indexes them with Xueji's index and, in the
// same run, with SQLite's built-in trigram FTS5 over the same texts, then runs a fixed query mix
// and reports build rate, index size, latency percentiles (overall and per query kind; Xueji's
// latency is the first 20 results plus the total) and, for both, recall/precision of all hits
// against a brute-force substring scan (memmem over the folded UTF-8 texts, a type: filter
// applied by the page's document kind; every query, or the first K with --recall-queries K).
//   build/bench/search_bench --pages 100000 [--queries 1000] [--recall-queries K] [--json OUT]
//
// Query mix (kinds in fixed shares, content by the seed): 60 % names and 学籍号 (full names, two-character given names,
// ID prefixes), 20 % phrases of 3-8 characters cut from random pages, 10 % common one- and
// two-character terms (学生, 成绩, 优秀 …) with and without filters, 10 % Traditional-character
// and full-width forms of the above.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "indexer/page_index.h"
#include "indexer/text_folder.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/sqlite.h"
#include "models/student_id.h"
#include "models/utf8.h"

using namespace xueji;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

const std::vector<std::string> kSurnames = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马",
                                            "朱", "胡", "郭", "何", "林", "罗", "高", "欧阳", "司马", "诸葛", "郑", "谢"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰",
                                         "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍",
                                         "红", "鹏", "晓", "雯", "浩", "宇", "子", "涵", "欣", "怡", "思", "远", "博", "文"};
const std::vector<std::string> kSubjects = {"语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治", "体育", "音乐", "美术"};
const std::vector<std::string> kComments = {
    "该生学习态度端正，上课认真听讲，积极回答问题。", "热爱集体，团结同学，乐于助人。", "担任班级学习委员，工作认真负责，深受同学信赖。",
    "作业书写工整，按时完成，希望今后继续努力。", "性格开朗，兴趣广泛，喜爱阅读和绘画。", "在语文学习上还需加强，多读多写，提高表达能力。",
    "积极参加学校组织的各项活动，表现突出。", "尊敬师长，遵守纪律，是一名优秀的学生。", "思维敏捷，善于思考，数学成绩优秀。",
    "参加市级英语演讲比赛获得三等奖。", "发育正常，各项指标均在正常范围内。", "建议加强体育锻炼，注意用眼卫生。",
    "被评为校级三好学生。", "获得区数学竞赛一等奖。", "热心公益，多次参加社区志愿服务。", "准予毕业。"};
const std::vector<std::string> kCommon = {"学生", "成绩", "优秀", "学习", "同学", "认真", "语文", "数学", "学", "生", "班", "年"};
const std::vector<std::string> kKinds = {"学籍卡", "成绩单", "体检表", "奖惩记录", "毕业生登记表"};

std::string make_id(std::mt19937& rng) {
  static const char* areas[] = {"110105", "110108", "310104", "330106", "440305", "510107", "130602"};
  char body[18];
  std::snprintf(body, sizeof body, "%s%04d%02d%02d%03d", areas[rng() % 7], 2000 + static_cast<int>(rng() % 12),
                1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28), static_cast<int>(rng() % 1000));
  return std::string("G") + body + *id_check_character(body);
}

struct Corpus {
  std::vector<Student> students;
  struct Page {
    size_t student;
    int kind, number;
    std::string text;
  };
  std::vector<Page> pages;
};

Corpus make_corpus(int n_pages, unsigned seed) {
  std::mt19937 rng(seed);
  Corpus c;
  const int per_student = 10;  // 5 documents of 2 pages
  std::set<std::string> ids;
  for (int s = 0; s * per_student < n_pages; ++s) {
    Student st;
    do st.id = make_id(rng);
    while (!ids.insert(st.id).second);
    st.name = kSurnames[rng() % kSurnames.size()] + kGiven[rng() % kGiven.size()] +
              (rng() % 3 ? kGiven[rng() % kGiven.size()] : "");
    st.gender = rng() % 2 ? "男" : "女";
    st.birth_date = st.id.substr(7, 4) + "-" + st.id.substr(11, 2) + "-" + st.id.substr(13, 2);
    st.grade = std::to_string(2010 + rng() % 15) + "级";
    st.class_name = std::to_string(1 + rng() % 12) + "班";
    c.students.push_back(st);
    for (int k = 0; k < 5; ++k)
      for (int p = 1; p <= 2 && static_cast<int>(c.pages.size()) < n_pages; ++p) {
        std::string t = kKinds[static_cast<size_t>(k)] + "\n姓名 " + st.name + " 性别 " + st.gender + " 学籍号 " + st.id +
                        "\n年级 " + st.grade + " 班级 " + st.class_name + "\n";
        for (int i = 0; i < 4; ++i)
          t += kSubjects[rng() % kSubjects.size()] + " " + std::to_string(55 + rng() % 45) + " ";
        t += "\n" + std::to_string(2010 + rng() % 15) + "年" + std::to_string(1 + rng() % 12) + "月\n";
        for (int i = 0; i < 3; ++i) t += kComments[rng() % kComments.size()] + "\n";
        c.pages.push_back({c.students.size() - 1, k, p, t});
      }
  }
  return c;
}

struct Query {
  std::string text, kind;
  std::string term;  // the one text term, for the brute-force check
  int type = -1;     // a type: filter (document kind), for the brute-force check
};

std::vector<Query> make_queries(const Corpus& c, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Query> q;
  ChineseFolder to_trad("s2t.json");
  for (int i = 0; i < n; ++i) {
    // Kinds in fixed shares (i % 100), so any 100 consecutive queries hold the stated mix
    // exactly: 60 names and IDs, 20 phrases, 10 common terms, 10 Traditional / full-width.
    const int r = i % 100;
    const Student& s = c.students[rng() % c.students.size()];
    if (r < 25) q.push_back({s.name, "name", s.name});
    else if (r < 40) {
      const std::u32string u = utf8_to_u32(s.name);
      const std::string given = u32_to_utf8(u.substr(u.size() >= 2 ? u.size() - 2 : 0));
      q.push_back({given, "given name", given});
    } else if (r < 50) q.push_back({s.id, "id", s.id});
    else if (r < 60) {
      const std::string prefix = s.id.substr(0, 8 + rng() % 8);
      q.push_back({prefix, "id prefix", prefix});
    } else if (r < 80) {
      const std::u32string t = utf8_to_u32(c.pages[rng() % c.pages.size()].text);
      std::u32string phrase;
      for (int tries = 0; tries < 50 && phrase.empty(); ++tries) {
        const size_t len = 3 + rng() % 6, at = rng() % t.size();
        if (at + len > t.size()) continue;
        const std::u32string cand = t.substr(at, len);
        if (std::all_of(cand.begin(), cand.end(), [](char32_t ch) { return ch >= 0x4E00 && ch <= 0x9FFF; })) phrase = cand;
      }
      if (phrase.empty()) phrase = U"学习态度";
      q.push_back({u32_to_utf8(phrase), "phrase", u32_to_utf8(phrase)});
    } else if (r < 90) {
      const std::string term = kCommon[rng() % kCommon.size()];
      if (rng() % 2) q.push_back({term, "common", term});
      else {
        const int k = static_cast<int>(rng() % kKinds.size());
        q.push_back({term + " type:" + kKinds[static_cast<size_t>(k)], "common+filter", term, k});
      }
    } else if (r < 95) {
      const std::string trad = to_trad.fold(s.name);
      q.push_back({trad, "traditional", trad});
    } else {
      std::string fw;  // a 学籍号 prefix in full-width letters and digits (Ｇ１１０１０５)
      for (char ch : s.id.substr(0, 7)) fw += u32_to_utf8(std::u32string(1, static_cast<char32_t>(0xFEE0 + static_cast<unsigned char>(ch))));
      q.push_back({fw, "full-width", fw});
    }
  }
  return q;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

long long bytes_on_disk(const fs::path& p) {
  std::error_code ec;
  long long n = 0;
  for (const char* ext : {"", "-wal"}) {
    const auto s = fs::file_size(p.string() + ext, ec);
    if (!ec) n += static_cast<long long>(s);
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int n_pages = 100000, n_queries = 1000, recall_queries = -1;
  std::string json_out;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--pages") n_pages = std::stoi(argv[i + 1]);
    else if (a == "--queries") n_queries = std::stoi(argv[i + 1]);
    else if (a == "--json") json_out = argv[i + 1];
    else if (a == "--recall-queries") recall_queries = std::stoi(argv[i + 1]);
  }
  const fs::path dir = fs::temp_directory_path() / ("xueji-search-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Corpus corpus = make_corpus(n_pages, 7);
  nlohmann::json out = {{"pages", corpus.pages.size()}, {"students", corpus.students.size()}};

  // Xueji: the catalog with documents and pages, then the index, in batches of 1,000 pages.
  Catalog::create(dir / "arc");
  Catalog catalog(dir / "arc", "bench");
  {
    Catalog::Write tx(catalog);
    for (const Student& s : corpus.students) catalog.upsert_student(s);
    tx.commit();
  }
  std::vector<int64_t> page_ids;
  double catalog_ms = 0, index_ms = 0;
  {
    PageIndex index(catalog);
    size_t i = 0;
    while (i < corpus.pages.size()) {
      Catalog::Write tx(catalog);
      const size_t end = std::min(corpus.pages.size(), i + 1000);
      while (i < end) {
        const auto& first = corpus.pages[i];
        DocumentRecord d;
        d.student_id = corpus.students[first.student].id;
        d.doc_type = kKinds[static_cast<size_t>(first.kind)];
        d.title = d.doc_type + " " + corpus.students[first.student].name;
        d.pdf_path = d.student_id + "-" + std::to_string(first.kind) + ".pdf";
        size_t j = i;
        for (; j < corpus.pages.size() && corpus.pages[j].student == first.student && corpus.pages[j].kind == first.kind; ++j) {
          PageRecord p;
          p.number = corpus.pages[j].number;
          p.source = "bench";
          p.text = corpus.pages[j].text;
          d.pages.push_back(p);
        }
        auto t0 = Clock::now();
        const long long doc = catalog.add_document(d);
        catalog_ms += ms_since(t0);
        t0 = Clock::now();
        size_t k = i;
        for (const Catalog::PageRow& row : catalog.page_rows(doc)) {
          page_ids.push_back(row.id);
          index.add_page(row.id, {d.student_id, corpus.students[first.student].name, d.doc_type, d.title},
                         corpus.pages[k++].text);
        }
        index_ms += ms_since(t0);
        i = j;
      }
      tx.commit();
    }
  }
  long long fts_bytes = 0;
  {  // measured on a connection of its own (the catalog keeps its SQL to itself)
    sql::Db db(dir / "arc" / Catalog::kDatabaseName, sql::Db::Mode::OpenExisting);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    sql::Stmt st(db, "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'page_fts%'");
    if (st.step()) fts_bytes = st.integer(0);
  }
  out["xueji"] = {{"index_pages_per_s", corpus.pages.size() / (index_ms / 1000)},
                  {"catalog_and_index_pages_per_s", corpus.pages.size() / ((index_ms + catalog_ms) / 1000)},
                  {"index_bytes", fts_bytes},
                  {"index_bytes_per_page", static_cast<double>(fts_bytes) / static_cast<double>(corpus.pages.size())}};

  // Trigram baseline over the same texts (body + the same metadata), its own database.
  sql::Db tri(dir / "trigram.db", sql::Db::Mode::Create);
  tri.exec("PRAGMA journal_mode=WAL");
  tri.exec("CREATE VIRTUAL TABLE tri USING fts5(meta, body, tokenize='trigram')");
  auto t0 = Clock::now();
  {
    sql::Transaction tx(tri);
    sql::Stmt ins(tri, "INSERT INTO tri(rowid, meta, body) VALUES(?,?,?)");
    for (size_t i = 0; i < corpus.pages.size(); ++i) {
      const Student& s = corpus.students[corpus.pages[i].student];
      ins.reset();
      ins.bind(1, page_ids[i]).bind(2, s.id + " " + s.name + " " + kKinds[static_cast<size_t>(corpus.pages[i].kind)]).bind(3, corpus.pages[i].text);
      ins.run();
    }
    tx.commit();
  }
  const double tri_ms = ms_since(t0);
  tri.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  long long tri_index_only = 0;  // without its own copy of the texts (tri_content)
  {
    sql::Stmt st(tri, "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'tri%' AND name <> 'tri_content'");
    if (st.step()) tri_index_only = st.integer(0);
  }
  out["trigram"] = {{"index_pages_per_s", corpus.pages.size() / (tri_ms / 1000)},
                    {"index_bytes", bytes_on_disk(dir / "trigram.db")},
                    {"index_bytes_without_content", tri_index_only},
                    {"index_bytes_per_page", static_cast<double>(bytes_on_disk(dir / "trigram.db")) / static_cast<double>(corpus.pages.size())}};

  // Brute force: folded, whitespace-free page text plus the record's fields, as UTF-8 in one
  // buffer (a UTF-8 substring match is a character substring match), searched with memmem.
  TextFolder folder;
  std::string haystack;
  std::vector<size_t> starts;  // where each page begins in `haystack`
  for (const auto& p : corpus.pages) {
    const Student& s = corpus.students[p.student];
    starts.push_back(haystack.size());
    haystack += u32_to_utf8(folder.compact(p.text)) + "\x1f" +
                u32_to_utf8(folder.compact(s.id + " " + s.name + " " + kKinds[static_cast<size_t>(p.kind)])) + "\x1e";
  }
  auto brute_force = [&](const std::string& needle, int type) {
    std::set<int64_t> found;
    if (needle.empty()) return found;
    const char* base = haystack.data();
    const char* end = base + haystack.size();
    for (const char* at = base; at < end;) {
      const void* hit = memmem(at, static_cast<size_t>(end - at), needle.data(), needle.size());
      if (!hit) break;
      const size_t pos = static_cast<size_t>(static_cast<const char*>(hit) - base);
      const size_t page = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), pos) - starts.begin()) - 1;
      if (type < 0 || corpus.pages[page].kind == type) found.insert(page_ids[page]);
      at = base + (page + 1 < starts.size() ? starts[page + 1] : haystack.size());
    }
    return found;
  };
  const std::vector<Query> queries = make_queries(corpus, n_queries, 11);
  PageIndex index(catalog);
  std::vector<double> ours_ms, tri_lat;
  std::map<std::string, std::vector<double>> ours_by_kind, tri_by_kind;
  // Latency: the first 20 results and the total (exact or estimated), as the CLI asks.
  long long estimated_totals = 0;
  for (const Query& q : queries) {
    auto t = Clock::now();
    try {
      estimated_totals += index.search_with_total(q.text, {20, 0}).total_exact ? 0 : 1;
    } catch (const Error&) {
    }
    ours_ms.push_back(ms_since(t));
    ours_by_kind[q.kind].push_back(ours_ms.back());
    t = Clock::now();
    {
      sql::Stmt st(tri, "SELECT rowid FROM tri WHERE tri MATCH ? ORDER BY rank LIMIT 20");
      st.bind(1, "\"" + q.term + "\"");
      try {
        while (st.step()) {
        }
      } catch (const Error&) {
      }
    }
    tri_lat.push_back(ms_since(t));
    tri_by_kind[q.kind].push_back(tri_lat.back());
  }
  auto by_kind = [](const std::map<std::string, std::vector<double>>& m) {
    nlohmann::json j;
    for (const auto& [kind, v] : m)
      j[kind] = {{"n", v.size()}, {"p50", percentile(v, 0.5)}, {"p95", percentile(v, 0.95)}, {"max", percentile(v, 1.0)}};
    return j;
  };
  {  // the latency figures first (the recall pass below is long at large sizes)
    const nlohmann::json lat = by_kind(ours_by_kind);
    std::cerr << "latency p50/p95/p99 " << percentile(ours_ms, 0.5) << " " << percentile(ours_ms, 0.95) << " "
              << percentile(ours_ms, 0.99) << " by kind " << lat.dump() << std::endl;
  }
  // Recall and precision of all hits against the brute-force set (with --recall-queries only
  // the first N queries).
  long long expected_total = 0, found_total = 0, false_total = 0, tri_found_total = 0, tri_false = 0;
  std::map<std::string, std::pair<long long, long long>> recall_by_kind, tri_recall_by_kind;  // expected, found
  int checked_queries = 0;
  double common_min_share = 1.0;  // the least common "common term": share of pages it is on
  for (const Query& q : queries) {
    if (recall_queries >= 0 && &q - queries.data() >= recall_queries) continue;
    ++checked_queries;
    const std::set<int64_t> expected = brute_force(u32_to_utf8(folder.compact(q.term)), q.type);
    std::set<int64_t> got, tri_got;
    try {
      for (const SearchHit& h : index.search_with_total(q.text, {1 << 30, 0, false}).hits) got.insert(h.page_id);
    } catch (const Error&) {
    }
    {
      sql::Stmt st(tri, "SELECT rowid FROM tri WHERE tri MATCH ?");
      st.bind(1, "\"" + q.term + "\"");
      try {
        while (st.step()) tri_got.insert(st.integer(0));
      } catch (const Error&) {
      }
    }
    long long found = 0, tri_found = 0;
    for (int64_t id : expected) found += got.count(id), tri_found += tri_got.count(id);
    expected_total += static_cast<long long>(expected.size());
    found_total += found;
    false_total += static_cast<long long>(got.size()) - found;
    tri_found_total += tri_found;
    tri_false += static_cast<long long>(tri_got.size()) - tri_found;
    if (q.kind == "common")
      common_min_share = std::min(common_min_share, static_cast<double>(expected.size()) / static_cast<double>(corpus.pages.size()));
    recall_by_kind[q.kind].first += static_cast<long long>(expected.size());
    recall_by_kind[q.kind].second += found;
    tri_recall_by_kind[q.kind].first += static_cast<long long>(expected.size());
    tri_recall_by_kind[q.kind].second += tri_found;
  }
  out["xueji"]["latency_ms"] = {{"p50", percentile(ours_ms, 0.5)}, {"p95", percentile(ours_ms, 0.95)}, {"p99", percentile(ours_ms, 0.99)}};
  out["trigram"]["latency_ms"] = {{"p50", percentile(tri_lat, 0.5)}, {"p95", percentile(tri_lat, 0.95)}, {"p99", percentile(tri_lat, 0.99)}};
  out["xueji"]["latency_ms_by_kind"] = by_kind(ours_by_kind);
  out["trigram"]["latency_ms_by_kind"] = by_kind(tri_by_kind);
  out["xueji"]["estimated_totals"] = estimated_totals;
  out["xueji"]["recall"] = expected_total ? static_cast<double>(found_total) / static_cast<double>(expected_total) : 1.0;
  out["xueji"]["false_hits"] = false_total;
  out["trigram"]["recall"] = expected_total ? static_cast<double>(tri_found_total) / static_cast<double>(expected_total) : 1.0;
  out["trigram"]["false_hits"] = tri_false;
  for (const auto& [kind, v] : recall_by_kind)
    out["xueji"]["recall_by_kind"][kind] = v.first ? static_cast<double>(v.second) / static_cast<double>(v.first) : 1.0;
  for (const auto& [kind, v] : tri_recall_by_kind)
    out["trigram"]["recall_by_kind"][kind] = v.first ? static_cast<double>(v.second) / static_cast<double>(v.first) : 1.0;
  out["recall_checked_queries"] = checked_queries;
  out["common_terms_min_page_share"] = common_min_share;
  out["queries"] = queries.size();
  std::cout << out.dump(1) << std::endl;
  if (!json_out.empty()) std::ofstream(json_out) << out.dump(1) << "\n";
  fs::remove_all(dir);
  return 0;
}
