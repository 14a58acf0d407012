#include "indexer/page_index.h"

#include <algorithm>
#include <cstring>
#include <set>

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

// Design note (index size): page_fts is contentless (content=''): FTS5 keeps only its
// inverted index, not a second copy of the token strings (which, at four to five bytes per
// character for the unigram and bigram strings, were the larger part of the index). Page
// texts live in `pages`; what was indexed as the record's fields is kept in page_fts_meta, so
// that a page can be taken out again with FTS5's 'delete' command, which needs the very values
// that were indexed. An index of the older, contentful form is replaced and rebuilt on open.
PageIndex::PageIndex(sql::Db& db) : db_(db), folder_(std::make_unique<TextFolder>()) {
  bool old_form = false;
  {
    sql::Stmt st(db_, "SELECT sql FROM sqlite_master WHERE name='page_fts'");
    if (st.step()) old_form = st.text(0).find("content=''") == std::string::npos;
  }
  if (old_form) db_.exec("DROP TABLE page_fts");
  db_.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS page_fts USING fts5("
      "meta_uni, meta_bi, body_uni, body_bi, content='', tokenize='unicode61 remove_diacritics 0')");
  db_.exec("CREATE TABLE IF NOT EXISTS page_fts_meta(page_id INTEGER PRIMARY KEY, meta TEXT NOT NULL)");
  if (old_form) rebuild();
}

namespace {
std::string meta_text(const PageMeta& meta) {
  return meta.student_id + " " + meta.student_name + " " + meta.doc_type + " " + meta.title;
}
}  // namespace

// Adds (or, with FTS5's 'delete' command, takes out) one page's tokens.
void PageIndex::write_tokens(int64_t page_id, const std::string& fields, const std::string& text, bool remove) {
  const Tokens m = tokenize(fields, *folder_), b = tokenize(text, *folder_);
  sql::Stmt st(db_, remove ? "INSERT INTO page_fts(page_fts, rowid, meta_uni, meta_bi, body_uni, body_bi) "
                             "VALUES('delete',?,?,?,?,?)"
                           : "INSERT INTO page_fts(rowid, meta_uni, meta_bi, body_uni, body_bi) VALUES(?,?,?,?,?)");
  st.bind(1, page_id).bind(2, m.unigrams).bind(3, m.bigrams).bind(4, b.unigrams).bind(5, b.bigrams);
  st.run();
}

void PageIndex::add_page(int64_t page_id, const PageMeta& meta, const std::string& text) {
  const std::string fields = meta_text(meta);
  write_tokens(page_id, fields, text, false);
  sql::Stmt keep(db_, "INSERT OR REPLACE INTO page_fts_meta(page_id, meta) VALUES(?,?)");
  keep.bind(1, page_id).bind(2, fields).run();
}

void PageIndex::remove_page(int64_t page_id) {
  // The tokens as they were indexed: the fields kept in page_fts_meta, the page's text.
  sql::Stmt st(db_, "SELECT m.meta, p.text FROM page_fts_meta m JOIN pages p ON p.id = m.page_id WHERE m.page_id=?");
  st.bind(1, page_id);
  if (!st.step()) return;  // not in the index
  write_tokens(page_id, st.text(0), st.text(1), true);
  sql::Stmt forget(db_, "DELETE FROM page_fts_meta WHERE page_id=?");
  forget.bind(1, page_id).run();
}

PageIndex::~PageIndex() = default;

int PageIndex::rebuild() {
  db_.exec("INSERT INTO page_fts(page_fts) VALUES('delete-all')");
  db_.exec("DELETE FROM page_fts_meta");
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
  // Design notes (ranking common terms, totals). FTS5's bm25() needs each phrase's document
  // count, which FTS5 gets by walking every match: at a million pages a common term costs
  // ~60 ms before the first row (measured). Ranking is therefore done here, over candidates
  // that FTS5 returns in rowid order and can stop early on:
  //  - the first kRankWindow record-field matches (`{meta_uni meta_bi}`: a name or title);
  //  - the first kRankWindow matches anywhere.
  // Each candidate is checked (filters by SQL on its row, the exact substring on its text) and
  // scored BM25-style: 10 for a hit in the record's fields, plus the body's term frequency
  // saturated and normalized by page length (k1 = 1.2, b = 0.75; every candidate holds every
  // term, so the idf factor is the same for all and left out). When the window held every
  // match, the result and the total are exact. When it did not and gave too few hits for the
  // page asked, every match is checked (exact again, slower). Otherwise the order is the best
  // within the window and the total is estimated: the window's hits scaled by how much of the
  // page-id range the window covered (page ids grow with time, so matches spread over them).
  constexpr int kRankWindow = 1000;
  const std::string fields =
      "SELECT p.number, d.pdf_path, d.doc_type, d.title, s.id, s.name, d.id FROM pages p "
      "JOIN documents d ON d.id = p.document_id JOIN students s ON s.id = d.student_id WHERE p.id = ?" +
      std::to_string(binds.size() + 1) + " AND " + where;
  sql::Stmt row(db_, fields);
  sql::Stmt text_of(db_, "SELECT text FROM pages WHERE id=?");
  const bool names = !name_in.empty() || !name_out.empty();
  struct Scored {
    double score;
    int64_t doc;
    SearchHit hit;
    const Term* body_term;
    std::string body;
  };
  // Checks one candidate page; returns false when it is not a hit.
  auto check = [&](int64_t page_id, Scored& out) {
    row.reset();
    for (size_t i = 0; i < binds.size(); ++i) row.bind(static_cast<int>(i + 1), binds[i]);
    row.bind(static_cast<int>(binds.size() + 1), page_id);
    if (!row.step()) return false;  // filtered out (or deleted)
    if (names) {
      const std::u32string name_c = folder_->compact(row.text(5));
      for (const auto& n : name_in)
        if (name_c.find(n) == std::u32string::npos) return false;
      for (const auto& n : name_out)
        if (name_c.find(n) != std::u32string::npos) return false;
    }
    std::string body;  // filters alone need no text to decide (read later for the snippet)
    if (!clauses.empty()) {
      text_of.reset();
      text_of.bind(1, page_id);
      body = text_of.step() ? text_of.text(0) : std::string();
    }
    Haystack body_h(body), meta_h(row.text(4) + " " + row.text(5) + " " + row.text(2) + " " + row.text(3));
    const Term* body_term = nullptr;
    double score = 0;
    for (const Clause& c : clauses) {
      bool found = false;
      for (const Term& t : c.any) {
        const bool in_body = body_h.contains(t, *folder_);
        const bool in_meta = meta_h.contains(t, *folder_);
        if (!c.exclude && (in_body || in_meta)) {
          if (in_body && !body_term) body_term = &t;
          if (in_meta) score += 10;
          if (in_body) {  // term frequency in the raw text (a fair proxy), saturated
            double tf = 0;
            for (size_t at = body.find(t.utf8); at != std::string::npos; at = body.find(t.utf8, at + t.utf8.size())) ++tf;
            tf = std::max(tf, 1.0);
            const double len_norm = 0.25 + 0.75 * static_cast<double>(body.size()) / 1500.0;
            score += tf * 2.2 / (tf + 1.2 * len_norm);
          }
        }
        found = found || in_body || in_meta;
        if (found && c.exclude) break;
      }
      if (found == c.exclude) return false;
    }
    out.score = score;
    out.doc = row.integer(6);
    out.body_term = body_term;
    out.hit.page = static_cast<int>(row.integer(0));
    out.hit.document = row.text(1);
    out.hit.doc_type = row.text(2);
    out.hit.student_id = row.text(4);
    out.hit.name = row.text(5);
    out.hit.page_id = page_id;
    out.hit.score = score;
    out.body = std::move(body);
    return true;
  };
  auto finish = [&](std::vector<Scored>& hits, SearchResults& res) {
    std::stable_sort(hits.begin(), hits.end(), [](const Scored& a, const Scored& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.doc != b.doc) return a.doc < b.doc;
      return a.hit.page < b.hit.page;
    });
    for (size_t i = static_cast<size_t>(std::max(0, params.offset));
         i < hits.size() && static_cast<int>(res.hits.size()) < params.limit; ++i) {
      Scored& h = hits[i];
      if (params.details) {
        h.hit.snippet = make_snippet(h.body, h.body_term ? h.body_term->compact : std::u32string(), *folder_);
        if (h.body_term) {
          sql::Stmt words(db_, "SELECT words FROM pages WHERE id=?");
          words.bind(1, h.hit.page_id);
          if (words.step()) h.hit.boxes = hit_boxes(words.text(0), h.body_term->compact, *folder_);
        }
      }
      res.hits.push_back(std::move(h.hit));
    }
  };

  SearchResults res;
  if (match.empty()) {  // filters alone: the catalog's order, counted by SQL
    const std::string base_from =
        " FROM pages p JOIN documents d ON d.id = p.document_id JOIN students s ON s.id = d.student_id WHERE " + where;
    sql::Stmt st(db_, "SELECT p.id" + base_from + " ORDER BY s.id, d.id, p.number");
    for (size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
    std::vector<Scored> hits;
    int64_t verified = 0;
    const int64_t want = static_cast<int64_t>(std::max(0, params.offset)) + params.limit;
    while (st.step()) {
      Scored h;
      if (!check(st.integer(0), h)) continue;
      ++verified;
      if (static_cast<int64_t>(hits.size()) < want) hits.push_back(std::move(h));
      else if (!names) break;
    }
    // stable order already (catalog order); scores are all 0
    for (size_t i = static_cast<size_t>(std::max(0, params.offset)); i < hits.size(); ++i) {
      if (params.details) {
        text_of.reset();
        text_of.bind(1, hits[i].hit.page_id);
        hits[i].hit.snippet = make_snippet(text_of.step() ? text_of.text(0) : std::string(), {}, *folder_);
      }
      res.hits.push_back(std::move(hits[i].hit));
    }
    res.total = verified;
    if (!names) {
      sql::Stmt count(db_, "SELECT count(*)" + base_from);
      for (size_t i = 0; i < binds.size(); ++i) count.bind(static_cast<int>(i + 1), binds[i]);
      count.step();
      res.total = count.integer(0);
    }
    return res;
  }

  // Candidates: record-field matches, then the window of the first matches in rowid order.
  std::string meta_match;
  for (const Clause& c : clauses) {
    if (c.exclude) continue;
    std::string alt;
    for (const Term& t : c.any) {
      std::string f = t.fts;  // "({meta_uni meta_bi body_uni body_bi}...)" -> record fields only
      for (const char* from : {"{meta_bi body_bi}", "{meta_uni body_uni}"}) {
        const std::string to = std::string(from) == "{meta_bi body_bi}" ? "{meta_bi}" : "{meta_uni}";
        for (size_t at = f.find(from); at != std::string::npos; at = f.find(from, at + to.size())) f.replace(at, std::strlen(from), to);
      }
      alt += (alt.empty() ? "" : " OR ") + f;
    }
    meta_match += (meta_match.empty() ? "(" : " AND (") + alt + ")";
  }
  std::vector<int64_t> candidates;
  std::set<int64_t> seen;
  int64_t last_in_window = 0;  // FTS5 returns matches in ascending rowid order
  auto collect = [&](const std::string& m, int limit) {
    sql::Stmt st(db_, "SELECT rowid FROM page_fts WHERE page_fts MATCH ?1" + (limit > 0 ? " LIMIT " + std::to_string(limit) : std::string()));
    st.bind(1, m);
    int n = 0;
    while (st.step()) {
      ++n;
      last_in_window = st.integer(0);
      if (seen.insert(st.integer(0)).second) candidates.push_back(st.integer(0));
    }
    return n;
  };
  collect(meta_match, kRankWindow);
  const int in_window = collect(match, kRankWindow);
  const bool window_full = in_window >= kRankWindow;  // (the window also holds any record-field match)
  std::vector<Scored> hits;
  for (int64_t id : candidates) {
    Scored h;
    if (check(id, h)) hits.push_back(std::move(h));
  }
  const int64_t want = static_cast<int64_t>(std::max(0, params.offset)) + params.limit;
  if (window_full && static_cast<int64_t>(hits.size()) < want) {
    // Too few hits in the window: every match is checked (exact, slower).
    const size_t checked = candidates.size();
    collect(match, 0);
    for (size_t i = checked; i < candidates.size(); ++i) {
      Scored h;
      if (check(candidates[i], h)) hits.push_back(std::move(h));
    }
    res.total = static_cast<int64_t>(hits.size());
  } else if (window_full) {
    sql::Stmt max_id(db_, "SELECT max(id) FROM pages");
    max_id.step();
    const double covered = last_in_window > 0 ? static_cast<double>(max_id.integer(0)) / static_cast<double>(last_in_window) : 1.0;
    res.total = std::max<int64_t>(static_cast<int64_t>(hits.size()), static_cast<int64_t>(static_cast<double>(hits.size()) * covered + 0.5));
    res.total_exact = false;
  } else {
    res.total = static_cast<int64_t>(hits.size());
  }
  finish(hits, res);
  return res;
}

}  // namespace xueji
