#include "models/sqlite.h"

#include <sqlite3.h>

#include <cstdio>

#include "models/error.h"

namespace xueji::sql {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  std::string msg = what;
  if (db) msg += ": " + std::string(sqlite3_errmsg(db));
  throw Error(ErrorCode::Database, msg);
}

}  // namespace

Db::Db(const std::filesystem::path& file, Mode mode) {
  auto open = [&](const std::string& name, int flags) {
    if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) == SQLITE_OK) return std::string();
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    return msg;
  };
  std::string err;
  if (mode == Mode::ReadOnly) {
    // A URI: the path percent-encoded (a folder may be called "2015#1").
    std::string uri = "file:";
    for (unsigned char c : file.string()) {
      if (c == '%' || c == '?' || c == '#' || c < 0x21) {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        uri += hex;
      } else {
        uri.push_back(static_cast<char>(c));
      }
    }
    const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    err = open(uri + "?mode=ro", flags);
    if (err.empty()) {  // a WAL database whose -shm can't be made opens but can't be read: try it
      char* e = nullptr;
      if (sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, &e) != SQLITE_OK) {
        sqlite3_free(e);
        sqlite3_close(db_);
        db_ = nullptr;
        err = "read-only";
      }
    }
    if (!err.empty()) {
      // Immutable reads ignore the write-ahead log: only right when no writer left one behind
      // (a copy on a DVD, a read-only share), never for a live archive.
      std::error_code ec;
      const std::filesystem::path wal = file.string() + "-wal";
      if (std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0)
        throw Error(ErrorCode::ReadOnly, "the catalog " + file.string() +
                                             " is being written (its -wal file holds changes) and this user may not "
                                             "take part: it can't be read safely without write access to the folder");
      err = open(uri + "?immutable=1", flags);
    }
    } else {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (mode == Mode::Create) flags |= SQLITE_OPEN_CREATE;
    err = open(file.string(), flags);
  }
  if (!err.empty()) throw Error(ErrorCode::Database, "cannot open database " + file.string() + ": " + err);
  sqlite3_busy_timeout(db_, 60000);
  sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error(ErrorCode::Database, "SQL failed: " + msg);
  }
}

int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

Stmt::Stmt(Db& db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK)
    fail(db.handle(), "cannot prepare statement");
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_.handle(), "bind failed");
  return *this;
}

Stmt& Stmt::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_.handle(), "bind failed");
  return *this;
}

Stmt& Stmt::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(db_.handle(), "bind failed");
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_.handle(), "bind failed");
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_.handle(), "statement failed");
}

void Stmt::run() {
  while (step()) {
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t Stmt::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::real(int col) const { return sqlite3_column_double(stmt_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace xueji::sql
