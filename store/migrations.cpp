#include "store/migrations.hpp"

#include <array>
#include <string>

namespace scl::store {
namespace {

// Times are integer epoch milliseconds of simulated time. Echo-only blobs are JSON text.
constexpr std::array<const char*, 3> kMigrations = {
    // 1: CodeBuild projects and builds.
    R"sql(
CREATE TABLE projects (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  last_build_number INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, region, name)
) WITHOUT ROWID;
CREATE TABLE builds (
  seq INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,
  project TEXT NOT NULL,
  build_number INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  stop_ms INTEGER,
  completes_ms INTEGER NOT NULL,
  plan TEXT NOT NULL,
  body TEXT NOT NULL,
  idempotency_token TEXT,
  request_hash TEXT
);
CREATE UNIQUE INDEX builds_by_id ON builds (account, region, id);
CREATE INDEX builds_by_project ON builds (account, region, project, build_number);
CREATE INDEX builds_in_flight ON builds (completes_ms);
)sql",
    // 2: key/value facts about the emulator itself (e.g. the simulated clock's high-water mark).
    R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // Step Functions: state machines, executions (with the runner snapshot), history events.
    R"sql(
CREATE TABLE state_machines (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL PRIMARY KEY,
  type TEXT NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  logging TEXT NOT NULL,
  tracing TEXT NOT NULL,
  tags TEXT NOT NULL,
  extra TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER,
  revision_id TEXT
) WITHOUT ROWID;
CREATE INDEX state_machines_by_scope ON state_machines (account, region, created_ms);
CREATE TABLE executions (
  seq INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  sm_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  start_ms INTEGER NOT NULL,
  stop_ms INTEGER,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  sm_updated_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  trace_header TEXT
);
CREATE INDEX executions_by_machine ON executions (sm_arn, seq);
CREATE INDEX executions_running ON executions (status) WHERE status = 'RUNNING';
CREATE TABLE history (
  execution_seq INTEGER NOT NULL,
  id INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (execution_seq, id)
) WITHOUT ROWID;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

void migrate(Database& db) {
  const int current = db.user_version();
  if (current > latest_schema_version()) {
    throw DbError(0, "database schema version " + std::to_string(current) +
                         " is newer than this binary supports (" +
                         std::to_string(latest_schema_version()) + ")");
  }
  for (int v = current; v < latest_schema_version(); ++v) {
    db.write([&](Tx& tx) {
      tx.exec(kMigrations[static_cast<std::size_t>(v)]);
      tx.exec("PRAGMA user_version = " + std::to_string(v + 1));
    });
  }
}

}  // namespace scl::store
