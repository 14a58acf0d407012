#include "capture/sane_env.h"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace xueji {

void prepare_sane_environment() {
  ::setenv("MIBS", "", 0);
  if (std::getenv("SNMP_PERSISTENT_DIR")) return;
  fs::path cache;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') cache = x;
  else if (const char* h = std::getenv("HOME"); h && *h == '/') cache = fs::path(h) / ".cache";
  else return;
  const fs::path dir = cache / "xueji" / "snmp";
  std::error_code ec;
  fs::create_directories(dir / "cert_indexes", ec);
  if (ec) return;  // net-snmp's own default then, as before
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  ::setenv("SNMP_PERSISTENT_DIR", dir.c_str(), 1);
}

}  // namespace xueji
