#pragma once
// Exclusive locks between processes that write to one archive.
//
// Design notes: every command that changes the archive (files or catalog) holds the archive
// lock, an flock(2) on <archive>/.xueji/lock, for the whole change; readers never take it and
// go on through SQLite's WAL. An import holds the archive lock only to reserve its numbers and
// to commit; while it works it holds the lock of its reservation (.xueji/reservations/<id>.lock)
// so that `recover` can tell a live import's files from an interrupted one's. flock locks end
// with the process, so a killed command never leaves a stale lock behind.
#include <chrono>
#include <filesystem>
#include <string>

namespace xueji {

// The folder of Xueji's own files inside an archive (lock, audit key and head, reservations).
std::filesystem::path state_dir(const std::filesystem::path& archive_root);

class FileLock {
 public:
  // Opens (creating it, mode 0640) `file` and takes an exclusive lock, waiting up to `wait`.
  // Throws Error(Busy) naming `what` when the wait ends, Error(Io) when the file can't be made.
  FileLock(const std::filesystem::path& file, std::chrono::milliseconds wait, const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // True when some process holds the lock on `file` (false when the file does not exist).
  static bool held_elsewhere(const std::filesystem::path& file);

 private:
  int fd_ = -1;
};

// How long a writer waits for the archive lock: $XUEJI_LOCK_WAIT seconds, else 600.
std::chrono::milliseconds archive_lock_wait();

}  // namespace xueji
