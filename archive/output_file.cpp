#include "archive/output_file.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "models/error.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

const char* kind_of(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a folder";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISFIFO(st.st_mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void io_fail(const std::string& what, const fs::path& p, int err) {
  throw Error(ErrorCode::Io, what + " " + p.string() + ": " + std::strerror(err));
}

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) io_fail("cannot open", p, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) io_fail("cannot flush", p, err);
}

fs::path temp_beside(const fs::path& target) {
  std::random_device rd;
  return target.parent_path() / ("." + target.stem().string() + ".tmp-" + std::to_string(rd() % 1000000000) +
                                 target.extension().string());
}

}  // namespace

void check_output_path(const fs::path& target, bool force) {
  if (target.empty()) throw Error(ErrorCode::InvalidArgument, "no output file given");
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {  // follows links: a link to /dev/null is a device
    if (errno == ENOENT) {
      const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
      std::error_code ec;
      if (!fs::is_directory(dir, ec))
        throw Error(ErrorCode::InvalidArgument, "cannot write " + target.string() + ": the folder " +
                                                    dir.string() + " does not exist");
      return;
    }
    io_fail("cannot check", target, errno);
  }
  if (!S_ISREG(st.st_mode))
    throw Error(ErrorCode::InvalidArgument, "refusing to write " + target.string() + ": it is " + kind_of(st) +
                                                ", not a regular file");
  if (!force)
    throw Error(ErrorCode::InvalidArgument,
                "refusing to overwrite " + target.string() + ": the file exists (use --force to replace it)");
}

void write_output_file(const fs::path& target, bool force, const std::function<void(const fs::path&)>& write) {
  check_output_path(target, force);
  const fs::path temp = temp_beside(target);
  try {
    write(temp);
    struct stat st {};
    if (::lstat(temp.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw Error(ErrorCode::Io, "cannot write " + target.string() + ": the temporary file was not written");
    fsync_path(temp, O_RDONLY);
    check_output_path(target, force);  // again: the target may have changed while the content was made
    const int rc = force ? ::rename(temp.c_str(), target.c_str())
                         : ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (rc != 0) {
      if (errno == EEXIST)
        throw Error(ErrorCode::InvalidArgument,
                    "refusing to overwrite " + target.string() + ": the file exists (use --force to replace it)");
      io_fail("cannot rename into", target, errno);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
  fsync_path(target.parent_path().empty() ? fs::path(".") : target.parent_path(), O_RDONLY | O_DIRECTORY);
}

void write_output_file(const fs::path& target, bool force, std::string_view data) {
  write_output_file(target, force, [&](const fs::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) throw Error(ErrorCode::Io, "cannot write " + temp.string());
  });
}

}  // namespace xueji
