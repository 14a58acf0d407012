#pragma once
// The audit trail: every change to the archive, appended with time, operator, action and
// object, hash-chained.
//
// Design notes: each entry's hash is SHA-256 over the previous entry's hash and the entry's
// own fields, so editing any past entry breaks the chain from there on, and deleting one
// breaks the link of the next. Deleting the newest entries leaves a valid shorter chain, so
// the head hash and the entry count are also kept in the meta table, updated in the same
// transaction as the entry. Entries are appended inside the transaction of the change they
// record: a change without its entry (or the reverse) is never committed.
#include <optional>
#include <string>
#include <vector>

#include "models/sqlite.h"

namespace xueji {

struct AuditEntry {
  long long id = 0;
  std::string time, operator_name, action, object, student_id, details;
  std::string prev_hash, hash;
};

// Appends an entry (call inside the change's transaction).
void append_audit(sql::Db& db, const std::string& operator_name, const std::string& action,
                  const std::string& object, const std::string& student_id,
                  const std::string& details);

std::vector<AuditEntry> audit_entries(sql::Db& db, const std::optional<std::string>& student_id = {});

// Findings (empty when the chain is intact), e.g. "entry 12 was changed".
std::vector<std::string> verify_audit_chain(sql::Db& db);

// The operating-system user running the process.
std::string os_user_name();

}  // namespace xueji
