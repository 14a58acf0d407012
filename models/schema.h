#pragma once
// The catalog schema and its versioned migrations.
//
// Design notes: PRAGMA user_version holds the schema version. Opening an archive upgrades it
// step by step (each step in one transaction, recorded in the audit trail); an archive made
// by a newer Xueji is refused with a clear message instead of being touched.
#include <filesystem>
#include <string>

#include "models/sqlite.h"

namespace xueji {

constexpr int kSchemaVersion = 4;

int schema_version(sql::Db& db);
// Creates the newest schema in an empty database; `key` is the new archive's audit key.
void create_schema(sql::Db& db, const std::string& key);
// Upgrades from schema_version(db) to kSchemaVersion; `root` is the archive folder (files
// written by older versions get their fixity values; schema 4 makes the audit key). Throws for
// a newer schema.
void migrate_schema(sql::Db& db, const std::filesystem::path& root, const std::string& operator_name);

}  // namespace xueji
