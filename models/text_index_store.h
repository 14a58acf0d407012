#pragma once
// The full-text index's tables in the catalog database (SQLite FTS5), behind typed operations:
// the tokenizer, query parser and ranking (indexer/) hand in token columns, FTS5 match
// expressions and typed field filters, and get page ids and page fields back; no SQL text
// crosses this boundary. The Catalog owns one store (Catalog::text_index()); every change runs
// inside the caller's Catalog::Write, so a document and its index entries commit together.
//
// Design note (index size): page_fts is contentless (content=''): FTS5 keeps only its inverted
// index, not a second copy of the token strings (which, at four to five bytes per character
// for the unigram and bigram strings, were the larger part of the index). Page texts live in
// `pages`; what was indexed as the record's fields is kept in page_fts_meta, so that a page can
// be taken out again with FTS5's 'delete' command, which needs the very values that were
// indexed. An index of the older, contentful form is replaced (and must then be rebuilt).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xueji {

class Catalog;

namespace sql {
class Db;
class Stmt;
}  // namespace sql

// The FTS5 columns of one page: space-separated unigram and bigram tokens of the record's
// fields (meta) and of the page text (body).
struct IndexColumns {
  std::string meta_uni, meta_bi, body_uni, body_bi;
};

// A filter on the page's catalog record. Values are compared as the query language says
// (indexer/search_query.h): 学籍号 prefix, grade contains, class (3 or 3班), document type
// (name or code), year of the document's date (or of its capture when it has none).
struct PageFieldFilter {
  enum class Field { StudentPrefix, Grade, Class, DocType, Year };
  Field field = Field::StudentPrefix;
  std::string value;
  bool exclude = false;
};

// What a search shows of a page and checks its terms against.
struct IndexedPageFields {
  int number = 0;
  std::string pdf_path, doc_type, title, student_id, student_name;
  int64_t document_id = 0;
};

// A page of a document not in the trash, with the fields it is indexed under (rebuild).
struct LivePage {
  int64_t page_id = 0;
  std::string text, student_id, student_name, doc_type, title;
};

class TextIndexStore {
 public:
  TextIndexStore(sql::Db& db, const Catalog& owner);
  ~TextIndexStore();
  TextIndexStore(const TextIndexStore&) = delete;
  TextIndexStore& operator=(const TextIndexStore&) = delete;

  // True when the index tables exist in their current form (reading only).
  bool ready();
  // Creates the missing tables (inside a Write). Returns true when an index of the older form
  // was replaced: it is empty now and must be rebuilt.
  bool create_tables();

  // One page in (its token columns and the record fields it was indexed under) or out (with
  // the very columns that went in); inside a Write.
  void add(int64_t page_id, const IndexColumns& columns, const std::string& fields);
  void remove(int64_t page_id, const IndexColumns& columns);
  // The record fields kept for an indexed page and the page's text: what add() was given.
  struct Kept {
    std::string fields, text;
  };
  std::optional<Kept> kept(int64_t page_id);
  void clear();  // every page out (inside a Write)
  // Every page of every document not in the trash, in page-id order.
  void for_each_live_page(const std::function<void(const LivePage&)>& f);

  // Page ids matching an FTS5 expression over the columns meta_uni, meta_bi, body_uni,
  // body_bi, ascending; at most `limit` of them (0: all).
  std::vector<int64_t> match(const std::string& fts_expression, int limit);
  int64_t max_page_id();

  // Pages of live documents that pass the filters, with statements prepared once for the many
  // lookups of one search.
  class Lookup {
   public:
    ~Lookup();
    Lookup(const Lookup&) = delete;
    Lookup& operator=(const Lookup&) = delete;
    Lookup(Lookup&&) noexcept;

    // The page's fields; nullopt when it fails a filter, is in the trash or does not exist.
    std::optional<IndexedPageFields> fields(int64_t page_id);
    std::string text(int64_t page_id);   // the page's text ("" when there is none)
    std::string words(int64_t page_id);  // the page's word table ("" when there is none)
    // Every passing page's id in catalog order (student, document, page) until `f` returns
    // false.
    void for_each_id(const std::function<bool(int64_t)>& f);
    int64_t count();  // how many pages pass

   private:
    friend class TextIndexStore;
    Lookup(sql::Db& db, const std::vector<PageFieldFilter>& filters);
    struct Statements;
    std::unique_ptr<Statements> st_;
  };
  Lookup lookup(const std::vector<PageFieldFilter>& filters);

 private:
  void require_write(const char* what) const;
  sql::Db& db_;
  const Catalog& owner_;
};

}  // namespace xueji
