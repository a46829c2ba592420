#pragma once
// Numbered schema migrations, applied in order on open; PRAGMA user_version records the last.

#include "store/sqlite/database.hpp"

namespace scl::store {

/// Applies every migration above the database's user_version, each in its own transaction.
/// Throws DbError; a database newer than this binary (user_version > known) is refused.
void migrate(Database& db);
/// The same, stopping at schema version `target` (tests of upgrades from older databases).
void migrate(Database& db, int target);

/// Number of the newest migration this binary knows.
int latest_schema_version();

}  // namespace scl::store
