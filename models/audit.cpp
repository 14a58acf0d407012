#include "models/audit.h"

#include <pwd.h>
#include <unistd.h>

#include "models/catalog.h"
#include "models/sha256.h"

namespace xueji {
namespace {

std::string entry_hash(const std::string& prev, long long id, const std::string& time,
                       const std::string& op, const std::string& action, const std::string& object,
                       const std::string& student, const std::string& details) {
  const char sep = '\x1f';
  std::string s = prev;
  for (const std::string& part : {std::to_string(id), time, op, action, object, student, details}) {
    s.push_back(sep);
    s += part;
  }
  return sha256_hex(s);
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

}  // namespace

std::string os_user_name() {
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* u = std::getenv("USER")) return u;
  return "unknown";
}

void append_audit(sql::Db& db, const std::string& op, const std::string& action,
                  const std::string& object, const std::string& student_id, const std::string& details) {
  const std::string prev = meta(db, "audit_head");
  long long id = 1;
  {
    sql::Stmt st(db, "SELECT COALESCE(MAX(id),0)+1 FROM audit");
    st.step();
    id = st.integer(0);
  }
  const std::string time = utc_now_iso();
  const std::string hash = entry_hash(prev, id, time, op, action, object, student_id, details);
  sql::Stmt ins(db,
                "INSERT INTO audit(id,time,operator,action,object,student_id,details,prev_hash,hash) "
                "VALUES(?,?,?,?,?,?,?,?,?)");
  ins.bind(1, static_cast<int64_t>(id)).bind(2, time).bind(3, op).bind(4, action).bind(5, object);
  ins.bind(6, student_id).bind(7, details).bind(8, prev).bind(9, hash).run();
  set_meta(db, "audit_head", hash);
  set_meta(db, "audit_count", std::to_string(id));
}

std::vector<AuditEntry> audit_entries(sql::Db& db, const std::optional<std::string>& student_id) {
  std::vector<AuditEntry> out;
  sql::Stmt st(db, student_id ? "SELECT id,time,operator,action,object,student_id,details,prev_hash,hash "
                                "FROM audit WHERE student_id=? ORDER BY id"
                              : "SELECT id,time,operator,action,object,student_id,details,prev_hash,hash "
                                "FROM audit ORDER BY id");
  if (student_id) st.bind(1, *student_id);
  while (st.step())
    out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6),
                   st.text(7), st.text(8)});
  return out;
}

std::vector<std::string> verify_audit_chain(sql::Db& db) {
  std::vector<std::string> findings;
  std::string prev;
  long long expected_id = 1;
  for (const AuditEntry& e : audit_entries(db)) {
    if (e.id != expected_id) {
      findings.push_back("audit entries " + std::to_string(expected_id) + "-" + std::to_string(e.id - 1) +
                         " are missing");
      expected_id = e.id;
    }
    if (e.prev_hash != prev)
      findings.push_back("audit entry " + std::to_string(e.id) + " does not follow the entry before it");
    const std::string h = entry_hash(e.prev_hash, e.id, e.time, e.operator_name, e.action, e.object,
                                     e.student_id, e.details);
    if (h != e.hash) findings.push_back("audit entry " + std::to_string(e.id) + " was changed");
    prev = e.hash;
    ++expected_id;
  }
  const long long last = expected_id - 1;
  const std::string head = meta(db, "audit_head"), count = meta(db, "audit_count");
  const bool empty_and_unrecorded = last == 0 && head.empty();
  if (!empty_and_unrecorded && (head != prev || count != std::to_string(last)))
    findings.push_back("the newest audit entries were removed (the log ends at entry " + std::to_string(last) +
                       ", the recorded newest entry is " + (count.empty() ? "?" : count) + ")");
  return findings;
}

}  // namespace xueji
