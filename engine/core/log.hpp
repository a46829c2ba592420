#pragma once
// Minimal leveled logging to stderr. Thread-safe (one write per line).

#include <string_view>

namespace scl::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void set_log_level(LogLevel level);
[[nodiscard]] bool log_enabled(LogLevel level);
void log(LogLevel level, std::string_view message);

inline void log_info(std::string_view m) { log(LogLevel::kInfo, m); }
inline void log_warn(std::string_view m) { log(LogLevel::kWarn, m); }
inline void log_error(std::string_view m) { log(LogLevel::kError, m); }
inline void log_debug(std::string_view m) { log(LogLevel::kDebug, m); }

}  // namespace scl::core
