#include "models/text_index_store.h"

#include "models/catalog.h"
#include "models/error.h"
#include "models/sqlite.h"

namespace xueji {
namespace {

constexpr const char* kCreateFts =
    "CREATE VIRTUAL TABLE IF NOT EXISTS page_fts USING fts5("
    "meta_uni, meta_bi, body_uni, body_bi, content='', tokenize='unicode61 remove_diacritics 0')";
constexpr const char* kCreateMeta =
    "CREATE TABLE IF NOT EXISTS page_fts_meta(page_id INTEGER PRIMARY KEY, meta TEXT NOT NULL)";

// The index's tables as they are: page_fts missing, of the older (contentful) form, or current.
enum class Form { Missing, Old, Current };

Form fts_form(sql::Db& db) {
  sql::Stmt st(db, "SELECT sql FROM sqlite_master WHERE name='page_fts'");
  if (!st.step()) return Form::Missing;
  return st.text(0).find("content=''") == std::string::npos ? Form::Old : Form::Current;
}

bool table_exists(sql::Db& db, const char* name) {
  sql::Stmt st(db, "SELECT 1 FROM sqlite_master WHERE name=?");
  st.bind(1, std::string_view(name));
  return st.step();
}

// A filter as an SQL condition on pages p, documents d and students s; `v` is its parameter
// (numbered: some conditions use it twice). Values are always bound, never spliced.
std::string condition(const PageFieldFilter& f, const std::string& v) {
  using F = PageFieldFilter::Field;
  switch (f.field) {
    case F::StudentPrefix: return "s.id LIKE " + v + " || '%'";
    case F::Grade: return "instr(s.grade, " + v + ") > 0";
    case F::Class: return "(s.class_name = " + v + " OR s.class_name = " + v + " || '班')";
    case F::DocType: return "(d.doc_type = " + v + " OR d.type_code = upper(" + v + "))";
    case F::Year: return "substr(COALESCE(NULLIF(d.doc_date, ''), d.created_at), 1, 4) = " + v;
  }
  throw Error(ErrorCode::InvalidArgument, "unknown search filter");
}

constexpr const char* kPagesJoin =
    " FROM pages p JOIN documents d ON d.id = p.document_id JOIN students s ON s.id = d.student_id WHERE ";

}  // namespace

TextIndexStore::TextIndexStore(sql::Db& db, const Catalog& owner) : db_(db), owner_(owner) {}
TextIndexStore::~TextIndexStore() = default;

void TextIndexStore::require_write(const char* what) const {
  if (!owner_.in_write())
    throw Error(ErrorCode::Database, std::string("internal error: ") + what + " outside a catalog write");
}

bool TextIndexStore::ready() { return fts_form(db_) == Form::Current && table_exists(db_, "page_fts_meta"); }

bool TextIndexStore::create_tables() {
  require_write("creating the index tables");
  const bool old_form = fts_form(db_) == Form::Old;
  if (old_form) db_.exec("DROP TABLE page_fts");
  db_.exec(kCreateFts);
  db_.exec(kCreateMeta);
  return old_form;
}

void TextIndexStore::add(int64_t page_id, const IndexColumns& c, const std::string& fields) {
  require_write("indexing a page");
  sql::Stmt st(db_, "INSERT INTO page_fts(rowid, meta_uni, meta_bi, body_uni, body_bi) VALUES(?,?,?,?,?)");
  st.bind(1, page_id).bind(2, c.meta_uni).bind(3, c.meta_bi).bind(4, c.body_uni).bind(5, c.body_bi);
  st.run();
  sql::Stmt keep(db_, "INSERT OR REPLACE INTO page_fts_meta(page_id, meta) VALUES(?,?)");
  keep.bind(1, page_id).bind(2, fields).run();
}

void TextIndexStore::remove(int64_t page_id, const IndexColumns& c) {
  require_write("taking a page out of the index");
  sql::Stmt st(db_, "INSERT INTO page_fts(page_fts, rowid, meta_uni, meta_bi, body_uni, body_bi) "
                    "VALUES('delete',?,?,?,?,?)");
  st.bind(1, page_id).bind(2, c.meta_uni).bind(3, c.meta_bi).bind(4, c.body_uni).bind(5, c.body_bi);
  st.run();
  sql::Stmt forget(db_, "DELETE FROM page_fts_meta WHERE page_id=?");
  forget.bind(1, page_id).run();
}

std::optional<TextIndexStore::Kept> TextIndexStore::kept(int64_t page_id) {
  sql::Stmt st(db_, "SELECT m.meta, p.text FROM page_fts_meta m JOIN pages p ON p.id = m.page_id WHERE m.page_id=?");
  st.bind(1, page_id);
  if (!st.step()) return std::nullopt;
  return Kept{st.text(0), st.text(1)};
}

void TextIndexStore::clear() {
  require_write("clearing the index");
  db_.exec("INSERT INTO page_fts(page_fts) VALUES('delete-all')");
  db_.exec("DELETE FROM page_fts_meta");
}

void TextIndexStore::for_each_live_page(const std::function<void(const LivePage&)>& f) {
  sql::Stmt st(db_,
               "SELECT p.id, p.text, s.id, s.name, d.doc_type, d.title FROM pages p "
               "JOIN documents d ON d.id = p.document_id JOIN students s ON s.id = d.student_id "
               "WHERE d.deleted_at IS NULL ORDER BY p.id");
  while (st.step()) f(LivePage{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)});
}

std::vector<int64_t> TextIndexStore::match(const std::string& fts_expression, int limit) {
  sql::Stmt st(db_, "SELECT rowid FROM page_fts WHERE page_fts MATCH ?1" +
                        (limit > 0 ? " LIMIT " + std::to_string(limit) : std::string()));
  st.bind(1, fts_expression);
  std::vector<int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

int64_t TextIndexStore::max_page_id() {
  sql::Stmt st(db_, "SELECT max(id) FROM pages");
  st.step();
  return st.integer(0);
}

struct TextIndexStore::Lookup::Statements {
  Statements(sql::Db& d, const std::vector<PageFieldFilter>& filters) : db(d) {
    for (const PageFieldFilter& f : filters) {
      values.push_back(f.value);
      const std::string cond = condition(f, "?" + std::to_string(values.size()));
      where += f.exclude ? " AND NOT " + cond : " AND " + cond;
    }
    row = std::make_unique<sql::Stmt>(
        db, "SELECT p.number, d.pdf_path, d.doc_type, d.title, s.id, s.name, d.id" + std::string(kPagesJoin) +
                "p.id = ?" + std::to_string(values.size() + 1) + " AND " + where);
    text = std::make_unique<sql::Stmt>(db, "SELECT text FROM pages WHERE id=?");
  }
  void bind(sql::Stmt& st) const {
    for (size_t i = 0; i < values.size(); ++i) st.bind(static_cast<int>(i + 1), values[i]);
  }
  std::string single_text(sql::Stmt& st, int64_t page_id) {
    st.reset();
    st.bind(1, page_id);
    return st.step() ? st.text(0) : std::string();
  }

  sql::Db& db;
  std::string where = "d.deleted_at IS NULL";
  std::vector<std::string> values;
  std::unique_ptr<sql::Stmt> row, text, words;
};

TextIndexStore::Lookup::Lookup(sql::Db& db, const std::vector<PageFieldFilter>& filters)
    : st_(std::make_unique<Statements>(db, filters)) {}
TextIndexStore::Lookup::~Lookup() = default;
TextIndexStore::Lookup::Lookup(Lookup&&) noexcept = default;

TextIndexStore::Lookup TextIndexStore::lookup(const std::vector<PageFieldFilter>& filters) {
  return Lookup(db_, filters);
}

std::optional<IndexedPageFields> TextIndexStore::Lookup::fields(int64_t page_id) {
  sql::Stmt& row = *st_->row;
  row.reset();  // (clears the bindings too)
  st_->bind(row);
  row.bind(static_cast<int>(st_->values.size() + 1), page_id);
  if (!row.step()) return std::nullopt;
  return IndexedPageFields{static_cast<int>(row.integer(0)), row.text(1), row.text(2), row.text(3),
                           row.text(4),                      row.text(5), row.integer(6)};
}

std::string TextIndexStore::Lookup::text(int64_t page_id) { return st_->single_text(*st_->text, page_id); }

std::string TextIndexStore::Lookup::words(int64_t page_id) {
  if (!st_->words) st_->words = std::make_unique<sql::Stmt>(st_->db, "SELECT words FROM pages WHERE id=?");
  return st_->single_text(*st_->words, page_id);
}

void TextIndexStore::Lookup::for_each_id(const std::function<bool(int64_t)>& f) {
  sql::Stmt st(st_->db, "SELECT p.id" + std::string(kPagesJoin) + st_->where + " ORDER BY s.id, d.id, p.number");
  st_->bind(st);
  while (st.step())
    if (!f(st.integer(0))) return;
}

int64_t TextIndexStore::Lookup::count() {
  sql::Stmt st(st_->db, "SELECT count(*)" + std::string(kPagesJoin) + st_->where);
  st_->bind(st);
  st.step();
  return st.integer(0);
}

}  // namespace xueji
