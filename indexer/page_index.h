#pragma once
// The full-text index of page texts: tokenizing (cjk_tokens.h), folding (text_folder.h), the
// query language (search_query.h), ranking, snippets and hit boxes. Its tables live in the
// catalog database behind the catalog's TextIndexStore (models/text_index_store.h), so that a
// document and its index entries are committed in one Catalog::Write; nothing here is SQL.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/ocr_page.h"

namespace xueji {

class Catalog;
class TextFolder;
class TextIndexStore;

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
  // Creates the index tables if missing (in a Write of its own, or joining the caller's), and
  // rebuilds an index of an older form.
  explicit PageIndex(Catalog& catalog);
  ~PageIndex();

  // Adds one page (call inside the Catalog::Write that inserted it).
  void add_page(int64_t page_id, const PageMeta& meta, const std::string& text);
  void remove_page(int64_t page_id);  // inside a Write
  // Empties the index and indexes every page of every document in the catalog again (call
  // inside a Write); returns the number of pages.
  int rebuild();

  // The query language is in search_query.h. Throws Error(InvalidArgument) for an empty or
  // malformed query.
  std::vector<SearchHit> search(const std::string& query, const SearchParams& params = {});
  SearchResults search_with_total(const std::string& query, const SearchParams& params = {});

 private:
  TextIndexStore& store_;
  std::unique_ptr<TextFolder> folder_;
};

}  // namespace xueji
