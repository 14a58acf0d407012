#pragma once
// Commands that keep the archive trustworthy: the audit head for an outside witness, and
// rebuilding a lost catalog from the archive's own files.
#include <string>

#include "models/catalog.h"

namespace xueji::cli {

int audit_head(Catalog& c, bool json);
int catalog_rebuild(const std::string& archive, const std::string& op, bool replace);

}  // namespace xueji::cli
