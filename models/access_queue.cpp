#include "models/access_queue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "models/archive_lock.h"
#include "models/catalog.h"
#include "models/error.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

constexpr const char* kMagic = "xueji-access 1";

fs::path queue_dir(const fs::path& root) { return state_dir(root) / "access-queue"; }

// Each field as "<byte length>\n<bytes>\n": any text, newlines included, reads back exactly.
void put_field(std::string& out, const std::string& value) {
  out += std::to_string(value.size());
  out += '\n';
  out += value;
  out += '\n';
}

bool get_field(const std::string& in, size_t& pos, std::string& value) {
  const size_t nl = in.find('\n', pos);
  if (nl == std::string::npos || nl == pos || nl - pos > 9) return false;
  const std::string digits = in.substr(pos, nl - pos);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const size_t n = std::stoul(digits);
  if (nl + 1 + n + 1 > in.size() || in[nl + 1 + n] != '\n') return false;
  value = in.substr(nl + 1, n);
  pos = nl + 1 + n + 1;
  return true;
}

void sync_dir(const fs::path& dir) {
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

void queue_access(const fs::path& root, AuditEntry e) {
  static std::atomic<unsigned> counter{0};
  if (e.time.empty()) e.time = utc_now_iso();
  const fs::path dir = queue_dir(root);
  std::error_code ec;
  if (!fs::exists(dir, ec) && ::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    throw Error(ErrorCode::Io, "cannot create " + dir.string() + ": " + std::strerror(errno));
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  // The name sorts by time; the pid and a counter keep two events of one moment apart.
  const std::string stem = std::to_string(ns) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string data = std::string(kMagic) + "\n";
  for (const std::string* f : {&e.time, &e.operator_name, &e.action, &e.object, &e.student_id, &e.details})
    put_field(data, *f);
  const fs::path tmp = dir / (stem + ".tmp");
  const fs::path file = dir / (stem + ".access");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot queue the access record in " + dir.string() + ": " + std::strerror(errno));
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorCode::Io, "cannot queue the access record " + file.string() + ": " + std::strerror(saved));
  }
  sync_dir(dir);
}

std::vector<QueuedAccess> queued_accesses(const fs::path& root) {
  std::vector<QueuedAccess> out;
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(queue_dir(root), ec)) {
    if (de.path().extension() != ".access") continue;
    std::ifstream in(de.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const std::string head = std::string(kMagic) + "\n";
    if (!in || text.compare(0, head.size(), head) != 0) continue;
    QueuedAccess q;
    q.file = de.path();
    q.entry.kind = "access";
    size_t pos = head.size();
    bool ok = true;
    for (std::string* f : {&q.entry.time, &q.entry.operator_name, &q.entry.action, &q.entry.object,
                           &q.entry.student_id, &q.entry.details})
      ok = ok && get_field(text, pos, *f);
    if (ok && pos == text.size()) out.push_back(std::move(q));
  }
  std::sort(out.begin(), out.end(), [](const QueuedAccess& a, const QueuedAccess& b) {
    return a.file.filename().string() < b.file.filename().string();
  });
  return out;
}

}  // namespace xueji
