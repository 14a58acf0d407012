#include "cli/integrity_commands.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/archive_commands.h"
#include "pipeline/catalog_rebuild.h"

namespace xueji::cli {

int audit_head(Catalog& c, bool json) {
  const AuditHead h = c.audit_head();
  if (json) {
    std::cout << nlohmann::json{{"archive", c.root().string()}, {"entries", h.entries}, {"hash", h.hash}, {"time", h.time}}.dump()
              << "\n";
    return 0;
  }
  std::cout << "archive  " << c.root().string() << "\nentries  " << h.entries << "\nhash     " << h.hash
            << "\ntime     " << h.time
            << "\n(write this down or hand it to a witness: `xueji verify` reports any trail that no longer "
               "reaches this entry with this hash)\n";
  return 0;
}

int catalog_rebuild(const std::string& archive, const std::string& op, bool replace) {
  const RebuildReport r = rebuild_catalog(archive_dir(archive), op, replace);
  if (!r.set_aside.empty()) std::cout << "the previous catalog was set aside as " << r.set_aside << "\n";
  for (const std::string& p : r.problems) std::cout << "problem: " << p << "\n";
  std::cout << "catalog rebuilt: " << r.students << (r.students == 1 ? " student, " : " students, ") << r.documents
            << (r.documents == 1 ? " document" : " documents") << " (" << r.deleted << " in the trash), " << r.pages
            << (r.pages == 1 ? " page" : " pages") << "\n";
  std::cout << "previous audit head: " << (r.previous_head.empty() ? "unknown" : r.previous_head) << "\n";
  return r.problems.empty() ? 0 : 3;
}

}  // namespace xueji::cli
