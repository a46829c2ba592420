#pragma once
// The `meta` table: integer facts about the emulator (simulated clock high-water mark).
// Call inside Database::read/write; throws DbError.

#include <cstdint>
#include <optional>
#include <string>

#include "store/sqlite/database.hpp"

namespace scl::store::meta_repo {

inline constexpr const char* kClockKey = "clock_ms";

std::optional<std::int64_t> get(Tx& tx, const std::string& key);
/// Stores max(existing, value): the facts kept here only grow.
void raise_to(Tx& tx, const std::string& key, std::int64_t value);

}  // namespace scl::store::meta_repo
