#include "cli/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace xueji::cli {
namespace {

CancelToken* g_token = nullptr;
volatile sig_atomic_t g_count = 0;
struct sigaction g_old_int {}, g_old_term {};

void say(const char* s) { [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, s, std::strlen(s)); }

void on_signal(int sig) {
  const sig_atomic_t seen = g_count;
  g_count = seen + 1;
  if (seen > 0) {
    say("\nxueji: stopped at once: temporary files may be left in the archive; run: xueji recover\n");
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  say("\nxueji: cancelling (press Ctrl-C again to stop at once)...\n");
  if (g_token) g_token->cancel();  // a lock-free atomic store
}

}  // namespace

static_assert(std::atomic<bool>::is_always_lock_free, "cancelling from a signal handler needs a lock-free flag");

InterruptGuard::InterruptGuard(CancelToken& token) {
  g_token = &token;
  g_count = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  g_token = nullptr;
}

bool InterruptGuard::interrupted() const { return g_count > 0; }

}  // namespace xueji::cli
