#include "engine/codebuild/batch_service.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_set>

#include "engine/codebuild/buildspec.hpp"
#include "engine/codebuild/errors.hpp"
#include "engine/codebuild/wire.hpp"
#include "engine/core/echo.hpp"
#include "engine/core/log.hpp"
#include "store/build_repo.hpp"
#include "store/project_repo.hpp"

namespace scl::codebuild {
namespace {

constexpr int kPageSize = 100;
constexpr const char* kDownload = "DOWNLOAD_BATCHSPEC";
constexpr const char* kInProgress = "IN_PROGRESS";
constexpr const char* kCombine = "COMBINE_ARTIFACTS";
constexpr const char* kDone = "DONE";
constexpr const char* kPending = "PENDING";

std::string batch_arn(const core::Scope& s, const std::string& id) {
  return "arn:aws:codebuild:" + s.region + ":" + s.account + ":build-batch/" + id;
}

std::string str(const json& obj, const char* name, const std::string& def = "") {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : def;
}

int int_of(const json& obj, const char* name, int def) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_number_integer() ? it->get<int>() : def;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

json merge_vars(const json& base, const json& overrides) {
  json out = base.is_array() ? base : json::array();
  if (!overrides.is_array()) return out;
  for (const auto& ov : overrides) {
    const std::string name = str(ov, "name");
    json v = ov;
    if (!v.contains("type")) v["type"] = "PLAINTEXT";
    auto it = std::find_if(out.begin(), out.end(), [&](const json& e) { return str(e, "name") == name; });
    if (it != out.end()) *it = v; else out.push_back(v);
  }
  return out;
}

EnvMap plaintext(const json& vars) {
  EnvMap out;
  if (!vars.is_array()) return out;
  for (const auto& v : vars)
    if (str(v, "type", "PLAINTEXT") == "PLAINTEXT") out[str(v, "name")] = str(v, "value");
  return out;
}

// BuildArtifacts shown on a batch (reference 2.10: NO_ARTIFACTS shows location "").
json batch_artifacts(const json& a) {
  json out;
  if (str(a, "type") == "S3") {
    std::string loc = "arn:aws:s3:::" + str(a, "location");
    for (const char* part : {"path", "name"})
      if (!str(a, part).empty()) loc += "/" + str(a, part);
    out["location"] = loc;
  } else {
    out["location"] = "";
  }
  if (a.contains("artifactIdentifier")) out["artifactIdentifier"] = a["artifactIdentifier"];
  return out;
}

std::string request_hash(const json& input) {
  json copy = input;
  copy.erase("idempotencyToken");
  return std::to_string(std::hash<std::string>{}(copy.dump()));
}

// The `SIMULATE_BATCH_PHASE_SECONDS` variable: "DOWNLOAD_BATCHSPEC=2,COMBINE_ARTIFACTS=1".
void batch_durations(const EnvMap& env, core::TimeMs& download, core::TimeMs& combine) {
  auto it = env.find("SIMULATE_BATCH_PHASE_SECONDS");
  if (it == env.end()) return;
  std::string_view spec = it->second;
  try {
    while (!spec.empty()) {
      const auto comma = spec.find(',');
      std::string item(spec.substr(0, comma));
      spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
      item.erase(0, item.find_first_not_of(" \t"));
      if (item.empty()) continue;
      const auto eq = item.find('=');
      const std::string name = item.substr(0, eq == std::string::npos ? item.size() : eq);
      if (eq == std::string::npos || (name != kDownload && name != kCombine)) {
        throw std::invalid_argument("entry '" + item +
                                    "' must look like DOWNLOAD_BATCHSPEC=SECONDS or "
                                    "COMBINE_ARTIFACTS=SECONDS");
      }
      (name == kDownload ? download : combine) = parse_seconds(item.substr(eq + 1), name);
    }
  } catch (const std::invalid_argument& e) {
    throw errors::invalid_input(std::string("Invalid SIMULATE_BATCH_PHASE_SECONDS: ") + e.what());
  }
}

json phase_json(const json& p) {
  json j = {{"phaseType", p["type"]}, {"startTime", timestamp(p["start"].get<core::TimeMs>())}};
  if (p.contains("status")) j["phaseStatus"] = p["status"];
  if (p.contains("end")) {
    const auto s = p["start"].get<core::TimeMs>();
    const auto e = p["end"].get<core::TimeMs>();
    j["endTime"] = timestamp(e);
    j["durationInSeconds"] = duration_seconds(s, e);
  }
  if (p.contains("contexts")) {
    json ctx = json::array();
    for (const auto& c : p["contexts"]) ctx.push_back({{"statusCode", c[0]}, {"message", c[1]}});
    j["contexts"] = ctx;
  }
  return j;
}

void open_phase(json& st, const std::string& type, core::TimeMs t) {
  st["phases"].push_back({{"type", type}, {"start", t}});
}

void close_phase(json& st, const std::string& status, core::TimeMs t,
                 const std::optional<PhaseContext>& ctx = std::nullopt) {
  json& p = st["phases"].back();
  p["end"] = t;
  p["status"] = status;
  if (ctx) p["contexts"] = json::array({json::array({ctx->status_code, ctx->message})});
}

bool is_final(const std::string& status) { return status != kPending && status != kInProgress; }

std::optional<core::TimeMs> next_timer(const json& st) {
  const std::string stage = st["stage"];
  if (stage == kDone) return std::nullopt;
  const auto deadline = st["deadline"].get<core::TimeMs>();
  if (stage == kDownload || stage == kCombine)
    return std::min(st["stageEnd"].get<core::TimeMs>(), deadline);
  return deadline;
}

// A group (or a prior attempt of it) as a BuildSummary (reference 2.10, stop-build-batch.rst).
json summary(const core::Scope& scope, const std::string& identifier, const json& g) {
  json s = {{"arn", build_arn(scope, g["build"].get<std::string>())},
            {"requestedOn", timestamp(g["requested"].get<core::TimeMs>())},
            {"buildStatus", g["status"]}};
  if (g.contains("artifact")) {
    json a = {{"type", g["artifact"]["type"]}};
    if (!str(g["artifact"], "location").empty()) a["location"] = g["artifact"]["location"];
    a["identifier"] = identifier;
    s["primaryArtifact"] = a;
    s["secondaryArtifacts"] = json::array();
  }
  return s;
}

// The StartBuild request for one build of the batch: the batch's effective settings plus the
// task's overrides (batch build buildspec reference: env, buildspec, debug-session).
json child_input(const json& body, const BatchTask& task) {
  json in = {{"projectName", body["projectName"]}};
  const json& src = body["source"];
  in["sourceTypeOverride"] = str(src, "type", "NO_SOURCE");
  if (src.contains("location")) in["sourceLocationOverride"] = src["location"];
  if (task.buildspec) in["buildspecOverride"] = *task.buildspec;
  else if (src.contains("buildspec")) in["buildspecOverride"] = src["buildspec"];
  if (src.contains("insecureSsl")) in["insecureSslOverride"] = src["insecureSsl"];
  if (src.contains("gitCloneDepth")) in["gitCloneDepthOverride"] = src["gitCloneDepth"];
  if (src.contains("gitSubmodulesConfig")) in["gitSubmodulesConfigOverride"] = src["gitSubmodulesConfig"];
  if (src.contains("auth")) in["sourceAuthOverride"] = src["auth"];
  if (body.contains("sourceVersion")) in["sourceVersion"] = body["sourceVersion"];
  in["secondarySourcesOverride"] = body["secondarySources"];
  in["secondarySourcesVersionOverride"] = body["secondarySourceVersions"];
  in["artifactsOverride"] = body["_artifacts"];
  in["secondaryArtifactsOverride"] = body["_secondaryArtifacts"];
  const json& env = body["environment"];
  in["environmentTypeOverride"] = task.type ? json(*task.type) : env["type"];
  in["imageOverride"] = task.image ? json(*task.image) : env["image"];
  in["computeTypeOverride"] = task.compute_type ? json(*task.compute_type) : env["computeType"];
  in["privilegedModeOverride"] =
      task.privileged_mode ? json(*task.privileged_mode) : env.value("privilegedMode", json(false));
  if (env.contains("certificate")) in["certificateOverride"] = env["certificate"];
  if (env.contains("imagePullCredentialsType"))
    in["imagePullCredentialsTypeOverride"] = env["imagePullCredentialsType"];
  if (env.contains("registryCredential")) in["registryCredentialOverride"] = env["registryCredential"];
  json task_vars = json::array();
  for (const auto& [k, v] : task.variables)
    task_vars.push_back({{"name", k}, {"value", v}, {"type", "PLAINTEXT"}});
  in["environmentVariablesOverride"] =
      merge_vars(env.value("environmentVariables", json::array()), task_vars);
  in["serviceRoleOverride"] = body["serviceRole"];
  in["timeoutInMinutesOverride"] = body["buildTimeoutInMinutes"];
  in["queuedTimeoutInMinutesOverride"] = body["queuedTimeoutInMinutes"];
  in["encryptionKeyOverride"] = body["encryptionKey"];
  in["cacheOverride"] = body["cache"];
  in["logsConfigOverride"] = body["logConfig"];
  if (task.debug_session || body.value("debugSessionEnabled", false)) in["debugSessionEnabled"] = true;
  return in;
}

}  // namespace

BatchService::BatchService(store::Database& db, core::Scheduler& scheduler, core::IdSource& ids,
                           CodeBuildService& builds, BatchOptions options)
    : db_(db), scheduler_(scheduler), ids_(ids), builds_(builds), options_(std::move(options)) {}

BatchService::~BatchService() {
  std::lock_guard lock(mu_);
  for (auto& [key, timer] : timers_) scheduler_.cancel(timer);
  timers_.clear();
}

std::string BatchService::key_of(const core::Scope& scope, const std::string& id) {
  return scope.account + '/' + scope.region + '/' + id;
}

std::string BatchService::batch_id_from(const std::string& id_or_arn) {
  if (id_or_arn.rfind("arn:", 0) == 0) {
    auto pos = id_or_arn.find(":build-batch/");
    if (pos != std::string::npos) return id_or_arn.substr(pos + 13);
  }
  return id_or_arn;
}

// ---------------------------------------------------------------- driving

void BatchService::arm_locked(const core::Scope& scope, const std::string& id,
                              std::optional<core::TimeMs> when) {
  const std::string key = key_of(scope, id);
  if (auto it = timers_.find(key); it != timers_.end()) {
    scheduler_.cancel(it->second);
    timers_.erase(it);
  }
  if (!when) return;
  timers_[key] = scheduler_.schedule_at(*when, [this, scope, id] { on_timer(scope, id); });
}

std::optional<store::BatchRow> BatchService::mutate(const core::Scope& scope,
                                                    const std::string& id, const Mutation& fn) {
  Effects fx;
  std::optional<store::BatchRow> out;
  std::vector<CompletionCallback> done;
  {
    std::lock_guard lock(mu_);
    bool was_complete = false;
    out = db_.write([&](store::Tx& tx) -> std::optional<store::BatchRow> {
      auto row = store::batch_repo::get(tx, scope, id);
      if (!row) return std::nullopt;
      was_complete = row->complete;
      json st = json::parse(row->state);
      fn(tx, *row, st, fx);
      row->status = st["status"].get<std::string>();
      row->complete = st["stage"] == kDone;
      row->timer_ms = next_timer(st);
      row->state = st.dump();
      store::batch_repo::update(tx, *row);
      return row;
    });
    if (!out) return out;
    for (const auto& r : fx.started) builds_.track(r);
    for (const auto& b : fx.stop) {
      try {
        builds_.stop_build(Caller{scope, "batch"}, {{"id", b}});
      } catch (const core::AwsError& e) {
        core::log_warn("batch " + id + ": cannot stop build " + b + ": " + e.what());
      }
    }
    arm_locked(scope, id, out->timer_ms);
    if (out->complete && !was_complete) {
      if (auto it = waiters_.find(key_of(scope, id)); it != waiters_.end()) {
        done = std::move(it->second);
        waiters_.erase(it);
      }
    }
  }
  for (const auto& r : fx.started) watch(scope, id, r.id);
  for (const auto& b : fx.watch) watch(scope, id, b);
  if (!done.empty()) {
    const json view = render(*out);
    for (auto& cb : done) cb(view);
  }
  return out;
}

void BatchService::watch(const core::Scope& scope, const std::string& batch_id,
                         const std::string& build_id) {
  const bool known = builds_.on_build_complete(
      scope, build_id, [this, scope, batch_id](const json& b) { on_build_done(scope, batch_id, b); });
  if (!known) {
    // The build vanished (deleted while the emulator was down): count it as failed.
    on_build_done(scope, batch_id, json{{"id", build_id}, {"buildStatus", "FAILED"}});
  }
}

void BatchService::on_timer(const core::Scope& scope, const std::string& id) {
  try {
    mutate(scope, id, [this](store::Tx& tx, store::BatchRow& row, json& st, Effects& fx) {
      if (st["stage"] == kDone) return;
      const core::TimeMs t = now();
      if (st["stage"] == kDownload && t >= st["stageEnd"].get<core::TimeMs>()) {
        fan_out(tx, row, st, fx);
      } else if (st["stage"] == kCombine && t >= st["stageEnd"].get<core::TimeMs>()) {
        close_phase(st, "SUCCEEDED", t);
        finish(st, "SUCCEEDED", "SUCCEEDED");
      }
      if (st["stage"] != kDone && t >= st["deadline"].get<core::TimeMs>()) time_out(st, fx);
    });
  } catch (const std::exception& e) {
    core::log_error("batch " + id + ": timer: " + e.what());
  }
}

void BatchService::on_build_done(const core::Scope& scope, const std::string& batch_id,
                                 const json& build) {
  try {
    mutate(scope, batch_id, [&](store::Tx& tx, store::BatchRow& row, json& st, Effects& fx) {
      const std::string bid = str(build, "id");
      json* group = nullptr;
      for (auto& g : st["groups"])
        if (g["build"] == bid) group = &g;
      if (group == nullptr) return;  // an earlier attempt of a retried group
      json& g = *group;
      const std::string status = str(build, "buildStatus", "FAILED");
      g["status"] = status;
      if (g.value("started", false)) {
        const json& a = g["input"].value("artifactsOverride", json::object());
        g["artifact"] = {{"type", lower(str(a, "type", "NO_ARTIFACTS"))},
                         {"location", build.contains("artifacts") ? str(build["artifacts"], "location") : ""}};
      }
      if (st["stage"] != kInProgress) return;
      if (status != "SUCCEEDED" && !g.value("ignoreFailure", false)) {
        st["failed"] = true;
        if (st.value("fastFail", false)) {
          // batch/fast-fail: every running build is stopped when one fails.
          for (auto& other : st["groups"]) {
            if (other["status"] == kInProgress) {
              fx.stop.push_back(other["build"].get<std::string>());
              other["status"] = "STOPPED";
            }
          }
        }
      }
      drive(tx, row, st, fx);
    });
  } catch (const std::exception& e) {
    core::log_error("batch " + batch_id + ": build completion: " + e.what());
  }
}

void BatchService::fan_out(store::Tx& tx, store::BatchRow& row, json& st, Effects& fx) {
  const core::TimeMs t = now();
  const json body = json::parse(row.body);
  auto fail = [&](const std::string& code, const std::string& message) {
    close_phase(st, "FAILED", t, PhaseContext{code, message});
    finish(st, "FAILED", "FAILED");
  };
  if (st["groups"].empty()) {
    const std::string text = str(body["source"], "buildspec");
    if (!is_inline_buildspec(text)) {
      // NOTE(emulator): the emulator has no source tree to read a buildspec file from.
      fail("YAML_FILE_ERROR", "sfn-codebuild-local cannot read the buildspec file '" + text +
                                  "' from the source: batch builds need an inline buildspec");
      return;
    }
    BatchSpec spec;
    Buildspec whole;
    try {
      whole = parse_buildspec(text);
      spec = parse_batch(text);
    } catch (const BuildspecError& e) {
      fail("YAML_FILE_ERROR", e.what());
      return;
    }
    const json& cfg = body["buildBatchConfig"];
    const json& restrictions = cfg.value("restrictions", json::object());
    const int max_builds = int_of(restrictions, "maximumBuildsAllowed", 100);
    if (static_cast<int>(spec.tasks.size()) > max_builds) {
      fail("CLIENT_ERROR", "The batch defines " + std::to_string(spec.tasks.size()) +
                               " builds, more than the maximum number of builds allowed (" +
                               std::to_string(max_builds) + ")");
      return;
    }
    std::set<std::string> allowed;
    if (restrictions.contains("computeTypesAllowed"))
      for (const auto& c : restrictions["computeTypesAllowed"]) allowed.insert(c.get<std::string>());
    json groups = json::array();
    for (const auto& task : spec.tasks) {
      json in = child_input(body, task);
      const std::string compute = in["computeTypeOverride"].get<std::string>();
      if (!allowed.empty() && !allowed.count(compute)) {
        fail("CLIENT_ERROR", "Build " + task.identifier + " uses compute type " + compute +
                                 ", which restrictions.computeTypesAllowed does not allow");
        return;
      }
      // Check the SIMULATE_* values each build will see (same merge as StartBuild).
      EnvMap sim = options_.rules.env_for(row.project);
      for (const auto& [k, v] : whole.variables) sim[k] = v;
      for (const auto& [k, v] : plaintext(in["environmentVariablesOverride"])) sim[k] = v;
      try {
        make_plan(t, options_.defaults, sim, 60, 480);
      } catch (const core::AwsError& e) {
        fail("CLIENT_ERROR", "Build " + task.identifier + ": " + e.what());
        return;
      }
      groups.push_back({{"identifier", task.identifier},
                        {"dependsOn", task.depend_on},
                        {"ignoreFailure", task.ignore_failure},
                        {"input", in},
                        {"build", row.project + ":" + ids_.uuid()},
                        {"requested", t},
                        {"status", kPending}});
    }
    st["groups"] = groups;
    st["fastFail"] = spec.fast_fail;
  } else {
    // RetryBuildBatch: the same groups run again, all of them or the ones that did not succeed.
    const bool all = st.value("retryType", "RETRY_ALL_BUILDS") == "RETRY_ALL_BUILDS";
    for (auto& g : st["groups"]) {
      if (!all && g["status"] == "SUCCEEDED") continue;
      json prior = {{"build", g["build"]}, {"requested", g["requested"]}, {"status", g["status"]}};
      if (g.contains("artifact")) prior["artifact"] = g["artifact"];
      g["prior"].push_back(prior);
      g["build"] = row.project + ":" + ids_.uuid();
      g["requested"] = t;
      g["status"] = kPending;
      g["started"] = false;
      g.erase("artifact");
      g.erase("error");
      // SIMULATE_RETRY_STATUS: the SIMULATE_STATUS of builds that a retry runs again (so a
      // retried batch can succeed; the emulator otherwise repeats the same outcome).
      json& vars = g["input"]["environmentVariablesOverride"];
      const EnvMap current = plaintext(vars);
      if (auto it = current.find("SIMULATE_RETRY_STATUS"); it != current.end()) {
        vars = merge_vars(vars, json::array({{{"name", "SIMULATE_STATUS"},
                                              {"value", it->second},
                                              {"type", "PLAINTEXT"}}}));
      }
    }
  }
  close_phase(st, "SUCCEEDED", t);
  open_phase(st, kInProgress, t);
  st["stage"] = kInProgress;
  drive(tx, row, st, fx);
}

void BatchService::drive(store::Tx& tx, store::BatchRow& row, json& st, Effects& fx) {
  const core::TimeMs t = now();
  const json body = json::parse(row.body);
  const Caller caller{row.scope, str(body, "initiator")};
  const std::string arn = batch_arn(row.scope, row.id);
  const bool fast_fail = st.value("fastFail", false);
  auto find = [&](const std::string& identifier) -> json* {
    for (auto& g : st["groups"])
      if (g["identifier"] == identifier) return &g;
    return nullptr;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto& g : st["groups"]) {
      if (g["status"] != kPending) continue;
      if (fast_fail && st.value("failed", false)) {
        g["status"] = "STOPPED";
        changed = true;
        continue;
      }
      bool ready = true;
      bool blocked = false;
      for (const auto& dep_id : g["dependsOn"]) {
        const json* dep = find(dep_id.get<std::string>());
        if (dep == nullptr) continue;
        const std::string ds = (*dep)["status"];
        // A dependency counts when it succeeded, or ended otherwise with ignore-failure set.
        if (ds == "SUCCEEDED" || (is_final(ds) && dep->value("ignoreFailure", false))) continue;
        ready = false;
        if (is_final(ds)) blocked = true;
      }
      if (blocked) {
        // NOTE(emulator): a build whose dependency failed never starts; its summary shows
        // STOPPED, as the dependents of the failed build in retry-build-batch.rst do.
        g["status"] = "STOPPED";
        changed = true;
        continue;
      }
      if (!ready) continue;
      try {
        fx.started.push_back(builds_.start_batch_build(
            tx, caller, g["input"], BatchChild{g["build"].get<std::string>(), arn}));
        g["status"] = kInProgress;
        g["started"] = true;
      } catch (const core::AwsError& e) {
        core::log_warn("batch " + row.id + ": build " + g["identifier"].get<std::string>() +
                       " could not start: " + e.what());
        g["status"] = "FAILED";
        g["error"] = e.what();
        if (!g.value("ignoreFailure", false)) st["failed"] = true;
      }
      changed = true;
    }
  }
  for (const auto& g : st["groups"])
    if (!is_final(g["status"].get<std::string>())) return;
  // Every build has ended.
  const bool failed = st.value("failed", false);
  // retry-build-batch.rst records IN_PROGRESS ending CLIENT_ERROR in a batch whose build failed.
  close_phase(st, failed ? "CLIENT_ERROR" : "SUCCEEDED", t);
  if (!failed && body["buildBatchConfig"].value("combineArtifacts", false)) {
    open_phase(st, kCombine, t);
    st["stage"] = kCombine;
    st["stageEnd"] = t + st["durations"][kCombine].get<core::TimeMs>();
    return;
  }
  finish(st, failed ? "FAILED" : "SUCCEEDED", failed ? "FAILED" : "SUCCEEDED");
}

void BatchService::finish(json& st, const std::string& terminal, const std::string& status) const {
  const core::TimeMs t = now();
  open_phase(st, terminal, t);
  st["stage"] = kDone;
  st["status"] = status;
  st["end"] = t;
}

void BatchService::time_out(json& st, Effects& fx) const {
  for (auto& g : st["groups"]) {
    if (g["status"] == kInProgress) fx.stop.push_back(g["build"].get<std::string>());
    if (!is_final(g["status"].get<std::string>())) g["status"] = "STOPPED";
  }
  // NOTE(emulator): a batch past buildBatchConfig.timeoutInMins ends its running phase
  // TIMED_OUT, then the terminal FAILED phase, with buildBatchStatus TIMED_OUT.
  close_phase(st, "TIMED_OUT", now());
  finish(st, "FAILED", "TIMED_OUT");
}

// ---------------------------------------------------------------- rendering

json BatchService::render(const store::BatchRow& row, View view) const {
  json b = json::parse(row.body);
  const json st = json::parse(row.state);
  b.erase("_artifacts");
  b.erase("_secondaryArtifacts");
  if (view == View::kStart) {
    // start-build-batch.rst (F-042): no phases yet.
    b["currentPhase"] = "SUBMITTED";
    b["buildBatchStatus"] = "IN_PROGRESS";
    b["complete"] = false;
    return b;
  }
  json phases = json::array();
  for (const auto& p : st["phases"]) phases.push_back(phase_json(p));
  if (view == View::kRetry && phases.size() >= 2) {
    // retry-build-batch.rst: the response ends with an open SUBMITTED phase.
    phases.erase(phases.end() - 1);
    json& sub = phases.back();
    sub.erase("phaseStatus");
    sub.erase("endTime");
    sub.erase("durationInSeconds");
  }
  b["currentPhase"] = phases.back()["phaseType"];
  b["buildBatchStatus"] = view == View::kRetry ? "IN_PROGRESS" : st["status"];
  b["phases"] = phases;
  b["complete"] = row.complete;
  if (row.complete) b["endTime"] = timestamp(st["end"].get<core::TimeMs>());
  if (b.contains("sourceVersion")) {
    const std::string sv = b["sourceVersion"];
    if (sv.size() == 40 && std::all_of(sv.begin(), sv.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
      b["resolvedSourceVersion"] = sv;
  }
  if (!st["groups"].empty()) {
    json groups = json::array();
    for (const auto& g : st["groups"]) {
      const std::string identifier = g["identifier"];
      json out = {{"identifier", identifier},
                  {"dependsOn", g["dependsOn"]},
                  {"ignoreFailure", g["ignoreFailure"]},
                  {"currentBuildSummary", summary(row.scope, identifier, g)}};
      if (g.contains("prior") && !g["prior"].empty()) {
        json prior = json::array();
        for (const auto& p : g["prior"]) prior.push_back(summary(row.scope, identifier, p));
        out["priorBuildSummaryList"] = prior;
      }
      groups.push_back(out);
    }
    b["buildGroups"] = groups;
  }
  return b;
}

std::optional<json> BatchService::get_batch(const core::Scope& scope, const std::string& id_or_arn) {
  const std::string id = batch_id_from(id_or_arn);
  auto row = db_.read([&](store::Tx& tx) { return store::batch_repo::get(tx, scope, id); });
  if (!row) return std::nullopt;
  return render(*row);
}

bool BatchService::on_batch_complete(const core::Scope& scope, const std::string& id_or_arn,
                                     CompletionCallback cb) {
  const std::string id = batch_id_from(id_or_arn);
  {
    std::lock_guard lock(mu_);
    auto row = db_.read([&](store::Tx& tx) { return store::batch_repo::get(tx, scope, id); });
    if (!row) return false;
    if (!row->complete) {
      waiters_[key_of(scope, id)].push_back(std::move(cb));
      return true;
    }
  }
  auto view = get_batch(scope, id);
  if (!view) return false;
  cb(*view);
  return true;
}

// ---------------------------------------------------------------- lifecycle

std::size_t BatchService::recover() {
  auto rows = db_.read([](store::Tx& tx) { return store::batch_repo::open_batches(tx); });
  for (const auto& r : rows) {
    {
      std::lock_guard lock(mu_);
      arm_locked(r.scope, r.id, r.timer_ms);
    }
    const json st = json::parse(r.state);
    for (const auto& g : st["groups"])
      if (g["status"] == kInProgress) watch(r.scope, r.id, g["build"].get<std::string>());
  }
  return rows.size();
}

void BatchService::reset() {
  {
    std::lock_guard lock(mu_);
    for (auto& [key, timer] : timers_) scheduler_.cancel(timer);
    timers_.clear();
    waiters_.clear();
  }
  db_.write([](store::Tx& tx) { store::batch_repo::erase_all(tx); });
}

// ---------------------------------------------------------------- operations

json BatchService::start_build_batch(const Caller& caller, const json& input) {
  const std::string pname = input.at("projectName").get<std::string>();
  std::optional<std::string> token;
  std::optional<std::string> hash;
  if (input.contains("idempotencyToken") && input["idempotencyToken"].is_string()) {
    token = input["idempotencyToken"].get<std::string>();
    hash = request_hash(input);
  }
  auto ov = [&](const char* name) -> const json& {
    static const json kNull;
    auto it = input.find(name);
    return it == input.end() ? kNull : *it;
  };
  const core::TimeMs t = now();
  store::BatchRow row;
  bool replay = false;
  std::lock_guard lock(mu_);
  db_.write([&](store::Tx& tx) {
    auto prow = store::project_repo::get(tx, caller.scope, pname);
    if (!prow) {
      throw errors::resource_not_found("Project cannot be found: " + core::echo(project_arn(caller.scope, pname)));
    }
    const json project = json::parse(prow->body);
    json cfg = ov("buildBatchConfigOverride").is_object() ? ov("buildBatchConfigOverride")
                                                          : project.value("buildBatchConfig", json());
    if (!cfg.is_object()) {
      throw errors::invalid_input("Batch builds are not enabled for project " + core::echo(pname) +
                                  ": set buildBatchConfig on the project or pass "
                                  "buildBatchConfigOverride");
    }
    if (token) {
      auto prev = store::batch_repo::find_by_token(tx, caller.scope, pname, *token,
                                                   t - options_.idempotency_window_ms);
      if (prev) {
        if (prev->request_hash != hash) {
          throw errors::invalid_input(
              "Idempotency token parameter mismatch: the token was already used with different "
              "parameters");
        }
        row = *prev;
        replay = true;
        return;
      }
    }
    // reference 2.10 (start-build-batch.rst): defaults shown on a new batch's config.
    if (!cfg.contains("restrictions")) cfg["restrictions"] = json::object();
    if (!cfg["restrictions"].contains("maximumBuildsAllowed"))
      cfg["restrictions"]["maximumBuildsAllowed"] = 100;
    if (!cfg.contains("timeoutInMins")) cfg["timeoutInMins"] = 480;

    const std::string id = pname + ":" + ids_.uuid();
    const std::int64_t number = store::batch_repo::next_batch_number(tx, caller.scope, pname);
    json b;
    b["id"] = id;
    b["arn"] = batch_arn(caller.scope, id);
    b["startTime"] = timestamp(t);
    b["projectName"] = pname;
    const json source = source_with_overrides(project, input, SourceOverrides::kBatch);
    b["source"] = source;
    b["secondarySources"] = ov("secondarySourcesOverride").is_array()
                                ? ov("secondarySourcesOverride")
                                : project.value("secondarySources", json::array());
    b["secondarySourceVersions"] = ov("secondarySourcesVersionOverride").is_array()
                                       ? ov("secondarySourcesVersionOverride")
                                       : project.value("secondarySourceVersions", json::array());
    if (ov("sourceVersion").is_string()) b["sourceVersion"] = ov("sourceVersion");
    else if (project.contains("sourceVersion")) b["sourceVersion"] = project["sourceVersion"];
    const json artifacts = ov("artifactsOverride").is_object()
                               ? ov("artifactsOverride")
                               : project.value("artifacts", json{{"type", "NO_ARTIFACTS"}});
    const json sec = ov("secondaryArtifactsOverride").is_array()
                         ? ov("secondaryArtifactsOverride")
                         : project.value("secondaryArtifacts", json::array());
    b["artifacts"] = batch_artifacts(artifacts);
    json sec_view = json::array();
    for (const auto& a : sec) sec_view.push_back(batch_artifacts(a));
    b["secondaryArtifacts"] = sec_view;
    b["_artifacts"] = artifacts;  // hidden: what the batch's builds use
    b["_secondaryArtifacts"] = sec;
    b["cache"] = ov("cacheOverride").is_object() ? ov("cacheOverride")
                                                 : project.value("cache", json{{"type", "NO_CACHE"}});
    json env = project.value("environment", json::object());
    if (ov("environmentTypeOverride").is_string()) env["type"] = ov("environmentTypeOverride");
    if (ov("imageOverride").is_string()) env["image"] = ov("imageOverride");
    if (ov("computeTypeOverride").is_string()) env["computeType"] = ov("computeTypeOverride");
    if (ov("certificateOverride").is_string()) env["certificate"] = ov("certificateOverride");
    if (ov("privilegedModeOverride").is_boolean()) env["privilegedMode"] = ov("privilegedModeOverride");
    if (ov("imagePullCredentialsTypeOverride").is_string())
      env["imagePullCredentialsType"] = ov("imagePullCredentialsTypeOverride");
    if (ov("registryCredentialOverride").is_object())
      env["registryCredential"] = ov("registryCredentialOverride");
    env["environmentVariables"] = merge_vars(env.value("environmentVariables", json::array()),
                                             ov("environmentVariablesOverride"));
    b["environment"] = env;
    b["serviceRole"] = ov("serviceRoleOverride").is_string() ? ov("serviceRoleOverride")
                                                             : project.value("serviceRole", json(""));
    b["logConfig"] = ov("logsConfigOverride").is_object()
                         ? ov("logsConfigOverride")
                         : project.value("logsConfig", json::object());
    const int timeout = ov("buildTimeoutInMinutesOverride").is_number_integer()
                            ? ov("buildTimeoutInMinutesOverride").get<int>()
                            : int_of(project, "timeoutInMinutes", 60);
    const int queued = ov("queuedTimeoutInMinutesOverride").is_number_integer()
                           ? ov("queuedTimeoutInMinutesOverride").get<int>()
                           : int_of(project, "queuedTimeoutInMinutes", 480);
    b["buildTimeoutInMinutes"] = timeout;
    b["queuedTimeoutInMinutes"] = queued;
    b["initiator"] = caller.initiator;
    if (project.contains("vpcConfig")) b["vpcConfig"] = project["vpcConfig"];
    b["encryptionKey"] = ov("encryptionKeyOverride").is_string()
                             ? ov("encryptionKeyOverride")
                             : project.value("encryptionKey", json(""));
    b["buildBatchNumber"] = number;
    if (project.contains("fileSystemLocations")) b["fileSystemLocations"] = project["fileSystemLocations"];
    b["buildBatchConfig"] = cfg;
    if (ov("debugSessionEnabled").is_boolean()) b["debugSessionEnabled"] = ov("debugSessionEnabled");

    // The batch's own SIMULATE_* values: rules file < buildspec env < project < overrides.
    EnvMap sim = options_.rules.env_for(pname);
    if (const std::string text = str(source, "buildspec"); is_inline_buildspec(text)) {
      try {
        for (const auto& [k, v] : parse_buildspec(text).variables) sim[k] = v;
      } catch (const BuildspecError&) {
        // Reported when DOWNLOAD_BATCHSPEC ends.
      }
    }
    for (const auto& [k, v] : plaintext(env["environmentVariables"])) sim[k] = v;
    make_plan(t, options_.defaults, sim, timeout, queued);  // rejects bad SIMULATE_* values
    core::TimeMs download = options_.download_batchspec_ms;
    core::TimeMs combine = options_.combine_artifacts_ms;
    batch_durations(sim, download, combine);

    json st;
    st["phases"] = json::array();
    st["phases"].push_back({{"type", "SUBMITTED"}, {"start", t}, {"end", t}, {"status", "SUCCEEDED"}});
    open_phase(st, kDownload, t);
    st["stage"] = kDownload;
    st["stageEnd"] = t + download;
    st["deadline"] = t + core::TimeMs{int_of(cfg, "timeoutInMins", 480)} * 60'000;
    st["status"] = "IN_PROGRESS";
    st["groups"] = json::array();
    st["durations"] = {{kDownload, download}, {kCombine, combine}};

    row.scope = caller.scope;
    row.id = id;
    row.project = pname;
    row.batch_number = number;
    row.start_ms = t;
    row.status = "IN_PROGRESS";
    row.complete = false;
    row.timer_ms = next_timer(st);
    row.body = b.dump();
    row.state = st.dump();
    row.idempotency_token = token;
    row.request_hash = hash;
    row.seq = store::batch_repo::insert(tx, row);
  });
  if (replay) return {{"buildBatch", render(row)}};
  arm_locked(row.scope, row.id, row.timer_ms);
  return {{"buildBatch", render(row, View::kStart)}};
}

json BatchService::batch_get_build_batches(const Caller& caller, const json& input) {
  json found = json::array();
  json missing = json::array();
  std::unordered_set<std::string> seen;
  std::vector<store::BatchRow> rows;
  db_.read([&](store::Tx& tx) {
    for (const auto& v : input.at("ids")) {
      const std::string given = v.get<std::string>();
      const std::string id = batch_id_from(given);
      if (!seen.insert(id).second) continue;
      auto row = store::batch_repo::get(tx, caller.scope, id);
      if (row) rows.push_back(std::move(*row)); else missing.push_back(given);
    }
  });
  for (const auto& r : rows) found.push_back(render(r));
  return {{"buildBatches", found}, {"buildBatchesNotFound", missing}};
}

namespace {
json list_page(store::Database& db, const Caller& caller, const json& input,
               const std::optional<std::string>& project) {
  const bool asc = str(input, "sortOrder", "DESCENDING") == "ASCENDING";
  const int limit = int_of(input, "maxResults", kPageSize);
  std::optional<std::string> status;
  if (input.contains("filter") && input["filter"].is_object() && input["filter"].contains("status"))
    status = str(input["filter"], "status");
  std::optional<std::int64_t> after;
  if (const auto tok = str(input, "nextToken"); !tok.empty()) {
    after = decode_page_token(tok);
    if (!after) throw errors::invalid_input("Invalid nextToken: " + core::echo(tok));
  }
  auto page = db.read([&](store::Tx& tx) {
    if (project && !store::project_repo::get(tx, caller.scope, *project)) {
      throw errors::resource_not_found("The provided project " +
                                       core::echo(project_arn(caller.scope, *project)) + " does not exist");
    }
    return store::batch_repo::list_ids(tx, caller.scope, project, status, asc, after, limit);
  });
  json out = {{"ids", page.ids}};
  if (page.next_key) out["nextToken"] = encode_page_token(*page.next_key);
  return out;
}
}  // namespace

json BatchService::list_build_batches(const Caller& caller, const json& input) {
  return list_page(db_, caller, input, std::nullopt);
}

json BatchService::list_build_batches_for_project(const Caller& caller, const json& input) {
  return list_page(db_, caller, input, input.at("projectName").get<std::string>());
}

json BatchService::stop_build_batch(const Caller& caller, const json& input) {
  const std::string given = input.at("id").get<std::string>();
  auto row = mutate(caller.scope, batch_id_from(given),
                    [this](store::Tx&, store::BatchRow&, json& st, Effects& fx) {
                      if (st["stage"] == kDone) return;  // unchanged, like StopBuild
                      for (auto& g : st["groups"]) {
                        if (g["status"] == kInProgress) fx.stop.push_back(g["build"].get<std::string>());
                        if (!is_final(g["status"].get<std::string>())) g["status"] = "STOPPED";
                      }
                      // stop-build-batch.rst (F-044): the running phase ends STOPPED and the
                      // batch is complete at once; its builds finalize on their own.
                      close_phase(st, "STOPPED", now());
                      finish(st, "STOPPED", "STOPPED");
                    });
  if (!row) throw errors::resource_not_found("Build batch not found: " + core::echo(given));
  return {{"buildBatch", render(*row)}};
}

json BatchService::retry_build_batch(const Caller& caller, const json& input) {
  const std::string given = str(input, "id");
  if (given.empty()) throw errors::invalid_input("Build batch id is required to retry a batch");
  const std::string retry_type = str(input, "retryType", "RETRY_ALL_BUILDS");
  std::optional<std::string> token;
  if (input.contains("idempotencyToken") && input["idempotencyToken"].is_string())
    token = input["idempotencyToken"].get<std::string>();
  const std::string hash = request_hash(input);
  bool replay = false;
  auto row = mutate(caller.scope, batch_id_from(given),
                    [&](store::Tx&, store::BatchRow& r, json& st, Effects&) {
    const core::TimeMs t = now();
    if (token && st.value("retryToken", "") == *token &&
        t - st.value("retryAt", core::TimeMs{0}) <= options_.idempotency_window_ms) {
      if (st.value("retryHash", "") != hash) {
        throw errors::invalid_input(
            "Idempotency token parameter mismatch: the token was already used with different "
            "parameters");
      }
      replay = true;
      return;
    }
    const std::string status = st["status"];
    if (st["stage"] != kDone || (status != "FAILED" && status != "FAULT" && status != "TIMED_OUT")) {
      throw errors::invalid_input("Only batch builds that have failed can be retried: batch " +
                                  r.id + " is " + status);
    }
    // retry-build-batch.rst (F-046): same id; the terminal FAILED phase ends with RETRY and a
    // new SUBMITTED starts.
    json& last = st["phases"].back();
    last["end"] = t;
    last["status"] = "RETRY";
    st["phases"].push_back({{"type", "SUBMITTED"}, {"start", t}, {"end", t}, {"status", "SUCCEEDED"}});
    open_phase(st, kDownload, t);
    st["stage"] = kDownload;
    st["stageEnd"] = t + st["durations"][kDownload].get<core::TimeMs>();
    const json body = json::parse(r.body);
    st["deadline"] = t + core::TimeMs{int_of(body["buildBatchConfig"], "timeoutInMins", 480)} * 60'000;
    st["status"] = "IN_PROGRESS";
    st["failed"] = false;
    st["retryType"] = retry_type;
    st.erase("end");
    if (token) {
      st["retryToken"] = *token;
      st["retryHash"] = hash;
      st["retryAt"] = t;
    }
  });
  if (!row) throw errors::resource_not_found("Build batch not found: " + core::echo(given));
  return {{"buildBatch", render(*row, replay ? View::kNormal : View::kRetry)}};
}

json BatchService::delete_build_batch(const Caller& caller, const json& input) {
  const std::string given = input.at("id").get<std::string>();
  const std::string id = batch_id_from(given);
  const core::TimeMs t = now();
  json deleted = json::array();
  json not_deleted = json::array();
  bool batch_deleted = false;
  std::lock_guard lock(mu_);
  db_.write([&](store::Tx& tx) {
    auto row = store::batch_repo::get(tx, caller.scope, id);
    // NOTE(emulator): DeleteBuildBatch models only InvalidInputException; unknown and running
    // batches are refused with it.
    if (!row) throw errors::invalid_input("Build batch not found: " + core::echo(given));
    if (!row->complete) {
      throw errors::invalid_input("Build batch " + core::echo(id) +
                                  " is in progress: stop it before deleting it");
    }
    const json st = json::parse(row->state);
    std::vector<std::string> build_ids;
    for (const auto& g : st["groups"]) {
      if (g.value("started", false)) build_ids.push_back(g["build"]);
      if (g.contains("prior"))
        for (const auto& p : g["prior"]) build_ids.push_back(p["build"]);
    }
    for (const auto& b : build_ids) {
      auto br = store::build_repo::get(tx, caller.scope, b);
      if (!br) continue;
      const std::string arn = build_arn(caller.scope, b);
      if (br->completes_ms > t) {
        // Stopped with the batch but still finalizing (reference 2.6, 2.9).
        not_deleted.push_back({{"id", arn}, {"statusCode", "BUILD_IN_PROGRESS"}});
        continue;
      }
      store::build_repo::erase(tx, caller.scope, b);
      deleted.push_back(arn);
    }
    if (not_deleted.empty()) batch_deleted = store::batch_repo::erase(tx, caller.scope, id);
  });
  // NOTE(emulator): while some builds are still finalizing the batch itself is kept (so a
  // later DeleteBuildBatch can finish the job) and statusCode says BATCH_NOT_DELETED.
  return {{"statusCode", batch_deleted ? "BATCH_DELETED" : "BATCH_NOT_DELETED"},
          {"buildsDeleted", deleted},
          {"buildsNotDeleted", not_deleted}};
}

}  // namespace scl::codebuild
