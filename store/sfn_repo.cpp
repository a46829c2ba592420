#include "store/sfn_repo.hpp"

#include "store/meta_repo.hpp"

namespace scl::store::sfn_repo {
namespace {
constexpr const char* kSmCols =
    "account, region, name, arn, type, definition, role_arn, logging, tracing, tags, extra, "
    "created_ms, updated_ms, revision_id";

StateMachineRow sm_from(const Stmt& s) {
  StateMachineRow r;
  r.scope = core::Scope{s.text(0), s.text(1)};
  r.name = s.text(2);
  r.arn = s.text(3);
  r.type = s.text(4);
  r.definition = s.text(5);
  r.role_arn = s.text(6);
  r.logging = s.text(7);
  r.tracing = s.text(8);
  r.tags = s.text(9);
  r.extra = s.text(10);
  r.created_ms = s.int64(11);
  r.updated_ms = s.opt_int64(12);
  if (!s.is_null(13)) r.revision_id = s.text(13);
  return r;
}

constexpr const char* kExCols =
    "seq, account, region, arn, sm_arn, name, status, input, output, error, cause, start_ms, "
    "stop_ms, definition, role_arn, sm_updated_ms, state, trace_header, crashes";
constexpr const char* kSeqFloorKey = "execution_seq_floor";

std::optional<std::string> opt_text(const Stmt& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return s.text(col);
}

ExecutionRow ex_from(const Stmt& s) {
  ExecutionRow r;
  r.seq = s.int64(0);
  r.scope = core::Scope{s.text(1), s.text(2)};
  r.arn = s.text(3);
  r.state_machine_arn = s.text(4);
  r.name = s.text(5);
  r.status = s.text(6);
  r.input = s.text(7);
  r.output = opt_text(s, 8);
  r.error = opt_text(s, 9);
  r.cause = opt_text(s, 10);
  r.start_ms = s.int64(11);
  r.stop_ms = s.opt_int64(12);
  r.definition = s.text(13);
  r.role_arn = s.text(14);
  r.sm_updated_ms = s.int64(15);
  r.state = s.text(16);
  r.trace_header = opt_text(s, 17);
  r.crashes = s.int64(18);
  return r;
}

void bind_opt(Stmt& s, int idx, const std::optional<std::string>& v) {
  if (v) s.bind(idx, *v); else s.bind_null(idx);
}
}  // namespace

bool insert_state_machine(Tx& tx, const StateMachineRow& r) {
  auto s = tx.prepare(std::string("INSERT OR IGNORE INTO state_machines (") + kSmCols +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  s.bind(1, r.scope.account).bind(2, r.scope.region).bind(3, r.name).bind(4, r.arn).bind(5, r.type);
  s.bind(6, r.definition).bind(7, r.role_arn).bind(8, r.logging).bind(9, r.tracing).bind(10, r.tags);
  s.bind(11, r.extra).bind(12, r.created_ms).bind(13, r.updated_ms);
  bind_opt(s, 14, r.revision_id);
  s.run();
  return tx.changes() == 1;
}

std::optional<StateMachineRow> get_state_machine(Tx& tx, const std::string& arn) {
  auto s = tx.prepare(std::string("SELECT ") + kSmCols + " FROM state_machines WHERE arn = ?1");
  s.bind(1, arn);
  if (!s.step()) return std::nullopt;
  return sm_from(s);
}

void update_state_machine(Tx& tx, const StateMachineRow& r) {
  auto s = tx.prepare(
      "UPDATE state_machines SET definition = ?2, role_arn = ?3, logging = ?4, tracing = ?5, "
      "tags = ?6, extra = ?7, updated_ms = ?8, revision_id = ?9 WHERE arn = ?1");
  s.bind(1, r.arn).bind(2, r.definition).bind(3, r.role_arn).bind(4, r.logging).bind(5, r.tracing);
  s.bind(6, r.tags).bind(7, r.extra).bind(8, r.updated_ms);
  bind_opt(s, 9, r.revision_id);
  s.run();
}

bool erase_state_machine(Tx& tx, const std::string& arn) {
  auto s = tx.prepare("DELETE FROM state_machines WHERE arn = ?1");
  s.bind(1, arn);
  s.run();
  return tx.changes() == 1;
}

std::vector<StateMachineRow> list_state_machines(Tx& tx, const core::Scope& scope) {
  auto s = tx.prepare(std::string("SELECT ") + kSmCols +
                      " FROM state_machines WHERE account = ?1 AND region = ?2 ORDER BY "
                      "created_ms, name");
  s.bind(1, scope.account).bind(2, scope.region);
  std::vector<StateMachineRow> out;
  while (s.step()) out.push_back(sm_from(s));
  return out;
}

void insert_execution(Tx& tx, ExecutionRow& r) {
  auto s = tx.prepare(
      "INSERT INTO executions (seq, account, region, arn, sm_arn, name, status, input, output, "
      "error, cause, start_ms, stop_ms, definition, role_arn, sm_updated_ms, state, trace_header) "
      "VALUES (max(coalesce((SELECT max(seq) FROM executions), 0), coalesce((SELECT value FROM "
      "meta WHERE key = 'execution_seq_floor'), 0)) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
      "?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING seq");
  s.bind(1, r.scope.account).bind(2, r.scope.region).bind(3, r.arn).bind(4, r.state_machine_arn);
  s.bind(5, r.name).bind(6, r.status).bind(7, r.input);
  bind_opt(s, 8, r.output);
  bind_opt(s, 9, r.error);
  bind_opt(s, 10, r.cause);
  s.bind(11, r.start_ms).bind(12, r.stop_ms).bind(13, r.definition).bind(14, r.role_arn);
  s.bind(15, r.sm_updated_ms).bind(16, r.state);
  bind_opt(s, 17, r.trace_header);
  if (!s.step()) throw DbError(0, "insert execution returned no seq");
  r.seq = s.int64(0);
  while (s.step()) {
  }
}

std::optional<ExecutionRow> get_execution(Tx& tx, const std::string& arn) {
  auto s = tx.prepare(std::string("SELECT ") + kExCols + " FROM executions WHERE arn = ?1");
  s.bind(1, arn);
  if (!s.step()) return std::nullopt;
  return ex_from(s);
}

void update_execution(Tx& tx, const ExecutionRow& r) {
  auto s = tx.prepare(
      "UPDATE executions SET status = ?2, output = ?3, error = ?4, cause = ?5, stop_ms = ?6, "
      "state = ?7 WHERE seq = ?1");
  s.bind(1, r.seq).bind(2, r.status);
  bind_opt(s, 3, r.output);
  bind_opt(s, 4, r.error);
  bind_opt(s, 5, r.cause);
  s.bind(6, r.stop_ms).bind(7, r.state);
  s.run();
}

ExecutionPage list_executions(Tx& tx, const std::string& sm_arn, const std::string& status,
                              std::optional<std::int64_t> before_seq, int limit) {
  auto s = tx.prepare(
      "SELECT seq, account, region, arn, sm_arn, name, status, '', NULL, NULL, NULL, start_ms, "
      "stop_ms, '', '', 0, '', NULL, 0 FROM executions WHERE sm_arn = ?1 AND (?2 = '' OR status = ?2) "
      "AND seq < ?3 ORDER BY seq DESC LIMIT ?4");
  s.bind(1, sm_arn).bind(2, status).bind(3, before_seq.value_or(INT64_MAX));
  s.bind(4, std::int64_t{limit} + 1);
  ExecutionPage page;
  while (s.step()) {
    if (static_cast<int>(page.rows.size()) == limit) {
      page.next_seq = page.rows.back().seq;
      break;
    }
    page.rows.push_back(ex_from(s));
  }
  return page;
}

std::vector<ExecutionRow> running_executions(Tx& tx) {
  auto s = tx.prepare(std::string("SELECT ") + kExCols +
                      " FROM executions WHERE status = 'RUNNING' ORDER BY seq");
  std::vector<ExecutionRow> out;
  while (s.step()) out.push_back(ex_from(s));
  return out;
}

std::int64_t count_crash(Tx& tx, std::int64_t seq) {
  auto s = tx.prepare("UPDATE executions SET crashes = crashes + 1 WHERE seq = ?1 RETURNING crashes");
  s.bind(1, seq);
  if (!s.step()) return 0;
  const std::int64_t n = s.int64(0);
  while (s.step()) {
  }
  return n;
}

void append_events(Tx& tx, std::int64_t execution_seq, const std::vector<HistoryRow>& events) {
  std::size_t i = 0;
  while (i < events.size()) {
    std::size_t j = i + 1;
    std::string body = events[i].body;
    while (j < events.size() && events[j].id == events[j - 1].id + 1 && j - i < kChunkEvents &&
           body.size() + events[j].body.size() < kChunkBytes) {
      body += '\n';
      body += events[j].body;
      ++j;
    }
    auto s = tx.prepare(
        "INSERT INTO history_chunks (execution_seq, first_id, last_id, body) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, execution_seq).bind(2, events[i].id).bind(3, events[j - 1].id).bind(4, body);
    s.run();
    i = j;
  }
}

std::vector<HistoryRow> events(Tx& tx, std::int64_t execution_seq, bool reverse,
                               std::optional<std::int64_t> bound, int limit) {
  std::vector<HistoryRow> out;
  if (limit <= 0) return out;
  const std::int64_t b = bound.value_or(reverse ? INT64_MAX : 0);
  auto s = tx.prepare(reverse ? "SELECT first_id, body FROM history_chunks WHERE execution_seq = ?1 "
                                "AND first_id < ?2 ORDER BY first_id DESC"
                              : "SELECT first_id, body FROM history_chunks WHERE execution_seq = ?1 "
                                "AND last_id > ?2 ORDER BY first_id ASC");
  s.bind(1, execution_seq).bind(2, b);
  while (static_cast<int>(out.size()) < limit && s.step()) {
    const std::int64_t first = s.int64(0);
    const std::string body = s.text(1);
    std::vector<HistoryRow> chunk;
    std::size_t pos = 0;
    for (std::int64_t id = first;; ++id) {
      const std::size_t nl = body.find('\n', pos);
      chunk.push_back(HistoryRow{id, body.substr(pos, nl == std::string::npos ? nl : nl - pos)});
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    if (reverse) {
      for (auto it = chunk.rbegin(); it != chunk.rend() && static_cast<int>(out.size()) < limit; ++it)
        if (it->id < b) out.push_back(std::move(*it));
    } else {
      for (auto& e : chunk) {
        if (static_cast<int>(out.size()) == limit) break;
        if (e.id > b) out.push_back(std::move(e));
      }
    }
  }
  return out;
}

std::int64_t last_event_id(Tx& tx, std::int64_t execution_seq) {
  auto s = tx.prepare("SELECT coalesce(max(last_id), 0) FROM history_chunks WHERE execution_seq = ?1");
  s.bind(1, execution_seq);
  s.step();
  return s.int64(0);
}

void write_parts(Tx& tx, std::int64_t execution_seq, const std::vector<PartErase>& erases,
                 const std::vector<PartRow>& upserts) {
  for (const auto& e : erases) {
    auto s = tx.prepare(e.all_subs ? "DELETE FROM execution_parts WHERE execution_seq = ?1 AND "
                                     "kind = ?2 AND id = ?3"
                                   : "DELETE FROM execution_parts WHERE execution_seq = ?1 AND "
                                     "kind = ?2 AND id = ?3 AND sub = ?4");
    s.bind(1, execution_seq).bind(2, std::int64_t{e.kind}).bind(3, e.id);
    if (!e.all_subs) s.bind(4, e.sub);
    s.run();
  }
  for (const auto& p : upserts) {
    auto s = tx.prepare(
        "INSERT INTO execution_parts (execution_seq, kind, id, sub, body) VALUES (?1, ?2, ?3, ?4, "
        "?5) ON CONFLICT (execution_seq, kind, id, sub) DO UPDATE SET body = excluded.body");
    s.bind(1, execution_seq).bind(2, std::int64_t{p.kind}).bind(3, p.id).bind(4, p.sub);
    s.bind(5, p.body);
    s.run();
  }
}

std::vector<PartRow> parts(Tx& tx, std::int64_t execution_seq) {
  auto s = tx.prepare(
      "SELECT kind, id, sub, body FROM execution_parts WHERE execution_seq = ?1 ORDER BY kind, id, "
      "sub");
  s.bind(1, execution_seq);
  std::vector<PartRow> out;
  while (s.step()) {
    out.push_back(PartRow{static_cast<int>(s.int64(0)), s.int64(1), s.int64(2), s.text(3)});
  }
  return out;
}

void erase_parts(Tx& tx, std::int64_t execution_seq) {
  auto s = tx.prepare("DELETE FROM execution_parts WHERE execution_seq = ?1");
  s.bind(1, execution_seq);
  s.run();
}

core::TimeMs latest_time(Tx& tx) {
  auto s = tx.prepare(
      "SELECT max(coalesce((SELECT max(start_ms) FROM executions), 0), coalesce((SELECT "
      "max(stop_ms) FROM executions), 0), coalesce((SELECT max(coalesce(updated_ms, created_ms)) "
      "FROM state_machines), 0))");
  s.step();
  return s.int64(0);
}

void erase_all(Tx& tx) {
  {
    auto s = tx.prepare("SELECT coalesce(max(seq), 0) FROM executions");
    s.step();
    meta_repo::raise_to(tx, kSeqFloorKey, s.int64(0));
  }
  tx.exec(
      "DELETE FROM execution_parts; DELETE FROM history_chunks; DELETE FROM executions; DELETE "
      "FROM state_machines;");
}

}  // namespace scl::store::sfn_repo
