#include "indexer/page_index.h"

#include <algorithm>

#include "indexer/cjk_tokens.h"
#include "models/error.h"
#include "models/ocr_page.h"
#include "models/utf8.h"

namespace xueji {
namespace {

struct Term {
  std::u32string compact;  // folded, whitespace removed: what must occur in the text
  std::string fts;         // the FTS5 sub-expression that finds candidates
};

std::vector<std::string> split_query(const std::string& q) {
  std::vector<std::string> terms;
  std::string cur;
  bool quoted = false;
  for (char c : q) {
    if (c == '"') {
      if (quoted) {
        terms.push_back(cur);
        cur.clear();
      } else if (!cur.empty()) {
        terms.push_back(cur);
        cur.clear();
      }
      quoted = !quoted;
    } else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
      if (!cur.empty()) terms.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (quoted) throw Error(ErrorCode::InvalidArgument, "unbalanced quote in the query");
  if (!cur.empty()) terms.push_back(cur);
  // U+3000 (ideographic space) also separates terms.
  std::vector<std::string> out;
  const std::string ideo = "\xE3\x80\x80";
  for (const std::string& t : terms) {
    size_t start = 0, pos;
    while ((pos = t.find(ideo, start)) != std::string::npos) {
      if (pos > start) out.push_back(t.substr(start, pos - start));
      start = pos + ideo.size();
    }
    if (start < t.size()) out.push_back(t.substr(start));
  }
  return out;
}

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

Term make_term(const std::string& raw) {
  Term t;
  t.compact = compact_folded(raw);
  const Tokens tok = tokenize(raw);
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

std::string make_snippet(const std::string& text, const std::u32string& needle) {
  const std::u32string orig = utf8_to_u32(text);
  std::u32string compact;
  std::vector<size_t> map;
  for (size_t i = 0; i < orig.size(); ++i) {
    const char32_t c = fold_char(orig[i]);
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

}  // namespace

PageIndex::PageIndex(sql::Db& db) : db_(db) {
  db_.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS page_fts USING fts5("
      "meta_uni, meta_bi, body_uni, body_bi, tokenize='unicode61 remove_diacritics 0')");
}

void PageIndex::add_page(int64_t page_id, const PageMeta& meta, const std::string& text) {
  const std::string meta_text = meta.student_id + " " + meta.student_name + " " + meta.doc_type +
                                " " + meta.title;
  const Tokens m = tokenize(meta_text), b = tokenize(text);
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

std::vector<SearchHit> PageIndex::search(const std::string& query, const SearchParams& params) {
  if (!is_valid_utf8(query)) throw Error(ErrorCode::InvalidArgument, "the query is not valid UTF-8");
  std::vector<Term> terms;
  for (const std::string& raw : split_query(query)) {
    Term t = make_term(raw);
    if (!t.fts.empty()) terms.push_back(std::move(t));
  }
  if (terms.empty())
    throw Error(ErrorCode::InvalidArgument, "the query has no characters to search for");
  std::string match;
  for (const Term& t : terms) match += (match.empty() ? "" : " AND ") + t.fts;

  sql::Stmt st(db_,
               "SELECT bm25(page_fts, 10.0, 10.0, 1.0, 1.0) AS r, p.number, p.text, d.pdf_path, "
               "d.doc_type, d.title, s.id, s.name FROM page_fts f "
               "JOIN pages p ON p.id = f.rowid JOIN documents d ON d.id = p.document_id "
               "JOIN students s ON s.id = d.student_id "
               "WHERE page_fts MATCH ?1 ORDER BY r, d.id, p.number");
  st.bind(1, match);
  std::vector<SearchHit> hits;
  int skipped = 0;
  while (st.step()) {
    const std::string body = st.text(2);
    const std::u32string body_c = compact_folded(body);
    const std::u32string meta_c =
        compact_folded(st.text(6) + " " + st.text(7) + " " + st.text(4) + " " + st.text(5));
    // Exact-substring check: every term must occur in the page text or the record's fields.
    const Term* body_term = nullptr;
    bool ok = true;
    for (const Term& t : terms) {
      const bool in_body = body_c.find(t.compact) != std::u32string::npos;
      if (in_body && !body_term) body_term = &t;
      if (!in_body && meta_c.find(t.compact) == std::u32string::npos) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (skipped < params.offset) {
      ++skipped;
      continue;
    }
    SearchHit h;
    h.score = -st.real(0);
    h.page = static_cast<int>(st.integer(1));
    h.document = st.text(3);
    h.doc_type = st.text(4);
    h.student_id = st.text(6);
    h.name = st.text(7);
    h.snippet = make_snippet(body, body_term ? body_term->compact : std::u32string());
    hits.push_back(std::move(h));
    if (static_cast<int>(hits.size()) >= params.limit) break;
  }
  return hits;
}

}  // namespace xueji
