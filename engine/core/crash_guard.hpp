#pragma once
// Remembers which durable execution a thread was running when the process crashed, so that the
// next start can stop that one execution instead of crashing on it again (issue 11, finding 2: a
// poisoned execution crashed every restart 0.01 s after listening, bricking the data directory).
//
// install() opens `marker_path` and sets handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and
// SIGABRT that run on an alternate signal stack (so a stack overflow can be reported too). While a
// CrashGuard::Running is alive on a thread, a crash on that thread appends the execution's
// sequence number as one decimal line to the marker file with write(2) only, then the signal is
// re-raised with its default action (the process still dies, as it must). kill -9 leaves nothing:
// only crashes of the emulator itself are counted. read_and_clear() returns the numbers recorded
// by earlier processes.
//
// Sanitizer builds: prepare_thread() does nothing (the sanitizers own the alternate stacks) and
// main does not install the guard.
// Threading: install() once from main before other threads start; prepare_thread() on every
// thread that may run guarded code (ThreadPool workers do it themselves); Running from any thread.

#include <cstdint>
#include <string>
#include <vector>

namespace scl::core {

class CrashGuard {
 public:
  /// Installs the handlers; false (and nothing installed) when the file cannot be opened.
  static bool install(const std::string& marker_path);
  /// Gives the calling thread an alternate signal stack (idempotent per thread).
  static void prepare_thread();
  /// Sequence numbers recorded in `marker_path` (one per crash), then empties the file.
  static std::vector<std::int64_t> read_and_clear(const std::string& marker_path);

  /// Marks the calling thread as running execution `seq` for its lifetime (nests).
  class Running {
   public:
    explicit Running(std::int64_t seq);
    ~Running();
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    std::int64_t previous_;
  };
};

}  // namespace scl::core
