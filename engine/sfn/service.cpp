#include "engine/sfn/service.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <future>
#include <map>
#include <set>
#include <random>
#include <thread>

#include "engine/core/json_text.hpp"
#include "engine/core/log.hpp"
#include "engine/core/page_token.hpp"
#include "engine/core/crash_guard.hpp"
#include "engine/core/serial_queue.hpp"
#include "engine/core/echo.hpp"
#include "engine/sfn/errors.hpp"
#include "engine/sfn/names.hpp"
#include "engine/sfn/resumable.hpp"

namespace scl::sfn {
namespace {

json ts(core::TimeMs ms) { return static_cast<double>(ms) / 1000.0; }

std::string str(const json& in, const char* name, const std::string& def = "") {
  auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : def;
}

// A seed per execution for MathRandom/UUID. std::random_device opens a device on each
// construction, so it only seeds one generator per thread.
std::uint64_t fresh_seed() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) ^ rd();
  }()};
  return gen();
}

json default_logging() { return {{"level", "OFF"}, {"includeExecutionData", false}}; }

void check_logging(const json& logging) {
  if (!logging.is_object()) return;
  const std::string level = str(logging, "level", "OFF");
  const auto dest = logging.find("destinations");
  const std::size_t n = dest != logging.end() && dest->is_array() ? dest->size() : 0;
  if ((level != "OFF" && n != 1) || n > 1)
    throw errors::invalid_logging("Must specify exactly one Log Destination.");
}

json normalized_logging(const json& in) {
  json l = default_logging();
  if (in.is_object()) {
    for (auto& [k, v] : in.items()) l[k] = v;
  }
  return l;
}

int page_size(const json& in, int def, int max) {
  auto it = in.find("maxResults");
  if (it == in.end() || !it->is_number_integer()) return def;
  int v = it->get<int>();
  if (v <= 0) return def;
  return std::min(v, max);
}

std::optional<std::int64_t> token_of(const json& in) {
  const std::string t = str(in, "nextToken");
  if (t.empty()) return std::nullopt;
  auto c = core::decode_page_token(t);
  if (!c) throw errors::invalid_token("Invalid Token: '" + core::echo(t) + "'");
  return c;
}

asl::Json request_to_json(const asl::TaskRequest& r) {
  asl::Json j = {{"id", r.task_id},        {"arn", r.resource.arn},  {"parameters", r.parameters},
                 {"state", r.state_name}};
  if (r.task_token) j["token"] = *r.task_token;
  if (r.timeout_seconds) j["timeout"] = *r.timeout_seconds;
  if (r.heartbeat_seconds) j["heartbeat"] = *r.heartbeat_seconds;
  if (r.credentials) j["credentials"] = *r.credentials;
  j["started"] = r.started_ms;
  return j;
}

asl::TaskRequest request_from_json(const asl::Json& j) {
  asl::TaskRequest r;
  r.task_id = j.at("id").get<std::uint64_t>();
  auto res = asl::parse_resource_arn(j.at("arn").get<std::string>());
  if (!res) throw std::runtime_error("stored task has an unparsable resource");
  r.resource = *res;
  r.parameters = j.at("parameters");
  r.state_name = j.at("state").get<std::string>();
  if (j.contains("token")) r.task_token = j["token"].get<std::string>();
  if (j.contains("timeout")) r.timeout_seconds = j["timeout"].get<std::int64_t>();
  if (j.contains("heartbeat")) r.heartbeat_seconds = j["heartbeat"].get<std::int64_t>();
  if (j.contains("credentials")) r.credentials = j["credentials"];
  r.started_ms = j.value("started", core::TimeMs{0});
  return r;
}

// Jackson's text for input that starts with a bare word (reference 4.2, F-112:
// "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null',
// 'true' or 'false')"), or nothing when the input does not start that way.
std::optional<std::string> jackson_unrecognized_token(const std::string& text) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string::npos) return std::nullopt;
  const auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
  };
  if (std::isalpha(static_cast<unsigned char>(text[i])) == 0) return std::nullopt;
  std::size_t end = i;
  while (end < text.size() && word_char(text[end])) ++end;
  const std::string token = text.substr(i, end - i);
  if (token == "null" || token == "true" || token == "false") return std::nullopt;
  return "Unrecognized token '" + core::echo(token) +
         "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
         "'false')";
}

// Parses execution input like StartExecution (Jackson-style message on failure).
asl::Json parse_input(const std::string& text) {
  try {
    return asl::Json::parse(text);
  } catch (const asl::Json::exception& e) {
    // A parse error, or a number out of a double's range (1e999): the caller's input, not a 500.
    if (auto jackson = jackson_unrecognized_token(text))
      throw errors::invalid_execution_input(*jackson);
    std::string msg = e.what();
    auto pos = msg.find("] ");
    throw errors::invalid_execution_input(pos == std::string::npos ? msg : msg.substr(pos + 2));
  }
}

json event_to_wire(const std::string& body, bool include_data) {
  json e = json::parse(body);
  if (e.contains("timestamp") && e["timestamp"].is_number_integer())
    e["timestamp"] = ts(e["timestamp"].get<core::TimeMs>());
  if (!include_data) {
    for (auto& [k, v] : e.items()) {
      if (!v.is_object()) continue;
      v.erase("input");
      v.erase("output");
    }
  }
  return e;
}

}  // namespace

struct StepFunctionsService::Execution {
  core::Scope scope;
  std::string arn;
  std::string sm_arn;
  std::string name;
  std::string role_arn;
  bool express = false;
  store::ExecutionRow row;  // standard executions: the persisted row (seq 0 until inserted)
  std::shared_ptr<const asl::StateMachine> machine;
  std::unique_ptr<asl::SeededRandomSource> random;
  std::optional<asl::Stepper> stepper;
  std::shared_ptr<core::SerialQueue> queue;
  std::uint64_t generation = 0;          // reset() generation this execution belongs to
  std::int64_t committed_event_id = 0;   // newest event id known to be committed
  // Simulated time of the step being applied: when its cause happened (a timer's firing, a
  // task's reply, a request), not when a worker got to it; never earlier than the step before.
  core::TimeMs time = 0;
  core::TimeMs at(core::TimeMs happened) {
    time = std::max(time, happened);
    return time;
  }
  Respond on_started;                    // StartExecution's answer, after the first commit
  json start_response;
  struct Timer {
    core::TimerId scheduled = 0;
    core::TimeMs at = 0;
  };
  std::map<std::uint64_t, Timer> timers;  // by stepper timer id
  struct Task {
    asl::TaskRequest request;
    std::string request_text;  // request_to_json(request) as text: fixed for the task's life
    std::uint64_t global_id = 0;
    std::optional<std::string> submitted;  // a `.sync` task's TaskSubmitted output, as text
    asl::TaskIntegration* integration = nullptr;
  };
  std::map<std::uint64_t, Task> tasks;  // by stepper task id
  std::vector<Done> waiters;
  bool finished = false;
  ExecutionResult result;
  // Snapshot parts of the runner's own (tasks, timers) changed since the last commit.
  std::set<std::uint64_t> changed_tasks;
  std::set<std::uint64_t> changed_timers;
  bool whole_snapshot_stored = false;  // resumed from a pre-parts snapshot: next commit moves it
};

namespace {
// Compiled definitions cost about this many bytes of memory per byte of definition text
// (measured: a 0.76 MiB definition took 19 MiB of RSS once compiled).
constexpr std::size_t kCompiledBytesPerDefinitionByte = 32;
// The compiled-definition cache keeps at most this many (estimated) bytes.
constexpr std::size_t kCompiledCacheBytes = 64 * 1024 * 1024;
// An execution that crashed the emulator this many times is failed instead of resumed.
constexpr std::int64_t kMaxCrashes = 2;

// Runs `start(respond)` and waits for its answer (a synchronous facade over an async operation).
json wait_for(const std::function<void(StepFunctionsService::Respond)>& start) {
  auto done = std::make_shared<std::promise<std::function<json()>>>();
  auto fut = done->get_future();
  start([done](std::function<json()> producer) { done->set_value(std::move(producer)); });
  return fut.get()();
}

}  // namespace

StepFunctionsService::StepFunctionsService(store::Database& db, core::Scheduler& scheduler,
                                           core::IdSource& ids,
                                           const asl::IntegrationRegistry& registry,
                                           core::Executor* executor)
    : db_(db),
      scheduler_(scheduler),
      ids_(ids),
      registry_(registry),
      executor_(executor != nullptr ? executor : &inline_) {}

StepFunctionsService::~StepFunctionsService() {
  std::lock_guard lock(mu_);
  for (auto& [arn, ex] : running_)
    for (auto& [id, t] : ex->timers) scheduler_.cancel(t.scheduled);
  running_.clear();
}

std::shared_ptr<const asl::StateMachine> StepFunctionsService::compile_cached(
    const std::string& definition, bool express, bool keep) {
  const std::string key = (express ? "E" : "S") + definition;
  {
    std::lock_guard lock(mu_);
    auto it = compiled_.find(key);
    if (it != compiled_.end()) {
      compiled_lru_.splice(compiled_lru_.begin(), compiled_lru_, it->second.lru);
      return it->second.machine;
    }
  }
  asl::CompileOptions opts;
  opts.resource_validator = registry_.validator(express);
  auto result = asl::compile(definition, opts);
  if (!result.ok()) throw errors::invalid_definition(result.invalid_definition_message());
  if (keep) cache_put(key, result.machine, definition.size() * kCompiledBytesPerDefinitionByte + 4096);
  return result.machine;
}

void StepFunctionsService::cache_put(const std::string& key,
                                     std::shared_ptr<const asl::StateMachine> machine,
                                     std::size_t bytes) {
  std::lock_guard lock(mu_);
  if (compiled_.count(key) != 0 || bytes > kCompiledCacheBytes) return;
  compiled_lru_.push_front(key);
  compiled_.emplace(key, CacheEntry{std::move(machine), bytes, compiled_lru_.begin()});
  compiled_bytes_ += bytes;
  while (compiled_bytes_ > kCompiledCacheBytes && !compiled_lru_.empty()) {
    auto victim = compiled_.find(compiled_lru_.back());
    compiled_bytes_ -= victim->second.bytes;
    compiled_.erase(victim);
    compiled_lru_.pop_back();
  }
}

void StepFunctionsService::cache_drop(const std::string& definition) {
  std::lock_guard lock(mu_);
  for (const char* type : {"E", "S"}) {
    auto it = compiled_.find(type + definition);
    if (it == compiled_.end()) continue;
    compiled_bytes_ -= it->second.bytes;
    compiled_lru_.erase(it->second.lru);
    compiled_.erase(it);
  }
}

std::size_t StepFunctionsService::compiled_cache_bytes() const {
  std::lock_guard lock(mu_);
  return compiled_bytes_;
}

std::size_t StepFunctionsService::compiled_cache_entries() const {
  std::lock_guard lock(mu_);
  return compiled_.size();
}

store::StateMachineRow StepFunctionsService::get_sm(const core::Scope& scope,
                                                    const std::string& arn) {
  const auto parsed = parse_states_arn(arn, "stateMachine");
  std::optional<store::StateMachineRow> row;
  if (parsed.scope == scope)
    row = db_.read([&](store::Tx& tx) { return store::sfn_repo::get_state_machine(tx, arn); });
  if (!row) throw errors::state_machine_does_not_exist(arn);
  return *row;
}

bool StepFunctionsService::in_scope(const core::Scope& scope, const std::string& execution_arn) {
  return parse_states_arn(execution_arn, "execution").scope == scope;
}

std::optional<store::ExecutionRow> StepFunctionsService::find_execution(const core::Scope& scope,
                                                                        const std::string& arn) {
  if (!in_scope(scope, arn)) return std::nullopt;
  return db_.read([&](store::Tx& tx) { return store::sfn_repo::get_execution(tx, arn); });
}

store::ExecutionRow StepFunctionsService::get_execution(const core::Scope& scope,
                                                        const std::string& arn) {
  auto row = find_execution(scope, arn);
  if (!row) throw errors::execution_does_not_exist(arn);
  return std::move(*row);
}

store::StateMachineRow StepFunctionsService::get_tagged(const core::Scope& scope,
                                                        const std::string& arn) {
  // Tag operations answer ResourceNotFound for anything that is not a known state machine.
  try {
    return get_sm(scope, arn);
  } catch (const core::AwsError&) {
    throw errors::resource_not_found(arn);
  }
}

// ------------------------------------------------------------------ state machines

json StepFunctionsService::create_state_machine(const core::Scope& scope, const json& in) {
  const std::string name = in.at("name").get<std::string>();
  if (!valid_name(name)) throw errors::invalid_name(name);
  const std::string type = str(in, "type", "STANDARD");
  const std::string definition = in.at("definition").get<std::string>();
  const json logging = normalized_logging(in.value("loggingConfiguration", json::object()));
  check_logging(logging);
  const json tracing = in.contains("tracingConfiguration") ? in["tracingConfiguration"]
                                                           : json{{"enabled", false}};
  if (in.contains("versionDescription") && !in.value("publish", false))
    throw errors::validation("Version description can only be set when publish is true");
  // Cached only once the state machine exists (a failed create leaves nothing behind).
  auto machine = compile_cached(definition, type == "EXPRESS", false);
  const json tags = in.value("tags", json::array());
  if (tags.size() > 50) throw errors::too_many_tags(state_machine_arn(scope, name));
  json extra = json::object();
  for (const char* k : {"description", "encryptionConfiguration"})
    if (in.contains(k)) extra[k] = in[k];

  store::StateMachineRow row;
  row.scope = scope;
  row.name = name;
  row.arn = state_machine_arn(scope, name);
  row.type = type;
  row.definition = definition;
  row.role_arn = in.at("roleArn").get<std::string>();
  row.logging = logging.dump();
  row.tracing = tracing.dump();
  row.tags = tags.dump();
  row.extra = extra.dump();
  row.created_ms = now();
  json out = db_.write([&](store::Tx& tx) {
    if (!store::sfn_repo::insert_state_machine(tx, row)) {
      // Idempotent only for a byte-identical definition and the same settings (reference 4.2).
      auto existing = store::sfn_repo::get_state_machine(tx, row.arn);
      if (!existing || existing->definition != definition || existing->type != type ||
          json::parse(existing->logging) != logging || json::parse(existing->tracing) != tracing)
        throw errors::state_machine_already_exists(row.arn);
      return json{{"stateMachineArn", row.arn}, {"creationDate", ts(existing->created_ms)}};
    }
    return json{{"stateMachineArn", row.arn}, {"creationDate", ts(row.created_ms)}};
  });
  cache_put((type == "EXPRESS" ? "E" : "S") + definition, std::move(machine),
            definition.size() * kCompiledBytesPerDefinitionByte + 4096);
  return out;
}

json StepFunctionsService::describe_state_machine(const core::Scope& scope, const json& in) {
  const auto sm = get_sm(scope, in.at("stateMachineArn").get<std::string>());
  json out = {{"stateMachineArn", sm.arn},
              {"name", sm.name},
              {"status", "ACTIVE"},
              {"definition", sm.definition},
              {"roleArn", sm.role_arn},
              {"type", sm.type},
              {"creationDate", ts(sm.created_ms)},
              {"loggingConfiguration", json::parse(sm.logging)},
              {"tracingConfiguration", json::parse(sm.tracing)}};
  if (sm.revision_id) out["revisionId"] = *sm.revision_id;
  const json extra = json::parse(sm.extra);
  for (auto it = extra.begin(); it != extra.end(); ++it) out[it.key()] = it.value();
  return out;
}

json StepFunctionsService::update_state_machine(const core::Scope& scope, const json& in) {
  auto sm = get_sm(scope, in.at("stateMachineArn").get<std::string>());
  const bool any = in.contains("definition") || in.contains("roleArn") ||
                   in.contains("loggingConfiguration") || in.contains("tracingConfiguration");
  if (!any) {
    throw errors::missing_required_parameter(
        "Either the definition, the role ARN, the LoggingConfiguration, or the "
        "TracingConfiguration must be specified");
  }
  const std::string old_definition = sm.definition;
  std::shared_ptr<const asl::StateMachine> machine;
  if (in.contains("definition")) {
    machine = compile_cached(in["definition"].get<std::string>(), sm.type == "EXPRESS", false);
    sm.definition = in["definition"].get<std::string>();
  }
  if (in.contains("roleArn")) sm.role_arn = in["roleArn"].get<std::string>();
  if (in.contains("loggingConfiguration")) {
    const json l = normalized_logging(in["loggingConfiguration"]);
    check_logging(l);
    sm.logging = l.dump();
  }
  if (in.contains("tracingConfiguration")) sm.tracing = in["tracingConfiguration"].dump();
  sm.updated_ms = std::max(now(), sm.created_ms);
  sm.revision_id = ids_.uuid();
  db_.write([&](store::Tx& tx) { store::sfn_repo::update_state_machine(tx, sm); });
  if (machine) {
    cache_drop(old_definition);
    cache_put((sm.type == "EXPRESS" ? "E" : "S") + sm.definition, std::move(machine),
              sm.definition.size() * kCompiledBytesPerDefinitionByte + 4096);
  }
  return {{"updateDate", ts(*sm.updated_ms)}, {"revisionId", *sm.revision_id}};
}

json StepFunctionsService::delete_state_machine(const core::Scope& scope, const json& in) {
  const std::string arn = in.at("stateMachineArn").get<std::string>();
  const auto parsed = parse_states_arn(arn, "stateMachine");
  // NOTE(emulator): deleted at once; running executions finish with the definition they have.
  if (parsed.scope == scope) {
    auto definition = db_.write([&](store::Tx& tx) -> std::optional<std::string> {
      auto row = store::sfn_repo::get_state_machine(tx, arn);
      if (!row) return std::nullopt;
      store::sfn_repo::erase_state_machine(tx, arn);
      return row->definition;
    });
    if (definition) cache_drop(*definition);
  }
  return json::object();
}

json StepFunctionsService::list_state_machines(const core::Scope& scope, const json& in) {
  const int limit = page_size(in, 100, 1000);
  const std::int64_t offset = token_of(in).value_or(0);
  auto rows = db_.read([&](store::Tx& tx) { return store::sfn_repo::list_state_machines(tx, scope); });
  json items = json::array();
  std::size_t i = static_cast<std::size_t>(std::max<std::int64_t>(offset, 0));
  for (; i < rows.size() && items.size() < static_cast<std::size_t>(limit); ++i) {
    items.push_back({{"stateMachineArn", rows[i].arn},
                     {"name", rows[i].name},
                     {"type", rows[i].type},
                     {"creationDate", ts(rows[i].created_ms)}});
  }
  json out = {{"stateMachines", items}};
  if (i < rows.size()) out["nextToken"] = core::encode_page_token(static_cast<std::int64_t>(i));
  return out;
}

json StepFunctionsService::validate_state_machine_definition(const core::Scope&, const json& in) {
  asl::CompileOptions opts;
  opts.resource_validator = registry_.validator(str(in, "type", "STANDARD") == "EXPRESS");
  auto result = asl::compile(in.at("definition").get<std::string>(), opts);
  const int limit = page_size(in, 100, 100);
  json diags = json::array();
  for (const auto& d : result.diagnostics) {
    if (static_cast<int>(diags.size()) == limit) break;
    json j = {{"severity", d.severity}, {"code", d.code}, {"message", d.message}};
    if (!d.location.empty()) j["location"] = d.location;
    diags.push_back(j);
  }
  return {{"result", result.ok() ? "OK" : "FAIL"},
          {"diagnostics", diags},
          {"truncated", static_cast<int>(result.diagnostics.size()) > limit}};
}

// ------------------------------------------------------------------ executions

StepFunctionsService::ExecPtr StepFunctionsService::launch(
    const core::Scope& scope, const store::StateMachineRow& sm, const std::string& name,
    const std::string& input_text, const asl::Json& input,
    const std::optional<std::string>& trace_header, Done done, json& response, Respond on_started) {
  auto ex = std::make_shared<Execution>();
  ex->scope = scope;
  ex->sm_arn = sm.arn;
  ex->name = name;
  ex->express = sm.type == "EXPRESS";
  ex->role_arn = sm.role_arn;
  ex->arn = ex->express ? express_execution_arn(scope, sm.name, name, ids_.uuid())
                        : execution_arn(scope, sm.name, name);
  ex->machine = compile_cached(sm.definition, ex->express);
  ex->random = std::make_unique<asl::SeededRandomSource>(fresh_seed());
  ex->stepper.emplace(ex->machine, *ex->random);
  ex->stepper->set_change_tracking(!ex->express);
  ex->queue = std::make_shared<core::SerialQueue>(executor_);
  ex->generation = generation_.load();
  const core::TimeMs t = ex->at(now());
  ex->result.execution_arn = ex->arn;
  ex->result.start_ms = t;
  if (!ex->express) {
    auto& r = ex->row;
    r.scope = scope;
    r.arn = ex->arn;
    r.state_machine_arn = sm.arn;
    r.name = name;
    r.status = "RUNNING";
    r.input = input_text;
    r.start_ms = t;
    r.definition = sm.definition;
    r.role_arn = sm.role_arn;
    r.sm_updated_ms = sm.updated_ms.value_or(sm.created_ms);
    r.trace_header = trace_header;
  }
  if (done) ex->waiters.push_back(std::move(done));
  response = {{"executionArn", ex->arn}, {"startDate", ts(t)}};
  ex->start_response = response;
  ex->on_started = std::move(on_started);
  {
    std::lock_guard lock(mu_);
    running_[ex->arn] = ex;
  }
  asl::ExecutionInfo info{ex->arn, name, sm.arn, sm.name, sm.role_arn, scope.region};
  ex->queue->post([this, ex, input, info, t] { apply(ex, ex->stepper->start(input, info, t)); });
  return ex;
}

void StepFunctionsService::snapshot_changes(Execution& ex, std::vector<store::PartErase>& erases,
                                            std::vector<store::PartRow>& upserts) {
  if (ex.whole_snapshot_stored) {
    ex.whole_snapshot_stored = false;
    ex.stepper->mark_all_changed();
    for (const auto& [id, t] : ex.tasks) ex.changed_tasks.insert(id);
    for (const auto& [id, t] : ex.timers) ex.changed_timers.insert(id);
  }
  asl::SnapshotChanges changes = ex.stepper->take_changes();
  for (const auto& e : changes.erases) {
    erases.push_back(store::PartErase{static_cast<int>(e.kind), static_cast<std::int64_t>(e.id),
                                      static_cast<std::int64_t>(e.sub), e.all_subs});
  }
  for (auto& u : changes.upserts) {
    upserts.push_back(store::PartRow{static_cast<int>(u.kind), static_cast<std::int64_t>(u.id),
                                     static_cast<std::int64_t>(u.sub), std::move(u.body)});
  }
  for (const auto id : ex.changed_tasks) {
    const auto sid = static_cast<std::int64_t>(id);
    auto it = ex.tasks.find(id);
    if (it == ex.tasks.end()) {
      erases.push_back(store::PartErase{static_cast<int>(asl::PartKind::kRunnerTask), sid, 0, false});
      continue;
    }
    std::string body = "{\"request\":" + it->second.request_text;
    if (it->second.submitted) body += ",\"submitted\":" + *it->second.submitted;
    body += '}';
    upserts.push_back(store::PartRow{static_cast<int>(asl::PartKind::kRunnerTask), sid, 0, std::move(body)});
  }
  for (const auto id : ex.changed_timers) {
    const auto sid = static_cast<std::int64_t>(id);
    auto it = ex.timers.find(id);
    if (it == ex.timers.end()) {
      erases.push_back(store::PartErase{static_cast<int>(asl::PartKind::kRunnerTimer), sid, 0, false});
    } else {
      upserts.push_back(store::PartRow{static_cast<int>(asl::PartKind::kRunnerTimer), sid, 0,
                                       std::to_string(it->second.at)});
    }
  }
  ex.changed_tasks.clear();
  ex.changed_timers.clear();
}

void StepFunctionsService::apply(const ExecPtr& ex, asl::Effects effects) {
  if (ex->finished) return;
  std::vector<const asl::HistoryEvent*> events;
  const asl::effect::ExecutionFinished* fin = nullptr;
  bool more = false;
  std::vector<std::uint64_t> to_arm;
  std::vector<std::uint64_t> to_start;
  std::vector<std::pair<asl::TaskIntegration*, std::uint64_t>> to_cancel;
  for (const auto& e : effects) {
    if (auto* a = std::get_if<asl::effect::AppendEvent>(&e)) {
      events.push_back(&a->event);
      if (!crash_state_.empty() && a->event.details_member == "stateEnteredEventDetails" &&
          a->event.details.value("name", "") == crash_state_) {
        std::abort();
      }
    } else if (auto* s = std::get_if<asl::effect::ScheduleTimer>(&e)) {
      ex->timers[s->timer_id] = Execution::Timer{0, s->at};
      ex->changed_timers.insert(s->timer_id);
      to_arm.push_back(s->timer_id);
    } else if (auto* c = std::get_if<asl::effect::CancelTimer>(&e)) {
      ex->changed_timers.insert(c->timer_id);
      auto it = ex->timers.find(c->timer_id);
      if (it != ex->timers.end()) {
        if (it->second.scheduled != 0) scheduler_.cancel(it->second.scheduled);
        ex->timers.erase(it);
      }
    } else if (auto* inv = std::get_if<asl::effect::InvokeTask>(&e)) {
      Execution::Task task;
      task.request = inv->request;
      // Only a standard execution's snapshot holds it; an express one is never persisted.
      if (!ex->express) task.request_text = asl::to_text(request_to_json(task.request));
      task.global_id = next_global_task_++;
      task.integration = registry_.find(inv->request.resource);
      if (inv->request.task_token) {
        std::lock_guard lock(mu_);
        tokens_[*inv->request.task_token] = ex->arn;
      }
      ex->tasks[inv->request.task_id] = std::move(task);
      ex->changed_tasks.insert(inv->request.task_id);
      to_start.push_back(inv->request.task_id);
    } else if (auto* ct = std::get_if<asl::effect::CancelTask>(&e)) {
      ex->changed_tasks.insert(ct->task_id);
      auto it = ex->tasks.find(ct->task_id);
      if (it != ex->tasks.end()) {
        to_cancel.emplace_back(it->second.integration, it->second.global_id);
        if (it->second.request.task_token) {
          std::lock_guard lock(mu_);
          tokens_.erase(*it->second.request.task_token);
        }
        ex->tasks.erase(it);
      }
    } else if (auto* f = std::get_if<asl::effect::ExecutionFinished>(&e)) {
      fin = f;
    } else if (std::holds_alternative<asl::effect::Continue>(e)) {
      more = true;
    }
  }
  const core::TimeMs t = ex->time != 0 ? ex->time : now();
  if (fin != nullptr) {
    ex->result.status = asl::to_wire(fin->status);
    ex->result.output = fin->output;
    ex->result.error = fin->error;
    ex->result.cause = fin->cause;
    ex->result.stop_ms = t;
    to_arm.clear();
  }
  if (!ex->express) {
    auto& r = ex->row;
    if (fin != nullptr) {
      r.status = ex->result.status;
      r.output = fin->output;
      r.error = fin->error;
      r.cause = fin->cause;
      r.stop_ms = t;
      ex->finished = true;  // the snapshot of a finished execution is empty
    }
    // The snapshot: only what this step changed (parts); nothing once the execution is over.
    std::vector<store::PartErase> erases;
    std::vector<store::PartRow> upserts;
    if (fin == nullptr) snapshot_changes(*ex, erases, upserts);
    r.state.clear();
    std::vector<store::HistoryRow> history;
    history.reserve(events.size());
    for (const auto* ev : events) history.push_back(store::HistoryRow{ev->id, ev->to_text()});
    const bool insert = r.seq == 0;
    bool stale = false;
    std::string failure;
    try {
      db_.write([&](store::Tx& tx) {
        // reset() bumps the generation under this same lock: a step that was computing while
        // the data was wiped must not write into what came after (issue 11, finding 6).
        if (ex->generation != generation_.load()) {
          stale = true;
          return;
        }
        if (insert) store::sfn_repo::insert_execution(tx, r);
        else store::sfn_repo::update_execution(tx, r);
        if (fin != nullptr) store::sfn_repo::erase_parts(tx, r.seq);
        else store::sfn_repo::write_parts(tx, r.seq, erases, upserts);
        store::sfn_repo::append_events(tx, r.seq, history);
      });
    } catch (const std::exception& e) {
      failure = e.what();
      if (insert) r.seq = 0;
    }
    if (stale) {
      release(ex);
      answer_started(ex, "");
      return;
    }
    if (!failure.empty()) {
      fail_unpersisted(ex, events, failure);
      return;
    }
    if (!events.empty()) ex->committed_event_id = events.back()->id;
  }
  // Effects outside the database only after the commit.
  std::weak_ptr<Execution> weak = ex;
  for (auto id : to_arm) {
    auto it = ex->timers.find(id);
    if (it == ex->timers.end()) continue;
    it->second.scheduled =
        scheduler_.schedule_at(it->second.at, [this, weak, id] { on_timer(weak, id); });
  }
  for (auto& [integration, gid] : to_cancel)
    if (integration != nullptr) integration->cancel(gid);
  if (fin == nullptr) {
    for (auto id : to_start) {
      auto it = ex->tasks.find(id);
      if (it != ex->tasks.end()) start_task(ex, it->second.request, false, std::nullopt);
    }
  }
  answer_started(ex, "");
  if (fin != nullptr) {
    release(ex);
  } else if (more) {
    ex->queue->post([this, ex] {
      if (ex->finished) return;
      core::CrashGuard::Running guard(ex->row.seq);
      apply(ex, ex->stepper->resume(ex->at(now())));
    });
  }
}

void StepFunctionsService::answer_started(const ExecPtr& ex, const std::string& error) {
  if (!ex->on_started) return;
  auto respond = std::move(ex->on_started);
  ex->on_started = nullptr;
  if (error.empty()) {
    respond([body = ex->start_response] { return body; });
  } else {
    respond([error]() -> json { throw core::AwsError("InternalFailure", error, 500); });
  }
}

void StepFunctionsService::release(const ExecPtr& ex) {
  ex->finished = true;
  for (auto& [id, tm] : ex->timers)
    if (tm.scheduled != 0) scheduler_.cancel(tm.scheduled);
  ex->timers.clear();
  for (auto& [id, task] : ex->tasks)
    if (task.integration != nullptr) task.integration->cancel(task.global_id);
  {
    std::lock_guard lock(mu_);
    for (auto& [id, task] : ex->tasks)
      if (task.request.task_token) tokens_.erase(*task.request.task_token);
    // After a reset a new execution may own the same ARN: erase only this one.
    auto it = running_.find(ex->arn);
    if (it != running_.end() && it->second == ex) running_.erase(it);
  }
  ex->tasks.clear();
  ex->stepper.reset();  // its frames hold the execution's payloads: free them now
  if (ex->result.status.empty()) ex->result.status = "ABORTED";
  if (ex->result.stop_ms == 0) ex->result.stop_ms = ex->at(now());
  auto waiters = std::move(ex->waiters);
  ex->waiters.clear();
  for (auto& w : waiters) w(ex->result);
}

void StepFunctionsService::fail_unpersisted(const ExecPtr& ex,
                                            const std::vector<const asl::HistoryEvent*>& events,
                                            const std::string& error) {
  core::log_error("execution " + ex->arn + ": a step could not be committed (" + error +
                  "); the execution is failed");
  auto& r = ex->row;
  const bool insert = r.seq == 0;
  const core::TimeMs t = ex->at(now());
  std::vector<store::HistoryRow> rows;
  std::int64_t last = ex->committed_event_id;
  if (insert && !events.empty() && events.front()->type == "ExecutionStarted") {
    rows.push_back(store::HistoryRow{events.front()->id, events.front()->to_text()});
    last = events.front()->id;
  }
  const std::string cause =
      "The emulator could not store this execution's progress (" + core::echo(error, 512) +
      "), so it stopped the execution. The last event it could store is #" +
      std::to_string(last) + ".";
  asl::HistoryEvent failed;
  failed.id = last + 1;
  failed.previous_event_id = last;
  failed.timestamp = t;
  failed.type = "ExecutionFailed";
  failed.details_member = "executionFailedEventDetails";
  failed.details = {{"error", asl::errors::kRuntime}, {"cause", cause}};
  rows.push_back(store::HistoryRow{failed.id, failed.to_text()});
  r.status = "FAILED";
  r.output.reset();
  r.error = std::string(asl::errors::kRuntime);
  r.cause = cause;
  r.stop_ms = t;
  r.state = "{}";
  try {
    db_.write([&](store::Tx& tx) {
      if (ex->generation != generation_.load()) return;
      if (insert) store::sfn_repo::insert_execution(tx, r);
      else store::sfn_repo::update_execution(tx, r);
      store::sfn_repo::erase_parts(tx, r.seq);
      store::sfn_repo::append_events(tx, r.seq, rows);
    });
  } catch (const std::exception& e) {
    core::log_error("execution " + ex->arn + ": its failure could not be stored either (" +
                    e.what() + ")");
    if (insert) r.seq = 0;
  }
  ex->result.status = "FAILED";
  ex->result.output.reset();
  ex->result.error = r.error;
  ex->result.cause = r.cause;
  ex->result.stop_ms = t;
  release(ex);
  answer_started(ex, r.seq == 0 ? "The execution could not be stored: " + error : "");
}

void StepFunctionsService::start_task(const ExecPtr& ex, const asl::TaskRequest& req,
                                      bool resuming, const std::optional<asl::Json>& submitted) {
  auto it = ex->tasks.find(req.task_id);
  if (it == ex->tasks.end()) return;
  auto* integration = it->second.integration;
  std::weak_ptr<Execution> weak = ex;
  const std::uint64_t local = req.task_id;
  auto reply = [this, weak, local](asl::TaskEvent ev) { on_reply(weak, local, std::move(ev)); };
  if (integration == nullptr) {
    reply(asl::task_event::Failed{asl::Failure{"States.Runtime", "No integration for " + req.resource.arn}});
    return;
  }
  asl::TaskRequest global = req;
  global.task_id = it->second.global_id;
  global.execution_arn = ex->arn;
  global.invocation_key = ex->arn + "#" + std::to_string(req.task_id);
  global.role_arn = ex->express ? ex->role_arn : ex->row.role_arn;
  if (resuming) {
    if (auto* r = dynamic_cast<ResumableIntegration*>(integration)) {
      r->resume(global, submitted, reply);
      return;
    }
  }
  integration->start(global, reply);
}

void StepFunctionsService::on_timer(const std::weak_ptr<Execution>& weak, std::uint64_t id) {
  auto ex = weak.lock();
  if (!ex) return;
  const core::TimeMs fired = now();  // the manual clock stands at the deadline right now
  ex->queue->post([this, ex, id, fired] {
    if (ex->finished) return;
    auto it = ex->timers.find(id);
    if (it == ex->timers.end()) return;
    ex->timers.erase(it);
    ex->changed_timers.insert(id);
    core::CrashGuard::Running guard(ex->row.seq);
    apply(ex, ex->stepper->on_timer(id, ex->at(fired)));
  });
}

void StepFunctionsService::on_reply(const std::weak_ptr<Execution>& weak, std::uint64_t local,
                                    asl::TaskEvent ev) {
  auto ex = weak.lock();
  if (!ex) return;
  const core::TimeMs replied = now();
  ex->queue->post([this, ex, local, replied, ev = std::move(ev)]() mutable {
    if (ex->finished) return;
    auto it = ex->tasks.find(local);
    if (it == ex->tasks.end()) return;  // cancelled or already answered
    if (auto* s = std::get_if<asl::task_event::Submitted>(&ev); s != nullptr && !ex->express) {
      it->second.submitted = asl::to_text(s->output);
      ex->changed_tasks.insert(local);
    }
    const bool ends = std::holds_alternative<asl::task_event::Succeeded>(ev) ||
                      std::holds_alternative<asl::task_event::Failed>(ev);
    if (ends) {
      ex->tasks.erase(it);
      ex->changed_tasks.insert(local);
    }
    core::CrashGuard::Running guard(ex->row.seq);
    apply(ex, ex->stepper->on_task_result(local, ev, ex->at(replied)));
  });
}

StepFunctionsService::ExecPtr StepFunctionsService::find_running(const std::string& arn) {
  std::lock_guard lock(mu_);
  auto it = running_.find(arn);
  return it == running_.end() ? nullptr : it->second;
}

void StepFunctionsService::start_execution_with(const core::Scope& scope, const json& in,
                                                Done done, Respond respond) {
  const auto sm = get_sm(scope, in.at("stateMachineArn").get<std::string>());
  const std::string name = str(in, "name", ids_.uuid());
  if (!valid_name(name)) throw errors::invalid_name(name);
  const std::string input_text = str(in, "input", "{}");
  const asl::Json input = parse_input(input_text);
  std::optional<std::string> trace;
  if (in.contains("traceHeader") && in["traceHeader"].is_string()) trace = in["traceHeader"].get<std::string>();
  json response;
  if (sm.type != "STANDARD") {
    launch(scope, sm, name, input_text, input, trace, std::move(done), response);
    respond([response] { return response; });
    return;
  }
  // Name idempotency (reference 4.2, F-111). The check and the launch must be atomic per ARN:
  // a second launch would collide with the first on the executions' UNIQUE arn. The name is
  // reserved (not locked) while launching.
  const std::string arn = execution_arn(scope, sm.name, name);
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(arn);
    if (it != running_.end()) {
      if (it->second->row.input == input_text) {
        const json again = {{"executionArn", arn}, {"startDate", ts(it->second->row.start_ms)}};
        respond([again] { return again; });
        return;
      }
      throw errors::execution_already_exists(arn);
    }
    // NOTE(emulator): a duplicate arriving while the first is still being launched (a few
    // microseconds) gets ExecutionAlreadyExists even with the same input.
    if (!starting_.insert(arn).second) throw errors::execution_already_exists(arn);
  }
  struct Release {
    StepFunctionsService* self;
    const std::string& arn;
    ~Release() {
      std::lock_guard lock(self->mu_);
      self->starting_.erase(arn);
    }
  } release{this, arn};
  auto existing = db_.read([&](store::Tx& tx) { return store::sfn_repo::get_execution(tx, arn); });
  if (existing) {
    if (existing->status == "RUNNING" && existing->input == input_text) {
      const json again = {{"executionArn", arn}, {"startDate", ts(existing->start_ms)}};
      respond([again] { return again; });
      return;
    }
    throw errors::execution_already_exists(arn);
  }
  launch(scope, sm, name, input_text, input, trace, std::move(done), response, std::move(respond));
}

void StepFunctionsService::start_execution_async(const core::Scope& scope, const json& in,
                                                 Respond respond) {
  try {
    start_execution_with(scope, in, nullptr, respond);
  } catch (const core::AwsError& e) {
    respond([e]() -> json { throw e; });
  }
}

json StepFunctionsService::start_execution(const core::Scope& scope, const json& in) {
  return wait_for([&](Respond r) { start_execution_async(scope, in, std::move(r)); });
}

void StepFunctionsService::start_sync_execution(const core::Scope& scope, const json& in,
                                                std::function<void(std::function<json()>)> respond) {
  store::StateMachineRow sm;
  std::string name;
  std::string input_text;
  asl::Json input;
  try {
    sm = get_sm(scope, in.at("stateMachineArn").get<std::string>());
    if (sm.type != "EXPRESS") throw errors::type_not_supported();
    name = str(in, "name", ids_.uuid());
    if (!valid_name(name)) throw errors::invalid_name(name);
    input_text = str(in, "input", "{}");
    input = parse_input(input_text);
  } catch (const core::AwsError& e) {
    respond([e]() -> json { throw e; });
    return;
  }
  std::optional<std::string> trace;
  if (in.contains("traceHeader") && in["traceHeader"].is_string()) trace = in["traceHeader"].get<std::string>();
  const std::string sm_arn = sm.arn;
  auto done = [respond, sm_arn, name, input_text, trace](const ExecutionResult& r) {
    json out = {{"executionArn", r.execution_arn},
                {"stateMachineArn", sm_arn},
                {"name", name},
                {"startDate", ts(r.start_ms)},
                {"stopDate", ts(r.stop_ms)},
                {"status", r.status},
                {"input", input_text},
                {"inputDetails", {{"included", true}}}};
    if (r.output) {
      out["output"] = *r.output;
      out["outputDetails"] = {{"included", true}};
    }
    if (r.error) out["error"] = *r.error;
    if (r.cause) out["cause"] = *r.cause;
    if (trace) out["traceHeader"] = *trace;
    const core::TimeMs billed = std::max<core::TimeMs>(100, (r.stop_ms - r.start_ms + 99) / 100 * 100);
    out["billingDetails"] = {{"billedMemoryUsedInMB", 64}, {"billedDurationInMilliseconds", billed}};
    respond([out] { return out; });
  };
  json response;
  try {
    launch(scope, sm, name, input_text, input, trace, done, response);
  } catch (const core::AwsError& e) {
    respond([e]() -> json { throw e; });
  }
}

json StepFunctionsService::describe_execution(const core::Scope& scope, const json& in) {
  const std::string arn = in.at("executionArn").get<std::string>();
  const auto row = get_execution(scope, arn);
  json out = {{"executionArn", row.arn},
              {"stateMachineArn", row.state_machine_arn},
              {"name", row.name},
              {"status", row.status},
              {"startDate", ts(row.start_ms)},
              {"input", row.input},
              {"inputDetails", {{"included", true}}},
              {"redriveCount", 0}};
  if (row.stop_ms) out["stopDate"] = ts(*row.stop_ms);
  if (row.output) {
    out["output"] = *row.output;
    out["outputDetails"] = {{"included", true}};
  }
  if (row.error) out["error"] = *row.error;
  if (row.cause) out["cause"] = *row.cause;
  if (row.trace_header) out["traceHeader"] = *row.trace_header;
  if (row.status == "SUCCEEDED" || row.status == "RUNNING") {
    out["redriveStatus"] = "NOT_REDRIVABLE";
    out["redriveStatusReason"] = "Execution is " + row.status + " and cannot be redriven" +
                                 (row.status == "RUNNING" ? "." : "");
  } else {
    // NOTE(emulator): RedriveExecution is not implemented, although AWS reports REDRIVABLE.
    out["redriveStatus"] = "REDRIVABLE";
  }
  return out;
}

json StepFunctionsService::describe_state_machine_for_execution(const core::Scope& scope,
                                                                const json& in) {
  const std::string arn = in.at("executionArn").get<std::string>();
  const auto row = get_execution(scope, arn);
  json out = {{"stateMachineArn", row.state_machine_arn},
              {"name", row.state_machine_arn.substr(row.state_machine_arn.rfind(':') + 1)},
              {"definition", row.definition},
              {"roleArn", row.role_arn},
              {"updateDate", ts(row.sm_updated_ms)}};
  auto sm = db_.read([&](store::Tx& tx) {
    return store::sfn_repo::get_state_machine(tx, row.state_machine_arn);
  });
  out["loggingConfiguration"] = sm ? json::parse(sm->logging) : default_logging();
  out["tracingConfiguration"] = sm ? json::parse(sm->tracing) : json{{"enabled", false}};
  return out;
}

void StepFunctionsService::stop_execution_async(const core::Scope& scope, const json& in,
                                                Respond respond) {
  try {
    const std::string arn = in.at("executionArn").get<std::string>();
    const auto row = find_execution(scope, arn);
    auto ex = row || in_scope(scope, arn) ? find_running(arn) : nullptr;
    if (!row && !ex) throw errors::execution_does_not_exist(arn);
    std::optional<std::string> error;
    std::optional<std::string> cause;
    if (in.contains("error") && in["error"].is_string()) error = in["error"].get<std::string>();
    if (in.contains("cause") && in["cause"].is_string()) cause = in["cause"].get<std::string>();
    if (!ex) {
      core::TimeMs stopped = row->stop_ms.value_or(now());
      if (row->status == "RUNNING") {
        // Stored as running but not running here (it could not be resumed): abort it in the
        // store, so StopExecution always takes effect.
        stopped = now();
        asl::HistoryEvent aborted;
        aborted.timestamp = stopped;
        aborted.type = "ExecutionAborted";
        aborted.details_member = "executionAbortedEventDetails";
        if (error) aborted.details["error"] = *error;
        if (cause) aborted.details["cause"] = *cause;
        db_.write([&](store::Tx& tx) {
          auto r = store::sfn_repo::get_execution(tx, arn);
          if (!r || r->status != "RUNNING") return;
          r->status = "ABORTED";
          r->error = error;
          r->cause = cause;
          r->stop_ms = stopped;
          r->state = "{}";
          store::sfn_repo::update_execution(tx, *r);
          store::sfn_repo::erase_parts(tx, r->seq);
          aborted.id = store::sfn_repo::last_event_id(tx, r->seq) + 1;
          store::sfn_repo::append_events(tx, r->seq, {store::HistoryRow{aborted.id, aborted.to_text()}});
        });
      }
      const json out = {{"stopDate", ts(stopped)}};
      respond([out] { return out; });
      return;
    }
    const core::TimeMs asked = now();
    ex->queue->post([this, ex, error, cause, respond, asked] {
      if (!ex->finished) {
        core::CrashGuard::Running guard(ex->row.seq);
        apply(ex, ex->stepper->stop(error, cause, ex->at(asked)));
      }
      const json out = {{"stopDate", ts(ex->result.stop_ms != 0 ? ex->result.stop_ms : now())}};
      respond([out] { return out; });
    });
  } catch (const core::AwsError& e) {
    respond([e]() -> json { throw e; });
  }
}

json StepFunctionsService::stop_execution(const core::Scope& scope, const json& in) {
  return wait_for([&](Respond r) { stop_execution_async(scope, in, std::move(r)); });
}

void StepFunctionsService::stop_execution_quietly(const std::string& arn, const std::string& error,
                                                  const std::string& cause) {
  auto ex = find_running(arn);
  if (!ex) return;
  const core::TimeMs asked = now();
  ex->queue->post([this, ex, error, cause, asked] {
    if (ex->finished) return;
    core::CrashGuard::Running guard(ex->row.seq);
    apply(ex, ex->stepper->stop(error, cause, ex->at(asked)));
  });
}

json StepFunctionsService::list_executions(const core::Scope& scope, const json& in) {
  if (!in.contains("stateMachineArn"))
    throw errors::validation("Must provide a StateMachine ARN or MapRun ARN");
  const auto sm = get_sm(scope, in["stateMachineArn"].get<std::string>());
  if (sm.type == "EXPRESS") throw errors::type_not_supported();
  const int limit = page_size(in, 100, 1000);
  const auto before = token_of(in);
  auto page = db_.read([&](store::Tx& tx) {
    return store::sfn_repo::list_executions(tx, sm.arn, str(in, "statusFilter"), before, limit);
  });
  json items = json::array();
  for (const auto& r : page.rows) {
    json j = {{"executionArn", r.arn},
              {"stateMachineArn", r.state_machine_arn},
              {"name", r.name},
              {"status", r.status},
              {"startDate", ts(r.start_ms)},
              {"redriveCount", 0}};
    if (r.stop_ms) j["stopDate"] = ts(*r.stop_ms);
    items.push_back(j);
  }
  json out = {{"executions", items}};
  if (page.next_seq) out["nextToken"] = core::encode_page_token(*page.next_seq);
  return out;
}

json StepFunctionsService::get_execution_history(const core::Scope& scope, const json& in) {
  const std::string arn = in.at("executionArn").get<std::string>();
  const auto row = get_execution(scope, arn);
  const int limit = page_size(in, 100, 1000);
  const bool reverse = in.value("reverseOrder", false);
  const bool include = in.value("includeExecutionData", true);
  const auto bound = token_of(in);
  auto rows = db_.read([&](store::Tx& tx) {
    return store::sfn_repo::events(tx, row.seq, reverse, bound, limit + 1);
  });
  json events = json::array();
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i)
    events.push_back(event_to_wire(rows[i].body, include));
  json out = {{"events", events}};
  if (rows.size() > static_cast<std::size_t>(limit))
    out["nextToken"] = core::encode_page_token(rows[static_cast<std::size_t>(limit) - 1].id);
  return out;
}

// ------------------------------------------------------------------ tags

json StepFunctionsService::tag_resource(const core::Scope& scope, const json& in) {
  const std::string arn = in.at("resourceArn").get<std::string>();
  auto sm = get_tagged(scope, arn);
  json tags = json::parse(sm.tags);
  for (const auto& t : in.at("tags")) {
    auto it = std::find_if(tags.begin(), tags.end(), [&](const json& e) { return e["key"] == t["key"]; });
    if (it != tags.end()) *it = t; else tags.push_back(t);
  }
  if (tags.size() > 50) throw errors::too_many_tags(arn);
  sm.tags = tags.dump();
  db_.write([&](store::Tx& tx) { store::sfn_repo::update_state_machine(tx, sm); });
  return json::object();
}

json StepFunctionsService::untag_resource(const core::Scope& scope, const json& in) {
  const std::string arn = in.at("resourceArn").get<std::string>();
  auto sm = get_tagged(scope, arn);
  json tags = json::parse(sm.tags);
  json kept = json::array();
  for (const auto& t : tags) {
    const auto& keys = in.at("tagKeys");
    if (std::find(keys.begin(), keys.end(), t["key"]) == keys.end()) kept.push_back(t);
  }
  sm.tags = kept.dump();
  db_.write([&](store::Tx& tx) { store::sfn_repo::update_state_machine(tx, sm); });
  return json::object();
}

json StepFunctionsService::list_tags_for_resource(const core::Scope& scope, const json& in) {
  const std::string arn = in.at("resourceArn").get<std::string>();
  return {{"tags", json::parse(get_tagged(scope, arn).tags)}};
}

// ------------------------------------------------------------------ callbacks

void StepFunctionsService::send_task_event_async(const std::string& token, asl::TaskEvent ev,
                                                 Respond respond) {
  ExecPtr ex;
  {
    std::lock_guard lock(mu_);
    auto it = tokens_.find(token);
    if (it != tokens_.end()) {
      auto r = running_.find(it->second);
      if (r != running_.end()) ex = r->second;
    }
  }
  auto missing = [token]() -> json {
    throw errors::task_does_not_exist("Task Does Not Exist: '" + core::echo(token) + "'");
  };
  if (!ex) return respond(missing);
  const core::TimeMs asked = now();
  ex->queue->post([this, ex, token, ev = std::move(ev), respond, missing, asked] {
    if (ex->finished) return respond(missing);
    auto task = ex->stepper->task_for_token(token);
    if (!task) return respond(missing);
    if (!std::holds_alternative<asl::task_event::Heartbeat>(ev)) {
      ex->tasks.erase(*task);
      ex->changed_tasks.insert(*task);
      std::lock_guard lock(mu_);
      tokens_.erase(token);
    }
    {
      core::CrashGuard::Running guard(ex->row.seq);
      apply(ex, ex->stepper->on_task_result(*task, ev, ex->at(asked)));
    }
    respond([] { return json::object(); });
  });
}

void StepFunctionsService::send_task_success_async(const core::Scope&, const json& in,
                                                   Respond respond) {
  const std::string output = in.at("output").get<std::string>();
  asl::Json parsed;
  try {
    parsed = asl::Json::parse(output);
  } catch (const std::exception&) {
    const auto e = errors::make("InvalidOutput", "Invalid Output: '" + core::echo(output) + "'");
    return respond([e]() -> json { throw e; });
  }
  send_task_event_async(in.at("taskToken").get<std::string>(), asl::task_event::Succeeded{parsed},
                        std::move(respond));
}

void StepFunctionsService::send_task_failure_async(const core::Scope&, const json& in,
                                                   Respond respond) {
  asl::Failure f{str(in, "error"), std::nullopt};
  if (in.contains("cause") && in["cause"].is_string()) f.cause = in["cause"].get<std::string>();
  send_task_event_async(in.at("taskToken").get<std::string>(), asl::task_event::Failed{f},
                        std::move(respond));
}

void StepFunctionsService::send_task_heartbeat_async(const core::Scope&, const json& in,
                                                     Respond respond) {
  send_task_event_async(in.at("taskToken").get<std::string>(), asl::task_event::Heartbeat{},
                        std::move(respond));
}

json StepFunctionsService::send_task_success(const core::Scope& scope, const json& in) {
  return wait_for([&](Respond r) { send_task_success_async(scope, in, std::move(r)); });
}

json StepFunctionsService::send_task_failure(const core::Scope& scope, const json& in) {
  return wait_for([&](Respond r) { send_task_failure_async(scope, in, std::move(r)); });
}

json StepFunctionsService::send_task_heartbeat(const core::Scope& scope, const json& in) {
  return wait_for([&](Respond r) { send_task_heartbeat_async(scope, in, std::move(r)); });
}

// ------------------------------------------------------------------ lifecycle

void StepFunctionsService::fail_stored(const store::ExecutionRow& row, const std::string& cause) {
  core::log_error("execution " + row.arn + " is failed at recovery: " + cause);
  try {
    db_.write([&](store::Tx& tx) {
      auto r = store::sfn_repo::get_execution(tx, row.arn);
      if (!r || r->status != "RUNNING") return;
      const std::int64_t last = store::sfn_repo::last_event_id(tx, r->seq);
      asl::HistoryEvent failed;
      failed.id = last + 1;
      failed.previous_event_id = last;
      failed.timestamp = std::max(now(), r->start_ms);
      failed.type = "ExecutionFailed";
      failed.details_member = "executionFailedEventDetails";
      failed.details = {{"error", asl::errors::kRuntime}, {"cause", cause}};
      r->status = "FAILED";
      r->output.reset();
      r->error = std::string(asl::errors::kRuntime);
      r->cause = cause;
      r->stop_ms = failed.timestamp;
      r->state = "{}";
      store::sfn_repo::update_execution(tx, *r);
      store::sfn_repo::erase_parts(tx, r->seq);
      store::sfn_repo::append_events(tx, r->seq, {store::HistoryRow{failed.id, failed.to_text()}});
    });
  } catch (const std::exception& e) {
    core::log_error("execution " + row.arn + ": its failure could not be stored (" + e.what() + ")");
  }
}

std::size_t StepFunctionsService::recover(const std::vector<std::int64_t>& crashed) {
  for (const std::int64_t seq : crashed) {
    try {
      db_.write([&](store::Tx& tx) { store::sfn_repo::count_crash(tx, seq); });
    } catch (const std::exception& e) {
      core::log_error(std::string("cannot count a crash against an execution: ") + e.what());
    }
  }
  auto rows = db_.read([](store::Tx& tx) { return store::sfn_repo::running_executions(tx); });
  std::size_t resumed = 0;
  for (auto& row : rows) {
    if (row.crashes >= kMaxCrashes) {
      fail_stored(row, "The emulator crashed " + std::to_string(row.crashes) +
                           " times while running this execution, so it was stopped instead of "
                           "resumed (the rest of the data stays available).");
      continue;
    }
    ExecPtr ex;
    std::vector<std::pair<asl::TaskRequest, std::optional<asl::Json>>> tasks;
    asl::Json state;
    try {
      // A crash in here (a compiler or snapshot bug) is recorded against this execution.
      core::CrashGuard::Running guard(row.seq);
      ex = std::make_shared<Execution>();
      ex->scope = row.scope;
      ex->arn = row.arn;
      ex->sm_arn = row.state_machine_arn;
      ex->name = row.name;
      ex->machine = compile_cached(row.definition, false);
      ex->random = std::make_unique<asl::SeededRandomSource>(fresh_seed());
      ex->queue = std::make_shared<core::SerialQueue>(executor_);
      ex->generation = generation_.load();
      auto stored = db_.read([&](store::Tx& tx) { return store::sfn_repo::parts(tx, row.seq); });
      std::vector<std::pair<std::uint64_t, asl::Json>> task_parts;  // stepper task id, part
      if (stored.empty()) {
        // Stored before snapshots were kept in parts: one whole snapshot (moved at next commit).
        state = asl::Json::parse(row.state);
        ex->stepper.emplace(asl::Stepper::from_json(ex->machine, *ex->random, state.at("stepper")));
        ex->whole_snapshot_stored = true;
        for (const auto& t : state.at("tasks"))
          task_parts.emplace_back(t.at("request").at("id").get<std::uint64_t>(), t);
        for (const auto& tm : state.at("timers"))
          ex->timers[tm.at(0).get<std::uint64_t>()] = Execution::Timer{0, tm.at(1).get<core::TimeMs>()};
      } else {
        std::vector<asl::SnapshotPart> stepper_parts;
        for (auto& p : stored) {
          const auto kind = static_cast<asl::PartKind>(p.kind);
          if (kind == asl::PartKind::kRunnerTask) {
            task_parts.emplace_back(static_cast<std::uint64_t>(p.id), asl::Json::parse(p.body));
          } else if (kind == asl::PartKind::kRunnerTimer) {
            ex->timers[static_cast<std::uint64_t>(p.id)] =
                Execution::Timer{0, std::stoll(p.body)};
          } else {
            stepper_parts.push_back(asl::SnapshotPart{kind, static_cast<std::uint64_t>(p.id),
                                                      static_cast<std::uint64_t>(p.sub),
                                                      std::move(p.body)});
          }
        }
        ex->stepper.emplace(asl::Stepper::from_parts(ex->machine, *ex->random, stepper_parts));
      }
      ex->result.execution_arn = row.arn;
      ex->result.start_ms = row.start_ms;
      ex->row = row;
      ex->committed_event_id = db_.read(
          [&](store::Tx& tx) { return store::sfn_repo::last_event_id(tx, row.seq); });
      for (const auto& [local, t] : task_parts) {
        auto req = request_from_json(t.at("request"));
        Execution::Task task;
        task.request = req;
        task.request_text = asl::to_text(request_to_json(req));
        task.global_id = next_global_task_++;
        task.integration = registry_.find(req.resource);
        std::optional<asl::Json> submitted;
        if (t.contains("submitted")) {
          submitted = t["submitted"];
          task.submitted = asl::to_text(*submitted);
        }
        tasks.emplace_back(req, std::move(submitted));
        ex->tasks[local] = std::move(task);
      }
    } catch (const std::exception& e) {
      fail_stored(row, std::string("The emulator could not resume this execution: ") + e.what());
      continue;
    }
    {
      std::lock_guard lock(mu_);
      running_[ex->arn] = ex;
      for (const auto& [id, task] : ex->tasks)
        if (task.request.task_token) tokens_[*task.request.task_token] = row.arn;
    }
    ex->queue->post([this, ex, tasks] {
      std::weak_ptr<Execution> weak = ex;
      for (auto& [id, tm] : ex->timers) {
        const std::uint64_t timer = id;
        tm.scheduled = scheduler_.schedule_at(tm.at, [this, weak, timer] { on_timer(weak, timer); });
      }
      core::CrashGuard::Running guard(ex->row.seq);
      for (const auto& [req, submitted] : tasks) start_task(ex, req, true, submitted);
      if (ex->stepper->has_runnable()) apply(ex, ex->stepper->resume(ex->at(now())));
    });
    ++resumed;
  }
  return resumed;
}

void StepFunctionsService::reset() {
  std::unordered_map<std::string, ExecPtr> running;
  {
    std::lock_guard lock(mu_);
    running.swap(running_);
    tokens_.clear();
    compiled_.clear();
    compiled_lru_.clear();
    compiled_bytes_ = 0;
  }
  db_.write([this](store::Tx& tx) {
    generation_.fetch_add(1);
    store::sfn_repo::erase_all(tx);
  });
  for (auto& [arn, ex] : running) {
    ex->queue->post([this, ex] {
      if (ex->finished) return;
      ex->result.status = "ABORTED";
      release(ex);
      answer_started(ex, "");
    });
  }
}

std::size_t StepFunctionsService::executions_running() const {
  std::lock_guard lock(mu_);
  return running_.size();
}

}  // namespace scl::sfn
