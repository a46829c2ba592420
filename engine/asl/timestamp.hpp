#pragma once
// RFC 3339 timestamps as the States Language restricts them (uppercase 'T', 'Z' or numeric
// offset) and the ISO-8601 text AWS shows in the context object.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/clock.hpp"

namespace scl::asl {

/// An instant with nanosecond precision (TimestampEquals compares fractions exactly).
struct Instant {
  std::int64_t seconds = 0;  // since the Unix epoch
  std::int32_t nanos = 0;    // [0, 1e9)
  auto operator<=>(const Instant&) const = default;
  [[nodiscard]] core::TimeMs to_ms() const { return seconds * 1000 + nanos / 1000000; }
};

/// Parses "2016-03-14T01:59:00Z", "...T01:59:00.123+02:00"; nullopt when not RFC 3339.
std::optional<Instant> parse_rfc3339(std::string_view text);

/// "2024-05-01T12:00:00.123Z" (always millisecond precision, UTC).
std::string format_iso8601_ms(core::TimeMs t);

}  // namespace scl::asl
