#pragma once
// The full-text index of page texts, kept in the catalog database (SQLite FTS5) so that a
// document and its index entries are committed in one transaction.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/ocr_page.h"
#include "models/sqlite.h"

namespace xueji {

class TextFolder;

struct PageMeta {
  std::string student_id, student_name, doc_type, title;
};

struct SearchHit {
  std::string student_id, name, document, doc_type;
  int page = 0;  // 1-based
  std::string snippet;  // the hit marked 【…】
  double score = 0;     // larger is better
  // Where the first hit on the page lies in the page image (master pixels), one box per OCR
  // word it touches, cut to the hit's characters; empty when the hit is in the record's fields.
  std::vector<Box> boxes;
  int64_t page_id = 0;  // the catalog's page row
};

struct SearchParams {
  int limit = 20;
  int offset = 0;
  bool details = true;  // snippets and boxes (off: ids, scores and fields only)
};

struct SearchResults {
  std::vector<SearchHit> hits;  // the page of results asked for
  // All pages that match. Exact when `total_exact`; otherwise (a term on more pages than the
  // ranking window holds) the candidates' count scaled by the share of the window's
  // candidates that were true hits.
  int64_t total = 0;
  bool total_exact = true;
};

class PageIndex {
 public:
  explicit PageIndex(sql::Db& db);  // creates the index tables if missing
  ~PageIndex();

  // Adds one page (call inside the catalog transaction that inserted it).
  void add_page(int64_t page_id, const PageMeta& meta, const std::string& text);
  void remove_page(int64_t page_id);
  // Empties the index and indexes every page of every document in the catalog again (call
  // inside a transaction); returns the number of pages.
  int rebuild();

  // The query language is in search_query.h. Throws Error(InvalidArgument) for an empty or
  // malformed query.
  std::vector<SearchHit> search(const std::string& query, const SearchParams& params = {});
  SearchResults search_with_total(const std::string& query, const SearchParams& params = {});

 private:
  void write_tokens(int64_t page_id, const std::string& fields, const std::string& text, bool remove);
  sql::Db& db_;
  std::unique_ptr<TextFolder> folder_;
};

}  // namespace xueji
