#pragma once
// Ctrl-C during a long command. While an InterruptGuard lives, the first SIGINT or SIGTERM
// cancels through `token`: the command stops at its next check and its rollback runs. A second
// one ends the process at once (after saying that `xueji recover` may be needed).
#include "models/progress.h"

namespace xueji::cli {

class InterruptGuard {
 public:
  explicit InterruptGuard(CancelToken& token);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  bool interrupted() const;
};

}  // namespace xueji::cli
