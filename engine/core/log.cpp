#include "log.hpp"

#include <atomic>
#include <cstdio>
#include <string>

namespace scl::core {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
constexpr const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
}  // namespace

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level)); }
bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void log(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  std::string line;
  line.reserve(message.size() + 16);
  line += '[';
  line += kNames[static_cast<int>(level)];
  line += "] ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace scl::core
