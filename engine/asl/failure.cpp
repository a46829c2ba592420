#include "engine/asl/failure.hpp"

namespace scl::asl {

bool is_terminal_error(std::string_view error) { return error == errors::kRuntime; }

bool error_pattern_matches(std::string_view pattern, std::string_view error) {
  if (is_terminal_error(error)) return false;
  if (pattern == error) return true;
  if (error == errors::kDataLimitExceeded) return false;
  if (pattern == errors::kAll) return true;
  if (pattern == errors::kTaskFailed) return error != errors::kTimeout;
  return false;
}

bool error_equals_matches(const std::vector<std::string>& error_equals, std::string_view error) {
  for (const auto& p : error_equals) {
    if (error_pattern_matches(p, error)) return true;
  }
  return false;
}

}  // namespace scl::asl
