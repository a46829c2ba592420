#include "store/migrations.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace scl::store {
namespace {

// Times are integer epoch milliseconds of simulated time. Echo-only blobs are JSON text.
constexpr std::array<const char*, 7> kMigrations = {
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
    // CodeBuild build batches, report groups, reports and their test cases.
    R"sql(
ALTER TABLE projects ADD COLUMN last_batch_number INTEGER NOT NULL DEFAULT 0;
CREATE TABLE build_batches (
  seq INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,
  project TEXT NOT NULL,
  batch_number INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  complete INTEGER NOT NULL,
  timer_ms INTEGER,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  idempotency_token TEXT,
  request_hash TEXT
);
CREATE UNIQUE INDEX build_batches_by_id ON build_batches (account, region, id);
CREATE INDEX build_batches_by_project ON build_batches (account, region, project, batch_number);
CREATE INDEX build_batches_open ON build_batches (complete) WHERE complete = 0;
CREATE TABLE report_groups (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
) WITHOUT ROWID;
CREATE TABLE reports (
  seq INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  arn TEXT NOT NULL,
  group_name TEXT NOT NULL,
  build_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  spec TEXT NOT NULL
);
CREATE UNIQUE INDEX reports_by_arn ON reports (account, region, arn);
CREATE INDEX reports_by_group ON reports (account, region, group_name, seq);
CREATE INDEX reports_by_build ON reports (account, region, build_id);
CREATE INDEX reports_generating ON reports (status) WHERE status = 'GENERATING';
CREATE TABLE test_cases (
  report_seq INTEGER NOT NULL REFERENCES reports (seq) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  status TEXT NOT NULL,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (report_seq, idx)
) WITHOUT ROWID;
)sql",
    // Step Functions history in chunks: the events one runner step commits, in one row (ids
    // first_id..last_id, one event JSON text per line). A 10-state execution that runs to its
    // end in one step writes one row instead of 22. Idempotency tokens get an index (every
    // startBuild task now sends one).
    R"sql(
CREATE TABLE history_chunks (
  execution_seq INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX history_chunks_by_execution ON history_chunks (execution_seq, first_id);
INSERT INTO history_chunks (execution_seq, first_id, last_id, body)
  SELECT execution_seq, id, id, body FROM history ORDER BY execution_seq, id;
DROP TABLE history;
CREATE INDEX builds_by_token ON builds (account, region, project, idempotency_token)
  WHERE idempotency_token IS NOT NULL;
CREATE INDEX build_batches_by_token ON build_batches (account, region, project, idempotency_token)
  WHERE idempotency_token IS NOT NULL;
)sql",
    // 6: how often the emulator crashed while running an execution (core::CrashGuard); one that
    // crashed it twice is failed at recovery instead of resumed.
    R"sql(
ALTER TABLE executions ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
)sql",
    // 7: a running execution's snapshot in parts (asl::SnapshotPart), so that a step writes only
    // what it changed. executions.state keeps a whole snapshot only for executions stored before
    // this version; their next step moves them to parts.
    R"sql(
CREATE TABLE execution_parts (
  execution_seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  id INTEGER NOT NULL,
  sub INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX execution_parts_by_key ON execution_parts (execution_seq, kind, id, sub);
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

void migrate(Database& db) { migrate(db, latest_schema_version()); }

void migrate(Database& db, int target) {
  const int current = db.user_version();
  if (current > latest_schema_version()) {
    throw DbError(0, "database schema version " + std::to_string(current) +
                         " is newer than this binary supports (" +
                         std::to_string(latest_schema_version()) + ")");
  }
  for (int v = current; v < std::min(target, latest_schema_version()); ++v) {
    db.write([&](Tx& tx) {
      tx.exec(kMigrations[static_cast<std::size_t>(v)]);
      tx.exec("PRAGMA user_version = " + std::to_string(v + 1));
    });
  }
}

}  // namespace scl::store
