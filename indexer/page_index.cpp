#include "indexer/page_index.h"

#include <algorithm>
#include <cstring>

#include "indexer/cjk_tokens.h"
#include "indexer/search_query.h"
#include "indexer/text_folder.h"
#include "models/error.h"
#include "models/ocr_page.h"
#include "models/utf8.h"

namespace xueji {
namespace {

struct Term {
  std::u32string compact;  // folded, whitespace removed: what must occur in the text
  std::string utf8;        // the same, UTF-8
  std::string fts;         // the FTS5 sub-expression that finds candidates
};

// A text checked for terms: raw UTF-8 first, folded and compacted only when needed (once).
struct Haystack {
  explicit Haystack(std::string text) : raw(std::move(text)) {}
  std::string raw;
  std::u32string compact;
  bool compacted = false;
  bool contains(const Term& t, TextFolder& folder) {
    if (t.utf8.empty()) return false;
    if (memmem(raw.data(), raw.size(), t.utf8.data(), t.utf8.size())) return true;
    if (!compacted) compact = folder.compact(raw), compacted = true;
    return compact.find(t.compact) != std::u32string::npos;
  }
};

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_latin_word(const std::string& tok) {
  const unsigned char c = static_cast<unsigned char>(tok[0]);
  return c < 0x80 || !is_cjk(utf8_to_u32(tok).front());
}

Term make_term(const std::string& raw, TextFolder& folder) {
  Term t;
  t.compact = folder.compact(raw);
  t.utf8 = u32_to_utf8(t.compact);
  const Tokens tok = tokenize(raw, folder);
  std::vector<std::string> pieces;
  const auto bigrams = split_spaces(tok.bigrams);
  if (!bigrams.empty()) {
    std::string phrase;
    for (const auto& b : bigrams) phrase += (phrase.empty() ? "" : " ") + b;
    pieces.push_back("{meta_bi body_bi}:\"" + phrase + "\"");
  }
  for (const auto& u : split_spaces(tok.unigrams)) {
    if (is_latin_word(u)) pieces.push_back("{meta_uni body_uni}:\"" + u + "\"*");
    else if (bigrams.empty()) pieces.push_back("{meta_uni body_uni}:\"" + u + "\"");
  }
  if (pieces.empty()) return t;
  for (const auto& p : pieces) t.fts += (t.fts.empty() ? "(" : " AND ") + p;
  t.fts += ")";
  return t;
}

std::string make_snippet(const std::string& text, const std::u32string& needle, TextFolder& folder) {
  const std::u32string orig = utf8_to_u32(text);
  std::u32string compact;
  std::vector<size_t> map;
  for (size_t i = 0; i < orig.size(); ++i) {
    const char32_t c = folder.fold(orig[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    compact.push_back(c);
    map.push_back(i);
  }
  auto clean = [](std::u32string s) {
    for (char32_t& c : s)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return u32_to_utf8(s);
  };
  const size_t pos = needle.empty() ? std::u32string::npos : compact.find(needle);
  if (pos == std::u32string::npos) return clean(orig.substr(0, 40));
  const size_t start = map[pos], end = map[pos + needle.size() - 1] + 1;
  const size_t from = start > 20 ? start - 20 : 0;
  const size_t to = std::min(orig.size(), end + 20);
  return (from > 0 ? "…" : "") + clean(orig.substr(from, start - from)) + "【" +
         clean(orig.substr(start, end - start)) + "】" + clean(orig.substr(end, to - end)) +
         (to < orig.size() ? "…" : "");
}

// Character-level boxes of the first occurrence of `needle` (folded, compact) in the page's
// words: each character gets an equal share of its word's width (Chinese characters are
// square; for Latin words it is an approximation), consecutive characters of one word are
// joined into one box.
std::vector<Box> hit_boxes(const std::string& word_table_text, const std::u32string& needle, TextFolder& folder) {
  std::vector<Box> out;
  if (needle.empty() || word_table_text.empty()) return out;
  const OcrPage page = parse_word_table(word_table_text);
  struct Pos {
    const OcrWord* word;
    int index, count;
  };
  std::u32string compact;
  std::vector<Pos> where;
  for (const OcrLine& l : page.lines)
    for (const OcrWord& w : l.words) {
      const std::u32string chars = utf8_to_u32(w.text);
      for (size_t i = 0; i < chars.size(); ++i) {
        const char32_t c = folder.fold(chars[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        compact.push_back(c);
        where.push_back({&w, static_cast<int>(i), static_cast<int>(chars.size())});
      }
    }
  const size_t pos = compact.find(needle);
  if (pos == std::u32string::npos) return out;
  for (size_t k = pos; k < pos + needle.size();) {
    const Pos& first = where[k];
    size_t j = k;
    while (j + 1 < pos + needle.size() && where[j + 1].word == first.word) ++j;
    const Box& b = first.word->box;
    const int x0 = b.x + b.w * first.index / first.count;
    const int x1 = b.x + b.w * (where[j].index + 1) / first.count;
    out.push_back(Box{x0, b.y, std::max(1, x1 - x0), b.h});
    k = j + 1;
  }
  return out;
}

}  // namespace

PageIndex::PageIndex(sql::Db& db) : db_(db), folder_(std::make_unique<TextFolder>()) {
  db_.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS page_fts USING fts5("
      "meta_uni, meta_bi, body_uni, body_bi, tokenize='unicode61 remove_diacritics 0')");
}

void PageIndex::add_page(int64_t page_id, const PageMeta& meta, const std::string& text) {
  const std::string meta_text = meta.student_id + " " + meta.student_name + " " + meta.doc_type +
                                " " + meta.title;
  const Tokens m = tokenize(meta_text, *folder_), b = tokenize(text, *folder_);
  sql::Stmt st(db_,
               "INSERT INTO page_fts(rowid, meta_uni, meta_bi, body_uni, body_bi) "
               "VALUES(?,?,?,?,?)");
  st.bind(1, page_id).bind(2, m.unigrams).bind(3, m.bigrams).bind(4, b.unigrams).bind(5, b.bigrams);
  st.run();
}

void PageIndex::remove_page(int64_t page_id) {
  sql::Stmt st(db_, "DELETE FROM page_fts WHERE rowid=?");
  st.bind(1, page_id).run();
}

PageIndex::~PageIndex() = default;

int PageIndex::rebuild() {
  db_.exec("DELETE FROM page_fts");
  sql::Stmt pages(db_,
                  "SELECT p.id, p.text, s.id, s.name, d.doc_type, d.title FROM pages p "
                  "JOIN documents d ON d.id = p.document_id JOIN students s ON s.id = d.student_id "
                  "WHERE d.deleted_at IS NULL ORDER BY p.id");
  int n = 0;
  while (pages.step()) {
    add_page(pages.integer(0), PageMeta{pages.text(2), pages.text(3), pages.text(4), pages.text(5)}, pages.text(1));
    ++n;
  }
  return n;
}

std::vector<SearchHit> PageIndex::search(const std::string& query, const SearchParams& params) {
  return search_with_total(query, params).hits;
}

SearchResults PageIndex::search_with_total(const std::string& query, const SearchParams& params) {
  const SearchQuery q = parse_query(query);
  struct Clause {
    std::vector<Term> any;
    bool exclude;
  };
  std::vector<Clause> clauses;
  for (const QueryClause& c : q.clauses) {
    Clause k{{}, c.exclude};
    for (const std::string& raw : c.any) {
      Term t = make_term(raw, *folder_);
      if (!t.fts.empty()) k.any.push_back(std::move(t));
    }
    if (!k.any.empty()) clauses.push_back(std::move(k));
  }
  std::string match;  // candidates: every positive clause (exclusions are checked exactly below)
  for (const Clause& c : clauses) {
    if (c.exclude) continue;
    std::string alt;
    for (const Term& t : c.any) alt += (alt.empty() ? "" : " OR ") + t.fts;
    match += (match.empty() ? "(" : " AND (") + alt + ")";
  }
  if (match.empty() && q.filters.empty())
    throw Error(ErrorCode::InvalidArgument, "the query has no characters to search for");

  // Field filters: SQL over the catalog, values always bound, never spliced.
  std::string where = "d.deleted_at IS NULL";
  std::vector<std::string> binds;
  std::vector<std::u32string> name_in, name_out;  // name: is checked on the folded name below
  for (const QueryFilter& f : q.filters) {
    if (f.field == "name") {
      (f.exclude ? name_out : name_in).push_back(folder_->compact(f.value));
      continue;
    }
    binds.push_back(f.value);
    const std::string v = "?" + std::to_string(binds.size());  // numbered: used twice in some
    std::string cond;
    if (f.field == "student") cond = "s.id LIKE " + v + " || '%'";
    if (f.field == "grade") cond = "instr(s.grade, " + v + ") > 0";
    if (f.field == "class") cond = "(s.class_name = " + v + " OR s.class_name = " + v + " || '班')";
    if (f.field == "type") cond = "(d.doc_type = " + v + " OR d.type_code = upper(" + v + "))";
    if (f.field == "year") cond = "substr(COALESCE(NULLIF(d.doc_date, ''), d.created_at), 1, 4) = " + v;
    where += f.exclude ? " AND NOT " + cond : " AND " + cond;
  }
  const std::string base_cols = " p.number, p.id, d.pdf_path, d.doc_type, d.title, s.id, s.name";
  const std::string base_from =
      " FROM pages p JOIN documents d ON d.id = p.document_id JOIN students s ON s.id = d.student_id ";
  const std::string base = base_cols + base_from;
  const std::string n_match = std::to_string(binds.size() + 1);
  // Design note (common terms): ranking every match of a term that occurs on most pages costs
  // time proportional to the number of matches. The candidates are therefore first ranked
  // among the first kRankWindow matches (FTS5 returns them in rowid order and stops early);
  // only when that window yields fewer verified hits than asked for is the query run again over
  // all matches. Every hit returned is a true hit either way; for very common terms the order
  // is the best within the window.
  constexpr int kRankWindow = 2000;
  // Design note (total): where every candidate is verified anyway (no window, or a window
  // that held all candidates) the verified hits are counted exactly; rows past the requested
  // page cost only the check. When the window is full, the total is estimated from the
  // candidates' count (FTS5, no join) times the window's share of true hits.
  struct Run {
    std::vector<SearchHit> hits;
    int64_t verified = 0, checked = 0;
    bool window_full = false;
  };
  auto run = [&](bool windowed) {
    Run out;
    std::string sql;
    if (match.empty()) {
      sql = "SELECT 0.0 AS r," + base + "WHERE " + where + " ORDER BY s.id, d.id, p.number";
    } else if (windowed) {
      // The window is materialized once; its size (did it hold every match?) comes with it.
      sql = "WITH c AS MATERIALIZED (SELECT rowid AS id, bm25(page_fts, 10.0, 10.0, 1.0, 1.0) AS r FROM page_fts "
            "WHERE page_fts MATCH ?" + n_match + " LIMIT " + std::to_string(kRankWindow) + ") "
            "SELECT c.r AS r," + base_cols + ", (SELECT count(*) FROM c) AS window" + base_from + "JOIN c ON c.id = p.id WHERE " + where +
            " ORDER BY c.r, d.id, p.number";
    } else {
      sql = "SELECT bm25(page_fts, 10.0, 10.0, 1.0, 1.0) AS r," + base + "JOIN page_fts f ON f.rowid = p.id WHERE page_fts MATCH ?" +
            n_match + " AND " + where + " ORDER BY r, d.id, p.number";
    }
    sql::Stmt st(db_, sql);
    for (size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
    if (!match.empty()) st.bind(static_cast<int>(binds.size() + 1), match);
    int skipped = 0;
    const bool names = !name_in.empty() || !name_out.empty();
    // The ranked rows carry ids and fields only (a small sort); a page's text is read when it
    // is checked, its word table only when it is returned with boxes.
    sql::Stmt text_of(db_, "SELECT text FROM pages WHERE id=?");
    auto page_text = [&](int64_t id) {
      text_of.reset();
      text_of.bind(1, id);
      return text_of.step() ? text_of.text(0) : std::string();
    };
    while (st.step()) {
      if (windowed && out.checked == 0 && !match.empty()) out.window_full = st.integer(8) >= kRankWindow;
      ++out.checked;
      const int64_t page_id = st.integer(2);
      const std::string body = clauses.empty() && !params.details ? std::string() : page_text(page_id);
      // Filters alone (no text to check) are settled by SQL, names by the name field.
      const std::u32string name_c = names ? folder_->compact(st.text(7)) : std::u32string();
      // Exact-substring check of every clause on the page text and the record's fields. Fast
      // path: the folded term found as it is in the raw UTF-8 text (folding is idempotent, so
      // the folded text holds it too); otherwise the text is folded and compacted (a match
      // across a line break, Traditional or full-width characters, or no match).
      Haystack body_h(body), meta_h(st.text(6) + " " + st.text(7) + " " + st.text(4) + " " + st.text(5));
      const Term* body_term = nullptr;
      bool ok = true;
      for (const Clause& c : clauses) {
        bool found = false;
        for (const Term& t : c.any) {
          const bool in_body = body_h.contains(t, *folder_);
          if (in_body && !body_term && !c.exclude) body_term = &t;
          found = found || in_body || meta_h.contains(t, *folder_);
          if (found && c.exclude) break;
        }
        if (found == c.exclude) {
          ok = false;
          break;
        }
      }
      for (const auto& n : name_in) ok = ok && name_c.find(n) != std::u32string::npos;
      for (const auto& n : name_out) ok = ok && name_c.find(n) == std::u32string::npos;
      if (!ok) continue;
      ++out.verified;
      if (skipped < params.offset) {
        ++skipped;
        continue;
      }
      if (static_cast<int>(out.hits.size()) >= params.limit) {
        if (windowed && out.window_full) break;  // the total will be an estimate anyway
        if (match.empty() && !names) break;      // counted by SQL below
        continue;                                // keep counting
      }
      SearchHit h;
      h.score = -st.real(0);
      h.page = static_cast<int>(st.integer(1));
      h.document = st.text(3);
      h.doc_type = st.text(4);
      h.student_id = st.text(6);
      h.name = st.text(7);
      h.page_id = page_id;
      if (params.details) {
        h.snippet = make_snippet(body, body_term ? body_term->compact : std::u32string(), *folder_);
        if (body_term) {
          sql::Stmt words(db_, "SELECT words FROM pages WHERE id=?");
          words.bind(1, page_id);
          if (words.step()) h.boxes = hit_boxes(words.text(0), body_term->compact, *folder_);
        }
      }
      out.hits.push_back(std::move(h));
    }
    if (windowed && out.checked == 0 && !match.empty()) {  // no row passed the filters: was the window full?
      sql::Stmt count(db_, "SELECT count(*) FROM (SELECT rowid FROM page_fts WHERE page_fts MATCH ?1 LIMIT " +
                               std::to_string(kRankWindow) + ")");
      count.bind(1, match);
      count.step();
      out.window_full = count.integer(0) >= kRankWindow;
    }
    return out;
  };
  Run r = run(true);
  if (r.window_full && static_cast<int>(r.hits.size()) < params.limit) r = run(false);
  SearchResults res;
  res.hits = std::move(r.hits);
  res.total = r.verified;
  if (match.empty() && name_in.empty() && name_out.empty()) {  // filters alone: SQL counts exactly
    sql::Stmt count(db_, "SELECT count(*) FROM pages p JOIN documents d ON d.id = p.document_id "
                         "JOIN students s ON s.id = d.student_id WHERE " + where);
    for (size_t i = 0; i < binds.size(); ++i) count.bind(static_cast<int>(i + 1), binds[i]);
    count.step();
    res.total = count.integer(0);
  }
  if (r.window_full) {
    // Estimate: candidates (FTS5 alone) times the share of checked candidates that were hits.
    sql::Stmt count(db_, "SELECT count(*) FROM page_fts WHERE page_fts MATCH ?1");
    count.bind(1, match);
    count.step();
    const double share = r.checked > 0 ? static_cast<double>(r.verified) / static_cast<double>(r.checked) : 1.0;
    res.total = std::max<int64_t>(r.verified, static_cast<int64_t>(static_cast<double>(count.integer(0)) * share + 0.5));
    res.total_exact = false;
  }
  return res;
}

}  // namespace xueji
