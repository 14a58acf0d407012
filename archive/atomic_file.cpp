#include "archive/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "models/error.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

[[noreturn]] void io_fail(const std::string& what, const fs::path& p) {
  throw Error(ErrorCode::Io, what + " " + p.string() + ": " + std::strerror(errno));
}

void fsync_path(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) io_fail("cannot open", p);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) io_fail("cannot flush", p);
}

}  // namespace

fs::path temp_path_for(const fs::path& final_path) {
  std::random_device rd;
  return final_path.parent_path() /
         ("." + final_path.filename().string() + ".tmp-" + std::to_string(rd() % 1000000000));
}

void commit_file(const fs::path& temp, const fs::path& final_path) {
  fsync_path(temp, O_RDONLY);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) io_fail("cannot rename into", final_path);
  fsync_path(final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path(),
             O_RDONLY | O_DIRECTORY);
}

void write_file_atomic(const fs::path& final_path, std::string_view data) {
  const fs::path tmp = temp_path_for(final_path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) io_fail("cannot create", tmp);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      io_fail("cannot write", tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    io_fail("cannot close", tmp);
  }
  try {
    commit_file(tmp, final_path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace xueji
