#pragma once
// A fuzz input as a file: the image loader and the PDF/A checker read paths. The bytes go to
// an anonymous in-memory file (memfd, nothing on disk) reached as /proc/self/fd/N; one per input,
// closed when the object goes.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace xueji::fuzz {

class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : fd_(memfd_create("xueji-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) die("memfd_create");
    for (size_t done = 0; done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) die("write");
      done += static_cast<size_t>(n);
    }
  }
  ~MemoryFile() { close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  std::filesystem::path path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  // The harness itself failing is not a finding in the code under test: stop loudly.
  [[noreturn]] static void die(const char* what) {
    std::perror(what);
    std::abort();
  }
  int fd_;
};

}  // namespace xueji::fuzz
