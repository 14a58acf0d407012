#include "indexer/page_index.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "indexer/cjk_tokens.h"
#include "indexer/search_query.h"
#include "indexer/text_folder.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/ocr_page.h"
#include "models/text_index_store.h"
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

// The catalog's filter for a query field (name: is checked here, on the folded name).
PageFieldFilter::Field field_of(const std::string& field) {
  using F = PageFieldFilter::Field;
  if (field == "student") return F::StudentPrefix;
  if (field == "grade") return F::Grade;
  if (field == "class") return F::Class;
  if (field == "type") return F::DocType;
  if (field == "year") return F::Year;
  throw Error(ErrorCode::InvalidArgument, "unknown search field " + field + ":");
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

// The index's tables and their form are described in models/text_index_store.h.
PageIndex::PageIndex(Catalog& catalog) : store_(catalog.text_index()), folder_(std::make_unique<TextFolder>()) {
  if (store_.ready()) return;
  Catalog::Write w(catalog);  // joins the caller's Write, if any
  if (store_.create_tables()) rebuild();
  w.commit();
}

PageIndex::~PageIndex() = default;

namespace {
std::string meta_text(const PageMeta& meta) {
  return meta.student_id + " " + meta.student_name + " " + meta.doc_type + " " + meta.title;
}

IndexColumns index_columns(const std::string& fields, const std::string& text, TextFolder& folder) {
  Tokens m = tokenize(fields, folder), b = tokenize(text, folder);
  return {std::move(m.unigrams), std::move(m.bigrams), std::move(b.unigrams), std::move(b.bigrams)};
}
}  // namespace

void PageIndex::add_page(int64_t page_id, const PageMeta& meta, const std::string& text) {
  const std::string fields = meta_text(meta);
  store_.add(page_id, index_columns(fields, text, *folder_), fields);
}

void PageIndex::remove_page(int64_t page_id) {
  // The tokens as they were indexed: the fields kept with the page, the page's text.
  const auto kept = store_.kept(page_id);
  if (!kept) return;  // not in the index
  store_.remove(page_id, index_columns(kept->fields, kept->text, *folder_));
}

int PageIndex::rebuild() {
  store_.clear();
  int n = 0;
  store_.for_each_live_page([&](const LivePage& p) {
    add_page(p.page_id, PageMeta{p.student_id, p.student_name, p.doc_type, p.title}, p.text);
    ++n;
  });
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

  // Field filters: checked by the catalog on the page's record, except name: (checked on the
  // folded name below).
  std::vector<PageFieldFilter> filters;
  std::vector<std::u32string> name_in, name_out;
  for (const QueryFilter& f : q.filters) {
    if (f.field == "name") {
      (f.exclude ? name_out : name_in).push_back(folder_->compact(f.value));
      continue;
    }
    filters.push_back({field_of(f.field), f.value, f.exclude});
  }
  // Design notes (ranking common terms, totals). FTS5's bm25() needs each phrase's document
  // count, which FTS5 gets by walking every match: at a million pages a common term costs
  // ~60 ms before the first row (measured). Ranking is therefore done here, over candidates
  // that FTS5 returns in rowid order and can stop early on:
  //  - the first kRankWindow record-field matches (`{meta_uni meta_bi}`: a name or title);
  //  - the first kRankWindow matches anywhere.
  // Each candidate is checked (filters by the catalog on its row, the exact substring on its text) and
  // scored BM25-style: 10 for a hit in the record's fields, plus the body's term frequency
  // saturated and normalized by page length (k1 = 1.2, b = 0.75; every candidate holds every
  // term, so the idf factor is the same for all and left out). When the window held every
  // match, the result and the total are exact. When it did not and gave too few hits for the
  // page asked, every match is checked (exact again, slower). Otherwise the order is the best
  // within the window and the total is estimated: the window's hits scaled by how much of the
  // page-id range the window covered (page ids grow with time, so matches spread over them).
  constexpr int kRankWindow = 1000;
  TextIndexStore::Lookup pages = store_.lookup(filters);
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
    std::optional<IndexedPageFields> row = pages.fields(page_id);
    if (!row) return false;  // filtered out (or deleted)
    if (names) {
      const std::u32string name_c = folder_->compact(row->student_name);
      for (const auto& n : name_in)
        if (name_c.find(n) == std::u32string::npos) return false;
      for (const auto& n : name_out)
        if (name_c.find(n) != std::u32string::npos) return false;
    }
    std::string body;  // filters alone need no text to decide (read later for the snippet)
    if (!clauses.empty()) body = pages.text(page_id);
    Haystack body_h(body), meta_h(row->student_id + " " + row->student_name + " " + row->doc_type + " " + row->title);
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
    out.doc = row->document_id;
    out.body_term = body_term;
    out.hit.page = row->number;
    out.hit.document = std::move(row->pdf_path);
    out.hit.doc_type = std::move(row->doc_type);
    out.hit.student_id = std::move(row->student_id);
    out.hit.name = std::move(row->student_name);
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
        if (h.body_term) h.hit.boxes = hit_boxes(pages.words(h.hit.page_id), h.body_term->compact, *folder_);
      }
      res.hits.push_back(std::move(h.hit));
    }
  };

  SearchResults res;
  if (match.empty()) {  // filters alone: the catalog's order, counted by the catalog
    std::vector<Scored> hits;
    int64_t verified = 0;
    const int64_t want = static_cast<int64_t>(std::max(0, params.offset)) + params.limit;
    pages.for_each_id([&](int64_t page_id) {
      Scored h;
      if (!check(page_id, h)) return true;
      ++verified;
      if (static_cast<int64_t>(hits.size()) < want) hits.push_back(std::move(h));
      else if (!names) return false;
      return true;
    });
    // stable order already (catalog order); scores are all 0
    for (size_t i = static_cast<size_t>(std::max(0, params.offset)); i < hits.size(); ++i) {
      if (params.details) hits[i].hit.snippet = make_snippet(pages.text(hits[i].hit.page_id), {}, *folder_);
      res.hits.push_back(std::move(hits[i].hit));
    }
    res.total = verified;
    if (!names) res.total = pages.count();
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
    const std::vector<int64_t> ids = store_.match(m, limit);
    if (!ids.empty()) last_in_window = ids.back();
    for (int64_t id : ids)
      if (seen.insert(id).second) candidates.push_back(id);
    return static_cast<int>(ids.size());
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
    const double covered = last_in_window > 0 ? static_cast<double>(store_.max_page_id()) / static_cast<double>(last_in_window) : 1.0;
    res.total = std::max<int64_t>(static_cast<int64_t>(hits.size()), static_cast<int64_t>(static_cast<double>(hits.size()) * covered + 0.5));
    res.total_exact = false;
  } else {
    res.total = static_cast<int64_t>(hits.size());
  }
  finish(hits, res);
  return res;
}

}  // namespace xueji
