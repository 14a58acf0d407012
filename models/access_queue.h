#pragma once
// Access events that could not be chained at once.
//
// Design notes: a view, search or export must be recorded, but it must not wait behind a long
// change (recover, catalog rebuild) that holds the archive lock. When the lock is busy the
// event is written, fsynced, as one file in .xueji/access-queue/ and the command goes on; the
// next Catalog::Write (or the next access that gets the lock) appends the queued events to the
// chain, with their own times, inside its transaction, and removes the files after the commit.
// A crash between that commit and the removal leaves files whose events are already chained:
// an event is appended only when no access entry with the same time, operator, action, object,
// student and details exists, so it is never chained twice.
#include <filesystem>
#include <string>
#include <vector>

#include "models/audit.h"

namespace xueji {

struct QueuedAccess {
  std::filesystem::path file;
  AuditEntry entry;
};

// Writes the event (kind "access"; its time set now if empty) to the queue.
// Throws Error(Io) when it can't be written.
void queue_access(const std::filesystem::path& archive_root, AuditEntry entry);

// The queued events, oldest first. Unreadable or torn files (a crash while writing) are
// skipped and left in place.
std::vector<QueuedAccess> queued_accesses(const std::filesystem::path& archive_root);

}  // namespace xueji
