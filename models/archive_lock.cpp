#include "models/archive_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "models/error.h"

namespace fs = std::filesystem;

namespace xueji {

fs::path state_dir(const fs::path& root) { return root / ".xueji"; }

FileLock::FileLock(const fs::path& file, std::chrono::milliseconds wait, const std::string& what) {
  std::vector<fs::path> missing;  // Xueji's own folders: mode 0750, like the archive's
  std::error_code ec;
  for (fs::path p = file.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) ::mkdir(it->c_str(), 0750);
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0)
    throw Error(errno == EROFS || errno == EACCES ? ErrorCode::ReadOnly : ErrorCode::Io,
                "cannot lock " + what + " (" + file.string() + "): " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(5);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int saved = errno;
      ::close(fd_);
      throw Error(ErrorCode::Io, "cannot lock " + what + ": " + std::strerror(saved));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw Error(ErrorCode::Busy, what + " is in use by another xueji command; try again when it has finished");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

bool FileLock::held_elsewhere(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

std::chrono::milliseconds archive_lock_wait() {
  if (const char* v = std::getenv("XUEJI_LOCK_WAIT"); v && *v) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end && *end == '\0' && s >= 0) return std::chrono::milliseconds(static_cast<long long>(s * 1000));
  }
  return std::chrono::seconds(600);
}

}  // namespace xueji
