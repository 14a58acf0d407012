#include "archive/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <random>
#include <vector>

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

// rename(2) that fails with EEXIST instead of replacing; link+unlink where the file system
// lacks RENAME_NOREPLACE.
int rename_noreplace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  if (::link(from.c_str(), to.c_str()) != 0) return -1;
  ::unlink(from.c_str());
  return 0;
}

}  // namespace

fs::path temp_path_for(const fs::path& final_path) {
  std::random_device rd;
  return final_path.parent_path() /
         ("." + final_path.filename().string() + ".tmp-" + std::to_string(rd() % 1000000000));
}

void create_folders(const fs::path& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (::mkdir(it->c_str(), 0750) != 0 && errno != EEXIST) io_fail("cannot create folder", *it);
}

namespace {

void set_archive_mode(const fs::path& p) {
  if (::chmod(p.c_str(), 0640) != 0) io_fail("cannot set the mode of", p);
}

}  // namespace

void commit_file(const fs::path& temp, const fs::path& final_path, Replace replace) {
  set_archive_mode(temp);
  fsync_path(temp, O_RDONLY);
  if (replace == Replace::Allowed) {
    if (::rename(temp.c_str(), final_path.c_str()) != 0) io_fail("cannot rename into", final_path);
  } else if (rename_noreplace(temp, final_path) != 0) {
    if (errno == EEXIST)
      throw Error(ErrorCode::InvalidArgument, "refusing to replace the existing file " + final_path.string());
    io_fail("cannot rename into", final_path);
  }
  fsync_path(final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path(),
             O_RDONLY | O_DIRECTORY);
}

std::string read_file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) io_fail("cannot read", file);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) io_fail("cannot read", file);
  return s.str();
}

void write_file_atomic(const fs::path& final_path, std::string_view data, Replace replace) {
  const fs::path tmp = temp_path_for(final_path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
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
    commit_file(tmp, final_path, replace);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace xueji
