#pragma once
// The audit trail: every change to the archive, and every view, search and export of its
// records, appended with time, operator, action and object, in a keyed hash chain.
//
// Design notes (tamper evidence): each entry's hash is HMAC-SHA-256, under a per-archive key,
// over the previous entry's hash and the entry's own fields, so editing any past entry breaks
// the chain from there on and deleting one breaks the link of the next; without the key
// nobody can write a new chain that checks. The key lives outside the database
// (.xueji/audit.key, mode 0600: readable by the archive's owner only). Deleting the newest
// entries, or all of them, leaves a shorter chain that checks, so the head (entry count and
// hash) is kept twice: in the meta table, in the same transaction as the entry, and in
// .xueji/audit-head, written after each commit; `xueji audit head` prints it for a witness
// on paper. A head file a crash left one commit behind names an entry that still exists with
// that hash, so it still checks; a chain shorter than the head, or with another hash there, is
// reported. Entries are appended inside the transaction of the change they record.
// Archives of schema 3 and older had an unkeyed SHA-256 chain: upgrading checks it, then
// re-hashes it under the new key (an entry records what the old chain's check found).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/sqlite.h"

namespace xueji {

struct AuditEntry {
  long long id = 0;
  std::string time, operator_name, action, object, student_id, details;
  std::string prev_hash, hash;
  std::string kind = "change";  // change | access
};

struct AuditHead {
  long long entries = 0;
  std::string hash;  // of the newest entry; empty for an empty trail
  std::string time;
};

// The archive's audit key (raw bytes); nullopt when the key file is missing or unreadable.
std::optional<std::string> load_audit_key(const std::filesystem::path& archive_root);
// Creates the key file (mode 0600); throws if one exists.
std::string create_audit_key(const std::filesystem::path& archive_root);
std::filesystem::path audit_key_path(const std::filesystem::path& archive_root);

// Appends an entry (call inside the change's transaction).
void append_audit(sql::Db& db, const std::string& key, const AuditEntry& entry);

// True when an access entry with e's time, operator, action, object, student and details exists.
bool has_access_entry(sql::Db& db, const AuditEntry& e);

std::vector<AuditEntry> audit_entries(sql::Db& db, const std::optional<std::string>& student_id = {},
                                      const std::optional<std::string>& kind = {});

AuditHead audit_head(sql::Db& db);
std::optional<AuditHead> read_audit_head_file(const std::filesystem::path& archive_root);
// After a commit: moves the head file on to the database's head, but only when the trail
// still passes through the head the file records (a rolled-back or rewritten trail can't
// overwrite the evidence).
void advance_audit_head_file(sql::Db& db, const std::filesystem::path& archive_root);
// Writes the head file unless it already records as many entries or more (`restart`: a new
// chain after catalog rebuild, whose first entry names the old head).
void write_audit_head_file(const std::filesystem::path& archive_root, const AuditHead& head, bool restart = false);

// Findings (empty when the chain is intact), e.g. "audit entry 12 was changed". Without the
// key the chain can't be checked (one finding says so).
std::vector<std::string> verify_audit_chain(sql::Db& db, const std::optional<std::string>& key,
                                            const std::optional<AuditHead>& head_file);

// Schema upgrade: checks the old unkeyed chain (returns its findings) and re-hashes every
// entry under `key`.
std::vector<std::string> rekey_audit_chain(sql::Db& db, const std::string& key);

// The operating-system user running the process.
std::string os_user_name();

}  // namespace xueji
