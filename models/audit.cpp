#include "models/audit.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "models/archive_lock.h"
#include "models/catalog.h"
#include "models/error.h"
#include "models/sha256.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

constexpr char kSep = '\x1f';

// The keyed form length-prefixes every field, so that no text can move from one field into
// the next; the unkeyed form is schema 3's (checked once, on upgrade).
std::string fields_of(const std::string& prev, const AuditEntry& e, bool with_kind) {
  if (with_kind) {
    std::string s;
    for (const std::string& part : {prev, std::to_string(e.id), e.time, e.operator_name, e.action, e.object,
                                    e.student_id, e.details, e.kind})
      s += std::to_string(part.size()) + ":" + part + ";";
    return s;
  }
  std::string s = prev;
  for (const std::string& part : {std::to_string(e.id), e.time, e.operator_name, e.action, e.object, e.student_id, e.details}) {
    s.push_back(kSep);
    s += part;
  }
  if (with_kind) {
    s.push_back(kSep);
    s += e.kind;
  }
  return s;
}

std::string keyed_hash(const std::string& key, const std::string& prev, const AuditEntry& e) {
  return hmac_sha256_hex(key, fields_of(prev, e, true));
}

std::string meta(sql::Db& db, const char* key) {
  sql::Stmt st(db, "SELECT value FROM meta WHERE key=?");
  st.bind(1, std::string_view(key));
  return st.step() ? st.text(0) : std::string();
}

void set_meta(sql::Db& db, const char* key, const std::string& value) {
  sql::Stmt st(db, "INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  st.bind(1, std::string_view(key)).bind(2, value).run();
}

std::string to_hex(const std::string& raw) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& text) {
  if (text.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nib(text[i]), lo = nib(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

bool has_kind_column(sql::Db& db) {
  sql::Stmt st(db, "SELECT 1 FROM pragma_table_info('audit') WHERE name='kind'");
  return st.step();
}

}  // namespace

std::string os_user_name() {
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* u = std::getenv("USER")) return u;
  return "unknown";
}

fs::path audit_key_path(const fs::path& root) { return state_dir(root) / "audit.key"; }

std::optional<std::string> load_audit_key(const fs::path& root) {
  std::ifstream in(audit_key_path(root));
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  auto key = from_hex(line);
  if (!key || key->size() < 32) return std::nullopt;
  return key;
}

std::string create_audit_key(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(state_dir(root), ec);
  ::chmod(state_dir(root).c_str(), 0750);
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
    throw Error(ErrorCode::Io, "no random bytes for the audit key");
  const fs::path file = audit_key_path(root);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot create the audit key " + file.string() + ": " + std::strerror(errno));
  const std::string text = to_hex(key) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(file.c_str());
    throw Error(ErrorCode::Io, "cannot write the audit key " + file.string());
  }
  return key;
}

void append_audit(sql::Db& db, const std::string& key, const AuditEntry& in) {
  AuditEntry e = in;
  const std::string prev = meta(db, "audit_head");
  {
    sql::Stmt st(db, "SELECT COALESCE(MAX(id),0)+1 FROM audit");
    st.step();
    e.id = st.integer(0);
  }
  if (e.time.empty()) e.time = utc_now_iso();
  const std::string hash = keyed_hash(key, prev, e);
  sql::Stmt ins(db,
                "INSERT INTO audit(id,time,operator,action,object,student_id,details,prev_hash,hash,kind) "
                "VALUES(?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, static_cast<int64_t>(e.id)).bind(2, e.time).bind(3, e.operator_name).bind(4, e.action).bind(5, e.object);
  ins.bind(6, e.student_id).bind(7, e.details).bind(8, prev).bind(9, hash).bind(10, e.kind).run();
  set_meta(db, "audit_head", hash);
  set_meta(db, "audit_count", std::to_string(e.id));
}

bool has_access_entry(sql::Db& db, const AuditEntry& e) {
  sql::Stmt st(db,
               "SELECT 1 FROM audit WHERE kind='access' AND time=? AND operator=? AND action=? AND object=? "
               "AND student_id=? AND details=? LIMIT 1");
  st.bind(1, e.time).bind(2, e.operator_name).bind(3, e.action).bind(4, e.object).bind(5, e.student_id).bind(6, e.details);
  return st.step();
}

std::vector<AuditEntry> audit_entries(sql::Db& db, const std::optional<std::string>& student_id,
                                      const std::optional<std::string>& kind) {
  std::vector<AuditEntry> out;
  const bool kinds = has_kind_column(db);
  std::string q = std::string("SELECT id,time,operator,action,object,student_id,details,prev_hash,hash,") +
                  (kinds ? "kind" : "'change'") + " FROM audit WHERE (?1 IS NULL OR student_id=?1)" +
                  (kinds ? " AND (?2 IS NULL OR kind=?2)" : "") + " ORDER BY id";
  sql::Stmt st(db, q);
  if (student_id) st.bind(1, *student_id);
  else st.bind_null(1);
  if (kinds) {
    if (kind) st.bind(2, *kind);
    else st.bind_null(2);
  }
  while (st.step()) {
    AuditEntry e{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6),
                 st.text(7), st.text(8), st.text(9)};
    if (!kinds && kind && *kind != "change") continue;
    out.push_back(std::move(e));
  }
  return out;
}

AuditHead audit_head(sql::Db& db) {
  AuditHead h;
  const std::string n = meta(db, "audit_count");
  h.entries = n.empty() ? 0 : std::stoll(n);
  h.hash = meta(db, "audit_head");
  sql::Stmt st(db, "SELECT time FROM audit WHERE id=?");
  st.bind(1, static_cast<int64_t>(h.entries));
  if (st.step()) h.time = st.text(0);
  return h;
}

std::optional<AuditHead> read_audit_head_file(const fs::path& root) {
  std::ifstream in(state_dir(root) / "audit-head");
  if (!in) return std::nullopt;
  AuditHead h;
  std::string word;
  bool seen = false;
  while (in >> word) {
    if (word == "entries") in >> h.entries, seen = true;
    else if (word == "hash") in >> h.hash;
    else if (word == "time") in >> h.time;
  }
  if (!seen) return std::nullopt;
  return h;
}

namespace {

void put_head_file(const fs::path& dir, const AuditHead& head) {
  std::ostringstream text;
  text << "xueji-audit-head 1\nentries " << head.entries << "\nhash " << (head.hash.empty() ? "-" : head.hash)
       << "\ntime " << (head.time.empty() ? "-" : head.time) << "\n";
  const fs::path file = dir / "audit-head";
  const fs::path tmp = dir / ("audit-head.tmp-" + std::to_string(::getpid()));
  const std::string data = text.str();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0)
    throw Error(ErrorCode::Io, "cannot write " + file.string() + ": " + std::strerror(errno));
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

bool head_file_present(const fs::path& root) {
  std::error_code ec;
  return fs::exists(state_dir(root) / "audit-head", ec);
}

}  // namespace

void write_audit_head_file(const fs::path& root, const AuditHead& head, bool restart) {
  const fs::path dir = state_dir(root);
  // Serialized by a lock of its own: two commits racing must not write an older head last.
  FileLock lock(dir / "audit-head.lock", std::chrono::seconds(30), "the audit head file");
  if (const auto old = read_audit_head_file(root); !restart && old && old->entries >= head.entries) return;
  put_head_file(dir, head);
}

void advance_audit_head_file(sql::Db& db, const fs::path& root) {
  const AuditHead head = audit_head(db);
  const fs::path dir = state_dir(root);
  FileLock lock(dir / "audit-head.lock", std::chrono::seconds(30), "the audit head file");
  const auto old = read_audit_head_file(root);
  if (!old && head_file_present(root)) return;  // unreadable: kept as it is, verify reports it
  if (old) {
    if (old->entries >= head.entries) return;
    if (old->entries > 0) {
      // Only a trail that still passes through the recorded head may move it on; otherwise
      // (an older database restored, a rewritten trail) the head file keeps the evidence.
      sql::Stmt st(db, "SELECT hash FROM audit WHERE id=?");
      st.bind(1, static_cast<int64_t>(old->entries));
      if (!st.step() || st.text(0) != old->hash) return;
    }
  }
  put_head_file(dir, head);
}

std::vector<std::string> verify_audit_chain(sql::Db& db, const std::optional<std::string>& key,
                                            const std::optional<AuditHead>& head_file) {
  std::vector<std::string> findings;
  if (!key) {
    findings.push_back("the audit key (.xueji/audit.key) is missing or unreadable: the audit trail can't be checked");
    return findings;
  }
  std::string prev;
  long long expected_id = 1;
  std::optional<std::string> hash_at_head_file;
  for (const AuditEntry& e : audit_entries(db)) {
    if (e.id != expected_id) {
      findings.push_back("audit entries " + std::to_string(expected_id) + "-" + std::to_string(e.id - 1) +
                         " are missing");
      expected_id = e.id;
    }
    if (e.prev_hash != prev)
      findings.push_back("audit entry " + std::to_string(e.id) + " does not follow the entry before it");
    if (keyed_hash(*key, e.prev_hash, e) != e.hash)
      findings.push_back("audit entry " + std::to_string(e.id) + " was changed (its keyed hash does not check)");
    if (head_file && e.id == head_file->entries) hash_at_head_file = e.hash;
    prev = e.hash;
    ++expected_id;
  }
  const long long last = expected_id - 1;
  const std::string head = meta(db, "audit_head"), count = meta(db, "audit_count");
  const bool empty_and_unrecorded = last == 0 && head.empty();
  if (!empty_and_unrecorded && (head != prev || count != std::to_string(last)))
    findings.push_back("the newest audit entries were removed (the log ends at entry " + std::to_string(last) +
                       ", the recorded newest entry is " + (count.empty() ? "?" : count) + ")");
  if (!head_file) {
    if (last > 0) findings.push_back("the audit head file (.xueji/audit-head) is missing or unreadable");
  } else if (head_file->entries > last) {
    findings.push_back("the audit trail was truncated: it ends at entry " + std::to_string(last) +
                       ", the audit head file records " + std::to_string(head_file->entries) + " entries");
  } else if (head_file->entries > 0 && hash_at_head_file != head_file->hash) {
    findings.push_back("the audit trail was rewritten: entry " + std::to_string(head_file->entries) +
                       " is not the one the audit head file records");
  }
  return findings;
}

std::vector<std::string> rekey_audit_chain(sql::Db& db, const std::string& key) {
  std::vector<std::string> findings;
  std::string prev_old, prev_new;
  std::vector<AuditEntry> entries = audit_entries(db);
  sql::Stmt upd(db, "UPDATE audit SET prev_hash=?, hash=? WHERE id=?");
  for (AuditEntry& e : entries) {
    if (e.prev_hash != prev_old)
      findings.push_back("entry " + std::to_string(e.id) + " did not follow the entry before it");
    if (sha256_hex(fields_of(e.prev_hash, e, false)) != e.hash)
      findings.push_back("entry " + std::to_string(e.id) + " had been changed");
    prev_old = e.hash;
    e.kind = "change";
    const std::string h = keyed_hash(key, prev_new, e);
    upd.reset();
    upd.bind(1, prev_new).bind(2, h).bind(3, static_cast<int64_t>(e.id)).run();
    prev_new = h;
  }
  const std::string last = std::to_string(entries.empty() ? 0 : entries.back().id);
  if (meta(db, "audit_head") != prev_old || meta(db, "audit_count") != last)
    findings.push_back("the newest entries had been removed");
  set_meta(db, "audit_head", prev_new);
  set_meta(db, "audit_count", last);
  return findings;
}

}  // namespace xueji
