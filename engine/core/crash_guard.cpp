#include "engine/core/crash_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SCL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SCL_SANITIZED 1
#endif
#endif

namespace scl::core {
namespace {

int g_marker_fd = -1;
thread_local std::int64_t t_running = 0;

void on_crash(int sig) {
  const std::int64_t seq = t_running;
  if (g_marker_fd >= 0 && seq > 0) {
    char buf[24];
    int n = 0;
    char digits[20];
    std::int64_t v = seq;
    while (v > 0 && n < 20) {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    int len = 0;
    while (n > 0) buf[len++] = digits[--n];
    buf[len++] = '\n';
    [[maybe_unused]] const ssize_t w = ::write(g_marker_fd, buf, static_cast<std::size_t>(len));
    ::fsync(g_marker_fd);
  }
  // SA_RESETHAND restored the default action: die of the same signal.
  ::raise(sig);
}

}  // namespace

bool CrashGuard::install(const std::string& marker_path) {
  const int fd = ::open(marker_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  g_marker_fd = fd;
  prepare_thread();
  struct sigaction sa {};
  sa.sa_handler = on_crash;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::sigaction(sig, &sa, nullptr);
  return true;
}

void CrashGuard::prepare_thread() {
#ifdef SCL_SANITIZED
  // The sanitizers give every thread their own alternate signal stack and unmap it at thread
  // exit; replacing it makes that unmap fail. Their fatal-signal reports stand in for the guard.
  return;
#endif
  thread_local std::unique_ptr<char[]> stack;
  if (stack) return;
  constexpr std::size_t kSize = 64 * 1024;
  stack = std::make_unique<char[]>(kSize);
  stack_t ss{};
  ss.ss_sp = stack.get();
  ss.ss_size = kSize;
  ss.ss_flags = 0;
  ::sigaltstack(&ss, nullptr);
}

std::vector<std::int64_t> CrashGuard::read_and_clear(const std::string& marker_path) {
  std::vector<std::int64_t> out;
  {
    std::ifstream in(marker_path);
    std::string line;
    while (std::getline(in, line)) {
      try {
        const long long v = std::stoll(line);
        if (v > 0) out.push_back(v);
      } catch (const std::exception&) {
        // a torn line from a crash mid-write: ignore it
      }
    }
  }
  if (g_marker_fd >= 0) {
    [[maybe_unused]] const int rc = ::ftruncate(g_marker_fd, 0);
  } else {
    std::ofstream(marker_path, std::ios::trunc);
  }
  return out;
}

CrashGuard::Running::Running(std::int64_t seq) : previous_(t_running) { t_running = seq; }
CrashGuard::Running::~Running() { t_running = previous_; }

}  // namespace scl::core
