#include "engine/codebuild/service.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/codebuild/buildspec.hpp"
#include "engine/codebuild/errors.hpp"
#include "engine/codebuild/wire.hpp"
#include "engine/core/echo.hpp"
#include "engine/core/json_text.hpp"
#include "engine/core/log.hpp"

namespace scl::codebuild {
namespace {

constexpr int kPageSize = 100;

const json& member(const json& obj, const char* name) {
  static const json kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string str_member(const json& obj, const char* name, const std::string& def = "") {
  const auto& v = member(obj, name);
  return v.is_string() ? v.get<std::string>() : def;
}

int int_member(const json& obj, const char* name, int def) {
  const auto& v = member(obj, name);
  return v.is_number_integer() ? v.get<int>() : def;
}

// Reference 2.2: what AWS fills in on a new project.
json default_logs_config() {
  return {{"cloudWatchLogs", {{"status", "ENABLED"}}},
          {"s3Logs", {{"status", "DISABLED"}, {"encryptionDisabled", false}}}};
}

void apply_project_defaults(json& p, const core::Scope& scope) {
  if (!p.contains("timeoutInMinutes")) p["timeoutInMinutes"] = 60;
  if (!p.contains("queuedTimeoutInMinutes")) p["queuedTimeoutInMinutes"] = 480;
  if (!p.contains("encryptionKey"))
    p["encryptionKey"] = "arn:aws:kms:" + scope.region + ":" + scope.account + ":alias/aws/s3";
  if (!p.contains("cache")) p["cache"] = {{"type", "NO_CACHE"}};
  if (!p.contains("secondarySources")) p["secondarySources"] = json::array();
  if (!p.contains("secondaryArtifacts")) p["secondaryArtifacts"] = json::array();
  if (!p.contains("secondarySourceVersions")) p["secondarySourceVersions"] = json::array();
  if (!p.contains("tags")) p["tags"] = json::array();
  if (!p.contains("projectVisibility")) p["projectVisibility"] = "PRIVATE";
  auto& logs = p["logsConfig"];
  if (!logs.is_object()) logs = default_logs_config();
  if (!logs.contains("cloudWatchLogs")) logs["cloudWatchLogs"] = {{"status", "ENABLED"}};
  if (!logs.contains("s3Logs")) logs["s3Logs"] = {{"status", "DISABLED"}};
  if (!logs["s3Logs"].contains("encryptionDisabled")) logs["s3Logs"]["encryptionDisabled"] = false;
  auto& env = p["environment"];
  if (!env.contains("environmentVariables")) env["environmentVariables"] = json::array();
  if (!env.contains("privilegedMode")) env["privilegedMode"] = false;
  if (!env.contains("imagePullCredentialsType")) env["imagePullCredentialsType"] = "CODEBUILD";
  auto& src = p["source"];
  if (!src.contains("insecureSsl")) src["insecureSsl"] = false;
}

// CreateProject/UpdateProject members that are stored as given (the rest are computed).
constexpr const char* kProjectMembers[] = {
    "description",    "source",          "secondarySources",  "sourceVersion",
    "secondarySourceVersions", "artifacts", "secondaryArtifacts", "cache",
    "environment",    "serviceRole",     "timeoutInMinutes",  "queuedTimeoutInMinutes",
    "encryptionKey",  "tags",            "vpcConfig",         "logsConfig",
    "fileSystemLocations", "buildBatchConfig", "concurrentBuildLimit", "autoRetryLimit"};

void copy_members(const json& from, json& to) {
  for (const char* m : kProjectMembers) {
    auto it = from.find(m);
    if (it != from.end() && !it->is_null()) to[m] = *it;
  }
  if (auto it = from.find("badgeEnabled"); it != from.end() && it->is_boolean()) {
    to["badge"] = {{"badgeEnabled", it->get<bool>()}};
  }
}

// CreateProject/UpdateProject serviceRole: an IAM role ARN of the caller's account, or a role
// name, which is stored as that account's role ARN. AWS accepts names (CloudFormation templates
// pass `!Ref Role`, the role's name, and work); NOTE(emulator): that AWS expands a name to
// exactly arn:aws:iam::<account>:role/<name> is our reading, not documented. Anything else:
// "Invalid service role: Service role account ID does not match caller's account" (issue 13).
std::string checked_service_role(const std::string& role, const std::string& account) {
  auto invalid = [] {
    return errors::invalid_input(
        "Invalid service role: Service role account ID does not match caller's account");
  };
  if (role.rfind("arn:", 0) == 0) {
    // arn:<partition>:iam::<account>:role/<path/name>
    const std::size_t p1 = role.find(':', 4);
    if (p1 == std::string::npos || role.compare(4, 3, "aws") != 0) throw invalid();
    const std::string prefix = ":iam::" + account + ":role/";
    if (role.compare(p1, prefix.size(), prefix) != 0 || role.size() == p1 + prefix.size())
      throw invalid();
    return role;
  }
  // IAM role names: 1..64 of [A-Za-z0-9+=,.@_-] (IAM API reference, CreateRole RoleName).
  const bool name = !role.empty() && role.size() <= 64 &&
                    role.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789+=,.@_-") == std::string::npos;
  if (!name) throw invalid();
  return "arn:aws:iam::" + account + ":role/" + role;
}

void validate_project_semantics(const json& p) {
  const auto& src = member(p, "source");
  const std::string type = str_member(src, "type");
  if (type == "NO_SOURCE" && str_member(src, "buildspec").empty()) {
    throw errors::invalid_input("Invalid project source: buildspec must be specified for source type NO_SOURCE");
  }
  if (type != "NO_SOURCE" && type != "CODEPIPELINE" && str_member(src, "location").empty()) {
    throw errors::invalid_input("Invalid project source: location must be specified for source type " +
                                type);
  }
  const auto& art = member(p, "artifacts");
  if (str_member(art, "type") == "S3" && str_member(art, "location").empty()) {
    throw errors::invalid_input("Invalid project artifacts: location must be specified for artifacts type S3");
  }
  if (p.contains("concurrentBuildLimit") && p["concurrentBuildLimit"].is_number_integer() &&
      p["concurrentBuildLimit"].get<long long>() < 1) {
    throw errors::invalid_input("concurrentBuildLimit must be at least 1");
  }
}

// BuildArtifacts from ProjectArtifacts (reference 2.3: NO_ARTIFACTS shows location "").
json build_artifacts(const json& a, const std::string& build_id) {
  json out;
  const std::string type = str_member(a, "type");
  if (type == "S3") {
    std::string loc = "arn:aws:s3:::" + str_member(a, "location");
    auto add = [&](const std::string& part) {
      if (!part.empty()) loc += "/" + part;
    };
    add(str_member(a, "path"));
    if (str_member(a, "namespaceType") == "BUILD_ID") add(build_id.substr(build_id.find(':') + 1));
    add(str_member(a, "name"));
    out["location"] = loc;
    if (a.contains("encryptionDisabled")) out["encryptionDisabled"] = a["encryptionDisabled"];
    if (a.contains("overrideArtifactName"))
      out["overrideArtifactName"] = a["overrideArtifactName"];
    if (a.contains("bucketOwnerAccess")) out["bucketOwnerAccess"] = a["bucketOwnerAccess"];
  } else {
    out["location"] = "";
  }
  if (a.contains("artifactIdentifier")) out["artifactIdentifier"] = a["artifactIdentifier"];
  return out;
}

json merge_env_vars(const json& base, const json& overrides) {
  json out = base.is_array() ? base : json::array();
  if (!overrides.is_array()) return out;
  // Position of each name in `out` (the first, as a linear search would find it): tens of
  // thousands of overrides must not cost a quadratic search.
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < out.size(); ++i) index.emplace(str_member(out[i], "name"), i);
  for (const auto& ov : overrides) {
    json v = ov;
    if (!v.contains("type")) v["type"] = "PLAINTEXT";
    auto [it, fresh] = index.emplace(str_member(ov, "name"), out.size());
    if (fresh) out.push_back(std::move(v)); else out[it->second] = std::move(v);
  }
  for (auto& v : out)
    if (!v.contains("type")) v["type"] = "PLAINTEXT";
  return out;
}

EnvMap plaintext_env(const json& vars) {
  EnvMap out;
  if (!vars.is_array()) return out;
  for (const auto& v : vars) {
    if (str_member(v, "type", "PLAINTEXT") != "PLAINTEXT") continue;
    out[str_member(v, "name")] = str_member(v, "value");
  }
  return out;
}

std::string request_hash(const json& input) {
  json copy = input;
  copy.erase("idempotencyToken");
  return std::to_string(std::hash<std::string>{}(copy.dump()));
}

json logs_view(const json& body, const core::Scope& scope, bool started) {
  const json cfg = body.contains("logsConfig") ? body["logsConfig"] : default_logs_config();
  json logs;
  logs["cloudWatchLogs"] = cfg.value("cloudWatchLogs", json{{"status", "ENABLED"}});
  logs["s3Logs"] = cfg.value("s3Logs", json{{"status", "DISABLED"}, {"encryptionDisabled", false}});
  const std::string base = "https://console.aws.amazon.com/cloudwatch/home?region=" + scope.region;
  const bool cw_enabled = str_member(logs["cloudWatchLogs"], "status", "ENABLED") == "ENABLED";
  if (started && cw_enabled) {
    const std::string id = str_member(body, "id");
    const std::string uuid = id.substr(id.find(':') + 1);
    std::string group = str_member(logs["cloudWatchLogs"], "groupName");
    if (group.empty()) group = "/aws/codebuild/" + str_member(body, "projectName");
    std::string stream = str_member(logs["cloudWatchLogs"], "streamName");
    stream = stream.empty() ? uuid : stream + "/" + uuid;
    logs["groupName"] = group;
    logs["streamName"] = stream;
    logs["deepLink"] = base + "#logEvent:group=" + group + ";stream=" + stream;
    logs["cloudWatchLogsArn"] = "arn:aws:logs:" + scope.region + ":" + scope.account +
                                ":log-group:" + group + ":log-stream:" + stream;
  } else {
    logs["deepLink"] = base + "#logEvent:group=null;stream=null";
    logs["cloudWatchLogsArn"] =
        "arn:aws:logs:" + scope.region + ":" + scope.account + ":log-group:null:log-stream:null";
  }
  if (str_member(logs["s3Logs"], "status") == "ENABLED" && logs["s3Logs"].contains("location")) {
    logs["s3DeepLink"] = "https://s3.console.aws.amazon.com/s3/object/" +
                         str_member(logs["s3Logs"], "location");
    logs["s3LogsArn"] = "arn:aws:s3:::" + str_member(logs["s3Logs"], "location");
  }
  return logs;
}

json phase_json(const PhaseRecord& p) {
  json j = {{"phaseType", to_wire(p.type)}, {"startTime", timestamp(p.start_ms)}};
  if (p.status) j["phaseStatus"] = to_wire(*p.status);
  if (p.end_ms) {
    j["endTime"] = timestamp(*p.end_ms);
    j["durationInSeconds"] = duration_seconds(p.start_ms, *p.end_ms);
  }
  if (p.has_contexts) {
    json ctx = json::array();
    for (const auto& c : p.contexts) ctx.push_back({{"statusCode", c.status_code}, {"message", c.message}});
    j["contexts"] = std::move(ctx);
  }
  return j;
}

}  // namespace

json source_with_overrides(const json& project, const json& input, SourceOverrides kind) {
  json source = project.value("source", json::object());
  auto ov = [&](const char* name) -> const json& { return member(input, name); };
  if (ov("sourceTypeOverride").is_string()) source["type"] = ov("sourceTypeOverride");
  if (ov("sourceLocationOverride").is_string()) source["location"] = ov("sourceLocationOverride");
  if (ov("buildspecOverride").is_string()) source["buildspec"] = ov("buildspecOverride");
  if (ov("insecureSslOverride").is_boolean()) source["insecureSsl"] = ov("insecureSslOverride");
  const char* report = kind == SourceOverrides::kBuild ? "reportBuildStatusOverride"
                                                       : "reportBuildBatchStatusOverride";
  if (ov(report).is_boolean()) source["reportBuildStatus"] = ov(report);
  if (ov("gitCloneDepthOverride").is_number()) source["gitCloneDepth"] = ov("gitCloneDepthOverride");
  if (ov("gitSubmodulesConfigOverride").is_object())
    source["gitSubmodulesConfig"] = ov("gitSubmodulesConfigOverride");
  if (ov("sourceAuthOverride").is_object()) source["auth"] = ov("sourceAuthOverride");
  if (kind == SourceOverrides::kBuild && ov("buildStatusConfigOverride").is_object())
    source["buildStatusConfig"] = ov("buildStatusConfigOverride");
  return source;
}

CodeBuildService::CodeBuildService(store::Database& db, core::Scheduler& scheduler,
                                   core::IdSource& ids, ServiceOptions options)
    : db_(db), scheduler_(scheduler), ids_(ids), options_(std::move(options)) {}

CodeBuildService::~CodeBuildService() {
  std::lock_guard lock(mu_);
  for (auto& [key, f] : in_flight_) scheduler_.cancel(f.timer);
  in_flight_.clear();
}

std::string CodeBuildService::key_of(const core::Scope& scope, const std::string& id) {
  return scope.account + '/' + scope.region + '/' + id;
}

void CodeBuildService::check_build_id(const std::string& id_or_arn) {
  // A build id is <project>:<uuid> and an ARN has colons too: an id without one cannot name a
  // build, and AWS says so instead of "not found" (issue 13, item 2).
  if (id_or_arn.find(':') == std::string::npos)
    throw errors::invalid_input("Invalid build ID provided");
}

std::string CodeBuildService::build_id_from(const std::string& id_or_arn) {
  if (id_or_arn.rfind("arn:", 0) == 0) {
    auto pos = id_or_arn.find(":build/");
    if (pos != std::string::npos) return id_or_arn.substr(pos + 7);
  }
  return id_or_arn;
}

std::size_t CodeBuildService::recover() {
  auto rows = db_.read([&](store::Tx& tx) { return store::build_repo::in_flight(tx, now()); });
  for (const auto& r : rows) arm(r.scope, r.id, r.completes_ms);
  return rows.size();
}

void CodeBuildService::arm(const core::Scope& scope, const std::string& id,
                           core::TimeMs completes_ms) {
  const std::string key = key_of(scope, id);
  std::lock_guard lock(mu_);
  auto& f = in_flight_[key];
  if (f.timer != 0) scheduler_.cancel(f.timer);
  f.scope = scope;
  f.id = id;
  f.timer = scheduler_.schedule_at(completes_ms, [this, key] { on_timer(key); });
}

void CodeBuildService::on_timer(const std::string& key) {
  InFlight f;
  {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(key);
    if (it == in_flight_.end()) return;
    f = std::move(it->second);
    in_flight_.erase(it);
  }
  if (f.waiters.empty()) return;
  std::optional<json> build;
  try {
    build = get_build(f.scope, f.id);
  } catch (const std::exception& e) {
    core::log_error(std::string("build completion: cannot read build ") + f.id + ": " + e.what());
  }
  if (!build) return;
  for (auto& cb : f.waiters) cb(*build);
}

bool CodeBuildService::on_build_complete(const core::Scope& scope, const std::string& id_or_arn,
                                         CompletionCallback cb) {
  const std::string id = build_id_from(id_or_arn);
  {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(key_of(scope, id));
    if (it != in_flight_.end()) {
      it->second.waiters.push_back(std::move(cb));
      return true;
    }
  }
  auto build = get_build(scope, id);
  if (!build) return false;
  if (build->value("buildComplete", false)) {
    cb(*build);
    return true;
  }
  // In flight but not armed (cannot normally happen): arm from the stored completion time.
  auto row = db_.read([&](store::Tx& tx) { return store::build_repo::get(tx, scope, id); });
  if (!row) return false;
  arm(scope, id, row->completes_ms);
  std::lock_guard lock(mu_);
  in_flight_[key_of(scope, id)].waiters.push_back(std::move(cb));
  return true;
}

std::size_t CodeBuildService::builds_in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}

void CodeBuildService::reset() {
  {
    std::lock_guard lock(mu_);
    for (auto& [key, f] : in_flight_) scheduler_.cancel(f.timer);
    in_flight_.clear();
  }
  db_.write([](store::Tx& tx) {
    store::build_repo::erase_all(tx);
    store::project_repo::erase_all(tx);
  });
}

json CodeBuildService::render_build(const store::BuildRow& row, core::TimeMs at,
                                    bool initial) const {
  return render_body(json::parse(row.body), row, at, initial);
}

json CodeBuildService::render_body(json b, const store::BuildRow& row, core::TimeMs at,
                                   bool initial) const {
  const BuildPlan plan = plan_from_json(row.plan);
  const BuildView v = initial ? initial_view(plan) : evaluate(plan, row.stop_ms, at);
  json phases = json::array();
  for (const auto& p : v.phases) phases.push_back(phase_json(p));
  b["phases"] = std::move(phases);
  b["currentPhase"] = to_wire(v.current);
  b["buildStatus"] = to_wire(v.status);
  b["buildComplete"] = v.complete;
  if (v.end_ms) b["endTime"] = timestamp(*v.end_ms);
  b["logs"] = logs_view(b, row.scope, v.container_started);
  if (v.container_started && b.contains("sourceVersion")) {
    // Only a concrete commit id can be echoed as resolved; nothing is invented (README).
    const std::string sv = b["sourceVersion"].get<std::string>();
    if (sv.size() == 40 && std::all_of(sv.begin(), sv.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
      b["resolvedSourceVersion"] = sv;
  }
  b.erase("logsConfig");
  b.erase("_artifacts");
  b.erase("_secondaryArtifacts");
  return b;
}

std::optional<json> CodeBuildService::get_build(const core::Scope& scope,
                                                const std::string& id_or_arn) {
  const std::string id = build_id_from(id_or_arn);
  auto row = db_.read([&](store::Tx& tx) { return store::build_repo::get(tx, scope, id); });
  if (!row) return std::nullopt;
  return render_build(*row, now());
}

// ---------------------------------------------------------------- projects

json CodeBuildService::create_project(const Caller& caller, const json& input) {
  const std::string name = input.at("name").get<std::string>();
  const core::TimeMs t = now();
  json p;
  p["name"] = name;
  p["arn"] = project_arn(caller.scope, name);
  copy_members(input, p);
  p["serviceRole"] = checked_service_role(str_member(input, "serviceRole"), caller.scope.account);
  if (!p.contains("badge")) p["badge"] = {{"badgeEnabled", false}};
  apply_project_defaults(p, caller.scope);
  validate_project_semantics(p);
  p["created"] = timestamp(t);
  p["lastModified"] = timestamp(t);
  store::ProjectRow row{name, p.dump(), t, t, 0};
  const bool inserted =
      db_.write([&](store::Tx& tx) { return store::project_repo::insert(tx, caller.scope, row); });
  if (!inserted) {
    throw errors::resource_already_exists("Project already exists: " +
                                          core::echo(project_arn(caller.scope, name)));
  }
  return {{"project", p}};
}

json CodeBuildService::update_project(const Caller& caller, const json& input) {
  const std::string name = input.at("name").get<std::string>();
  return db_.write([&](store::Tx& tx) {
    auto row = store::project_repo::get(tx, caller.scope, name);
    if (!row) {
      throw errors::resource_not_found("Project cannot be found: " +
                                       core::echo(project_arn(caller.scope, name)));
    }
    json p = json::parse(row->body);
    copy_members(input, p);
    if (input.contains("serviceRole")) {
      p["serviceRole"] =
          checked_service_role(str_member(input, "serviceRole"), caller.scope.account);
    }
    apply_project_defaults(p, caller.scope);
    validate_project_semantics(p);
    const core::TimeMs t = std::max(now(), row->modified_ms);
    p["lastModified"] = timestamp(t);
    store::project_repo::update(tx, caller.scope, name, p.dump(), t);
    return json{{"project", p}};
  });
}

json CodeBuildService::delete_project(const Caller& caller, const json& input) {
  std::string name = input.at("name").get<std::string>();
  if (name.rfind("arn:", 0) == 0) name = name.substr(name.find(":project/") + 9);
  // The model has no not-found error for DeleteProject; an unknown name is a no-op (2.2).
  db_.write([&](store::Tx& tx) { store::project_repo::erase(tx, caller.scope, name); });
  return json::object();
}

json CodeBuildService::batch_get_projects(const Caller& caller, const json& input) {
  json found = json::array();
  json missing = json::array();
  std::unordered_set<std::string> seen;
  db_.read([&](store::Tx& tx) {
    for (const auto& n : input.at("names")) {
      const std::string given = n.get<std::string>();
      if (!seen.insert(given).second) continue;
      std::string name = given;
      if (name.rfind("arn:", 0) == 0) {
        auto pos = name.find(":project/");
        name = pos == std::string::npos ? "" : name.substr(pos + 9);
      }
      auto row = store::project_repo::get(tx, caller.scope, name);
      if (row) found.push_back(json::parse(row->body)); else missing.push_back(given);
    }
  });
  return {{"projects", found}, {"projectsNotFound", missing}};
}

json CodeBuildService::list_projects(const Caller& caller, const json& input) {
  auto rows = db_.read([&](store::Tx& tx) { return store::project_repo::list(tx, caller.scope); });
  const std::string sort_by = str_member(input, "sortBy", "NAME");
  const bool desc = str_member(input, "sortOrder", "ASCENDING") == "DESCENDING";
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    if (sort_by == "CREATED_TIME" && a.created_ms != b.created_ms) return a.created_ms < b.created_ms;
    if (sort_by == "LAST_MODIFIED_TIME" && a.modified_ms != b.modified_ms)
      return a.modified_ms < b.modified_ms;
    return a.name < b.name;
  });
  if (desc) std::reverse(rows.begin(), rows.end());
  std::int64_t offset = 0;
  if (const auto tok = str_member(input, "nextToken"); !tok.empty()) {
    auto c = decode_page_token(tok);
    if (!c || *c < 0) throw errors::invalid_input("Invalid nextToken: " + core::echo(tok));
    offset = *c;
  }
  json names = json::array();
  std::size_t i = static_cast<std::size_t>(offset);
  for (; i < rows.size() && names.size() < kPageSize; ++i) names.push_back(rows[i].name);
  json out = {{"projects", names}};
  if (i < rows.size()) out["nextToken"] = encode_page_token(static_cast<std::int64_t>(i));
  return out;
}

// ---------------------------------------------------------------- builds

json CodeBuildService::start_build_locked(store::Tx& tx, const Caller& caller, const json& project,
                                          const store::ProjectRow& prow, const json& input,
                                          core::TimeMs t, std::optional<std::string> token,
                                          std::optional<std::string> hash,
                                          store::BuildRow& out_row, const BatchChild* child) {
  const std::string& pname = prow.name;
  // NOTE(emulator): builds of a batch are limited by the batch's restrictions only, not by
  // the project's concurrentBuildLimit.
  if (int limit = int_member(project, "concurrentBuildLimit", 0); limit > 0 && child == nullptr) {
    if (store::build_repo::count_active(tx, caller.scope, pname, t) >= limit) {
      throw errors::account_limit_exceeded("Build limit exceeded for project " + core::echo(pname) +
                                           ": concurrentBuildLimit is " + std::to_string(limit));
    }
  }
  const std::string id = child != nullptr ? child->id : pname + ":" + ids_.uuid();
  const std::int64_t number = store::project_repo::next_build_number(tx, caller.scope, pname);

  json b;
  b["id"] = id;
  b["arn"] = build_arn(caller.scope, id);
  b["buildNumber"] = number;
  b["startTime"] = timestamp(t);
  b["projectName"] = pname;
  b["initiator"] = caller.initiator;
  if (child != nullptr) b["buildBatchArn"] = child->batch_arn;

  auto ov = [&](const char* name) -> const json& { return member(input, name); };
  const json source = source_with_overrides(project, input, SourceOverrides::kBuild);
  b["source"] = source;
  b["secondarySources"] = ov("secondarySourcesOverride").is_array()
                              ? ov("secondarySourcesOverride")
                              : project.value("secondarySources", json::array());
  b["secondarySourceVersions"] = ov("secondarySourcesVersionOverride").is_array()
                                     ? ov("secondarySourcesVersionOverride")
                                     : project.value("secondarySourceVersions", json::array());
  if (ov("sourceVersion").is_string()) b["sourceVersion"] = ov("sourceVersion");
  else if (project.contains("sourceVersion")) b["sourceVersion"] = project["sourceVersion"];

  const json artifacts = ov("artifactsOverride").is_object() ? ov("artifactsOverride")
                                                              : project.value("artifacts", json::object());
  b["artifacts"] = build_artifacts(artifacts, id);
  json secondary = json::array();
  const json sec_src = ov("secondaryArtifactsOverride").is_array()
                           ? ov("secondaryArtifactsOverride")
                           : project.value("secondaryArtifacts", json::array());
  for (const auto& a : sec_src) secondary.push_back(build_artifacts(a, id));
  b["secondaryArtifacts"] = secondary;
  // Hidden (never rendered): the artifact definitions used, so RetryBuild can repeat them.
  b["_artifacts"] = artifacts;
  b["_secondaryArtifacts"] = sec_src;
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
  if (ov("fleetOverride").is_object()) env["fleet"] = ov("fleetOverride");
  env["environmentVariables"] =
      merge_env_vars(env.value("environmentVariables", json::array()),
                     ov("environmentVariablesOverride"));
  b["environment"] = env;
  b["serviceRole"] = ov("serviceRoleOverride").is_string() ? ov("serviceRoleOverride")
                                                           : project.value("serviceRole", json(""));
  const int timeout = ov("timeoutInMinutesOverride").is_number_integer()
                          ? ov("timeoutInMinutesOverride").get<int>()
                          : int_member(project, "timeoutInMinutes", 60);
  const int queued = ov("queuedTimeoutInMinutesOverride").is_number_integer()
                         ? ov("queuedTimeoutInMinutesOverride").get<int>()
                         : int_member(project, "queuedTimeoutInMinutes", 480);
  b["timeoutInMinutes"] = timeout;
  b["queuedTimeoutInMinutes"] = queued;
  b["encryptionKey"] = ov("encryptionKeyOverride").is_string()
                           ? ov("encryptionKeyOverride")
                           : project.value("encryptionKey", json(""));
  if (project.contains("vpcConfig")) b["vpcConfig"] = project["vpcConfig"];
  if (project.contains("fileSystemLocations")) b["fileSystemLocations"] = project["fileSystemLocations"];
  if (ov("debugSessionEnabled").is_boolean() && ov("debugSessionEnabled").get<bool>())
    b["debugSession"] = {{"sessionEnabled", true}};
  const int retry_limit = ov("autoRetryLimitOverride").is_number_integer()
                              ? ov("autoRetryLimitOverride").get<int>()
                              : int_member(project, "autoRetryLimit", 0);
  if (retry_limit > 0) b["autoRetryConfig"] = {{"autoRetryLimit", retry_limit}, {"autoRetryNumber", 0}};
  // Kept for rendering `logs`; removed from the rendered Build.
  b["logsConfig"] = ov("logsConfigOverride").is_object()
                        ? ov("logsConfigOverride")
                        : project.value("logsConfig", default_logs_config());

  // The buildspec, when it is inline YAML (a file name names a file in the source, which the
  // emulator cannot read: such builds run as if they had none).
  std::optional<Buildspec> spec;
  std::optional<std::string> yaml_error;
  if (const std::string text = str_member(source, "buildspec"); is_inline_buildspec(text)) {
    try {
      spec = parse_buildspec(text);
    } catch (const BuildspecError& e) {
      yaml_error = e.what();
    }
  }

  // Outcome: rules file < buildspec env.variables < project environment < StartBuild overrides
  // (README "Controlling builds").
  EnvMap sim = options_.rules.env_for(pname);
  if (spec) {
    for (const auto& [k, v] : spec->variables) sim[k] = v;
  }
  for (const auto& [k, v] : plaintext_env(env["environmentVariables"])) sim[k] = v;
  BuildPlan plan = make_plan(t, options_.defaults, sim, timeout, queued);
  if (yaml_error) {
    // A malformed buildspec fails the build in DOWNLOAD_SOURCE, as CodeBuild does; the
    // StartBuild request itself succeeds.
    plan.outcome = Status::kFailed;
    plan.failed_phase = Phase::kDownloadSource;
    plan.failure_context = PhaseContext{"YAML_FILE_ERROR", *yaml_error};
  } else if (spec && !sim.count("SIMULATE_FAILED_COMMAND")) {
    // Name the phase's first command instead of `exit 1` (SIMULATE_FAILED_COMMAND still wins).
    const auto& cmds = spec->commands[static_cast<std::size_t>(plan.failed_phase)];
    if (!cmds.empty()) plan.failed_command = cmds.front();
  }
  if (spec && observer_ != nullptr && !spec->reports.empty()) {
    auto arns = observer_->on_build_created(tx, caller.scope, b, *spec, sim, t);
    if (!arns.empty()) b["reportArns"] = arns;
  }

  out_row.scope = caller.scope;
  out_row.id = id;
  out_row.project = pname;
  out_row.build_number = number;
  out_row.start_ms = t;
  out_row.completes_ms = completion_time(plan, std::nullopt);
  out_row.plan = plan_to_json(plan);
  out_row.body = core::json_text(b);
  out_row.idempotency_token = std::move(token);
  out_row.request_hash = std::move(hash);
  out_row.seq = store::build_repo::insert(tx, out_row);
  return b;
}

json CodeBuildService::start_build(const Caller& caller, const json& input) {
  const std::string pname = input.at("projectName").get<std::string>();
  std::optional<std::string> token;
  std::optional<std::string> hash;
  if (input.contains("idempotencyToken") && input["idempotencyToken"].is_string()) {
    token = input["idempotencyToken"].get<std::string>();
    hash = request_hash(input);
  }
  store::BuildRow row;
  json body;  // the new build's stored document, rendered without a parse of its text
  bool replay = false;
  const core::TimeMs t = now();
  db_.write([&](store::Tx& tx) {
    auto prow = store::project_repo::get(tx, caller.scope, pname);
    if (!prow) {
      throw errors::resource_not_found("Project cannot be found: " +
                                       core::echo(project_arn(caller.scope, pname)));
    }
    if (token) {
      auto prev = store::build_repo::find_by_token(tx, caller.scope, pname, *token,
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
    body = start_build_locked(tx, caller, json::parse(prow->body), *prow, input, t, token, hash,
                              row);
  });
  if (replay) return {{"build", render_build(row, now())}};
  track(row);
  return {{"build", render_body(std::move(body), row, t, /*initial=*/true)}};
}

json CodeBuildService::retry_build(const Caller& caller, const json& input) {
  const std::string given = str_member(input, "id");
  if (given.empty()) throw errors::invalid_input("Build id is required to retry a build");
  check_build_id(given);
  const std::string id = build_id_from(given);
  store::BuildRow row;
  bool replay_of_token = false;
  const core::TimeMs t = now();
  db_.write([&](store::Tx& tx) {
    auto orig = store::build_repo::get(tx, caller.scope, id);
    if (!orig) throw errors::resource_not_found("Build not found: " + core::echo(given));
    auto prow = store::project_repo::get(tx, caller.scope, orig->project);
    if (!prow) {
      throw errors::resource_not_found("Project cannot be found: " +
                                       core::echo(project_arn(caller.scope, orig->project)));
    }
    // The new build repeats the original's effective settings: expressed as overrides of the
    // current project, so the result equals the original request's build.
    const json ob = json::parse(orig->body);
    json replay = {{"projectName", orig->project}};
    replay["sourceTypeOverride"] = ob["source"].value("type", "NO_SOURCE");
    if (ob["source"].contains("location")) replay["sourceLocationOverride"] = ob["source"]["location"];
    if (ob["source"].contains("buildspec")) replay["buildspecOverride"] = ob["source"]["buildspec"];
    replay["environmentVariablesOverride"] = ob["environment"].value("environmentVariables", json::array());
    replay["imageOverride"] = ob["environment"].value("image", "");
    replay["computeTypeOverride"] = ob["environment"].value("computeType", "");
    replay["environmentTypeOverride"] = ob["environment"].value("type", "");
    replay["privilegedModeOverride"] = ob["environment"].value("privilegedMode", false);
    replay["serviceRoleOverride"] = ob.value("serviceRole", "");
    replay["timeoutInMinutesOverride"] = ob.value("timeoutInMinutes", 60);
    replay["queuedTimeoutInMinutesOverride"] = ob.value("queuedTimeoutInMinutes", 480);
    replay["encryptionKeyOverride"] = ob.value("encryptionKey", "");
    replay["cacheOverride"] = ob["cache"];
    replay["secondarySourcesOverride"] = ob["secondarySources"];
    replay["secondarySourcesVersionOverride"] = ob["secondarySourceVersions"];
    if (ob.contains("sourceVersion")) replay["sourceVersion"] = ob["sourceVersion"];
    if (ob.contains("logsConfig")) replay["logsConfigOverride"] = ob["logsConfig"];
    if (ob.contains("_artifacts")) replay["artifactsOverride"] = ob["_artifacts"];
    if (ob.contains("_secondaryArtifacts"))
      replay["secondaryArtifactsOverride"] = ob["_secondaryArtifacts"];
    for (const char* m : {"certificate", "imagePullCredentialsType", "registryCredential", "fleet"}) {
      if (!ob["environment"].contains(m)) continue;
      replay[std::string(m) + "Override"] = ob["environment"][m];
    }
    const json project = json::parse(prow->body);
    std::optional<std::string> token;
    std::optional<std::string> hash;
    if (input.contains("idempotencyToken") && input["idempotencyToken"].is_string()) {
      token = input["idempotencyToken"].get<std::string>();
      hash = request_hash(input);
      auto prev = store::build_repo::find_by_token(tx, caller.scope, orig->project, *token,
                                                   t - options_.idempotency_window_ms);
      if (prev) {
        if (prev->request_hash != hash)
          throw errors::invalid_input("Idempotency token parameter mismatch: the token was already used with different parameters");
        row = *prev;
        replay_of_token = true;
        return;
      }
    }
    start_build_locked(tx, caller, project, *prow, replay, t, token, hash, row);
  });
  if (replay_of_token) return {{"build", render_build(row, now())}};
  track(row);
  return {{"build", render_build(row, t, /*initial=*/true)}};
}

store::BuildRow CodeBuildService::start_batch_build(store::Tx& tx, const Caller& caller,
                                                   const json& input, const BatchChild& child) {
  const std::string pname = input.at("projectName").get<std::string>();
  auto prow = store::project_repo::get(tx, caller.scope, pname);
  if (!prow) {
    throw errors::resource_not_found("Project cannot be found: " +
                                     core::echo(project_arn(caller.scope, pname)));
  }
  store::BuildRow row;
  start_build_locked(tx, caller, json::parse(prow->body), *prow, input, now(), std::nullopt,
                     std::nullopt, row, &child);
  return row;
}

void CodeBuildService::track(const store::BuildRow& row) {
  arm(row.scope, row.id, row.completes_ms);
  if (observer_ != nullptr && row.body.find("\"reportArns\"") != std::string::npos)
    observer_->on_build_started(row.scope, row.id);
}

json CodeBuildService::batch_get_builds(const Caller& caller, const json& input) {
  json found = json::array();
  json missing = json::array();
  std::unordered_set<std::string> seen;
  std::vector<store::BuildRow> rows;
  for (const auto& v : input.at("ids")) check_build_id(v.get<std::string>());
  db_.read([&](store::Tx& tx) {
    for (const auto& v : input.at("ids")) {
      const std::string given = v.get<std::string>();
      const std::string id = build_id_from(given);
      if (!seen.insert(id).second) continue;
      auto row = store::build_repo::get(tx, caller.scope, id);
      if (row) rows.push_back(std::move(*row)); else missing.push_back(given);
    }
  });
  const core::TimeMs t = now();
  for (const auto& r : rows) found.push_back(render_build(r, t));
  return {{"builds", found}, {"buildsNotFound", missing}};
}

json CodeBuildService::list_builds(const Caller& caller, const json& input) {
  const bool asc = str_member(input, "sortOrder", "DESCENDING") == "ASCENDING";
  std::optional<std::int64_t> after;
  if (const auto tok = str_member(input, "nextToken"); !tok.empty()) {
    after = decode_page_token(tok);
    if (!after) throw errors::invalid_input("Invalid nextToken: " + core::echo(tok));
  }
  auto page = db_.read([&](store::Tx& tx) {
    return store::build_repo::list_ids(tx, caller.scope, asc, after, kPageSize);
  });
  json out = {{"ids", page.ids}};
  if (page.next_key) out["nextToken"] = encode_page_token(*page.next_key);
  return out;
}

json CodeBuildService::list_builds_for_project(const Caller& caller, const json& input) {
  const std::string pname = input.at("projectName").get<std::string>();
  const bool has_order = input.contains("sortOrder") && input["sortOrder"].is_string();
  const bool asc = has_order && input["sortOrder"] == "ASCENDING";
  std::optional<std::int64_t> after;
  if (const auto tok = str_member(input, "nextToken"); !tok.empty()) {
    after = decode_page_token(tok);
    if (!after) throw errors::invalid_input("Invalid nextToken: " + core::echo(tok));
  }
  auto page = db_.read([&](store::Tx& tx) {
    if (!store::project_repo::get(tx, caller.scope, pname)) {
      throw errors::resource_not_found("The provided project " + core::echo(project_arn(caller.scope, pname)) +
                                       " does not exist");
    }
    // Model doc of ListBuildsForProjectInput.sortOrder: "If the project has more than 100
    // builds, setting the sort order will result in an error." (message: NOTE(emulator)).
    if (has_order && store::build_repo::count_for_project(tx, caller.scope, pname) > kPageSize) {
      throw errors::invalid_input(
          "sortOrder cannot be set for project " + core::echo(pname) + ": it has more than 100 builds");
    }
    return store::build_repo::list_for_project(tx, caller.scope, pname, asc, after, kPageSize);
  });
  json out = {{"ids", page.ids}};
  if (page.next_key) out["nextToken"] = encode_page_token(*page.next_key);
  return out;
}

json CodeBuildService::stop_build(const Caller& caller, const json& input) {
  const std::string given = input.at("id").get<std::string>();
  check_build_id(given);
  const std::string id = build_id_from(given);
  store::BuildRow row;
  bool stopped_now = false;
  const core::TimeMs t = now();
  db_.write([&](store::Tx& tx) {
    auto r = store::build_repo::get(tx, caller.scope, id);
    if (!r) throw errors::resource_not_found("Build not found: " + core::echo(given));
    row = std::move(*r);
    // A complete build is returned unchanged; a second stop changes nothing (reference 2.6).
    if (row.completes_ms <= t || row.stop_ms) return;
    const BuildPlan plan = plan_from_json(row.plan);
    row.stop_ms = t;
    row.completes_ms = completion_time(plan, t);
    store::build_repo::set_stop(tx, caller.scope, id, t, row.completes_ms);
    stopped_now = true;
  });
  if (stopped_now) arm(caller.scope, id, row.completes_ms);
  return {{"build", render_build(row, t)}};
}

json CodeBuildService::batch_delete_builds(const Caller& caller, const json& input) {
  json deleted = json::array();
  json not_deleted = json::array();
  const core::TimeMs t = now();
  std::unordered_set<std::string> seen;
  for (const auto& v : input.at("ids")) check_build_id(v.get<std::string>());
  db_.write([&](store::Tx& tx) {
    for (const auto& v : input.at("ids")) {
      const std::string given = v.get<std::string>();
      const std::string id = build_id_from(given);
      if (!seen.insert(id).second) continue;
      auto row = store::build_repo::get(tx, caller.scope, id);
      if (!row) {
        not_deleted.push_back({{"id", given}, {"statusCode", options_.not_found_status_code}});
        continue;
      }
      const std::string arn = build_arn(caller.scope, id);
      if (row->completes_ms > t) {
        // Running, or stopped but still finalizing (reference 2.6, 2.9).
        not_deleted.push_back({{"id", arn}, {"statusCode", "BUILD_IN_PROGRESS"}});
        continue;
      }
      store::build_repo::erase(tx, caller.scope, id);
      deleted.push_back(arn);
    }
  });
  return {{"buildsDeleted", deleted}, {"buildsNotDeleted", not_deleted}};
}

}  // namespace scl::codebuild
