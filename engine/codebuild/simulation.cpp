#include "engine/codebuild/simulation.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/codebuild/errors.hpp"
#include "engine/core/echo.hpp"

namespace scl::codebuild {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_timed(Phase p) {
  for (auto t : kTimedPhases)
    if (t == p) return true;
  return false;
}

EnvMap env_object(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw std::runtime_error(where + " must be an object of strings");
  EnvMap out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
    else if (v.is_number()) out[k] = v.dump();
    else throw std::runtime_error(where + "." + k + " must be a string");
  }
  return out;
}

}  // namespace

SimulationDefaults::SimulationDefaults() {
  duration_ms[static_cast<std::size_t>(Phase::kQueued)] = 1'000;
  duration_ms[static_cast<std::size_t>(Phase::kProvisioning)] = 1'000;
  duration_ms[static_cast<std::size_t>(Phase::kDownloadSource)] = 1'000;
  duration_ms[static_cast<std::size_t>(Phase::kBuild)] = 2'000;
  duration_ms[static_cast<std::size_t>(Phase::kFinalizing)] = 1'000;
}

TimeMs parse_seconds(std::string_view text, std::string_view what) {
  std::string s(trim(text));
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || v < 0 ||
      v > 1e9) {
    throw std::invalid_argument(core::echo(what) + ": '" + core::echo(s) +
                                "' is not a non-negative number of seconds");
  }
  return static_cast<TimeMs>(std::llround(v * 1000.0));
}

void parse_phase_seconds(std::string_view spec, std::array<TimeMs, kPhaseCount>& durations) {
  while (!spec.empty()) {
    auto comma = spec.find(',');
    std::string_view item = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw std::invalid_argument("phase seconds entry '" + core::echo(item) +
                                  "' must look like PHASE=SECONDS");
    }
    auto name = trim(item.substr(0, eq));
    auto phase = phase_from_wire(name);
    if (!phase || !is_timed(*phase)) {
      throw std::invalid_argument("unknown phase '" + core::echo(name) +
                                  "' (expected one of QUEUED, PROVISIONING, DOWNLOAD_SOURCE, "
                                  "INSTALL, PRE_BUILD, BUILD, POST_BUILD, UPLOAD_ARTIFACTS, "
                                  "FINALIZING)");
    }
    durations[static_cast<std::size_t>(*phase)] = parse_seconds(item.substr(eq + 1), name);
  }
}

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

SimulationRules SimulationRules::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read rules file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse(ss.str());
  } catch (const std::exception& e) {
    throw std::runtime_error("rules file " + path + ": " + e.what());
  }
}

SimulationRules SimulationRules::parse(std::string_view json_text) {
  auto j = nlohmann::json::parse(json_text);
  if (!j.is_object()) throw std::runtime_error("top level must be an object");
  SimulationRules r;
  for (const auto& [k, v] : j.items()) {
    if (k == "defaults") {
      r.defaults_ = env_object(v, "defaults");
    } else if (k == "rules") {
      if (!v.is_array()) throw std::runtime_error("rules must be an array");
      for (const auto& rule : v) {
        if (!rule.is_object() || !rule.contains("project") || !rule["project"].is_string())
          throw std::runtime_error("each rule needs a string \"project\" (name or glob)");
        r.rules_.emplace_back(rule["project"].get<std::string>(),
                              env_object(rule.value("env", nlohmann::json::object()), "env"));
      }
    } else {
      throw std::runtime_error("unknown key '" + k + "' (expected defaults, rules)");
    }
  }
  return r;
}

EnvMap SimulationRules::env_for(std::string_view project) const {
  EnvMap out = defaults_;
  for (const auto& [pattern, env] : rules_) {
    if (glob_match(pattern, project)) {
      for (const auto& [k, v] : env) out[k] = v;
      break;
    }
  }
  return out;
}

BuildPlan make_plan(TimeMs start_ms, const SimulationDefaults& defaults, const EnvMap& env,
                    int timeout_minutes, int queued_timeout_minutes) {
  BuildPlan plan;
  plan.start_ms = start_ms;
  plan.duration_ms = defaults.duration_ms;
  plan.stop_finalize_ms = defaults.stop_finalize_ms;
  plan.timeout_ms = TimeMs{timeout_minutes} * 60'000;
  plan.queued_timeout_ms = TimeMs{queued_timeout_minutes} * 60'000;
  try {
    if (auto it = env.find("SIMULATE_PHASE_SECONDS"); it != env.end())
      parse_phase_seconds(it->second, plan.duration_ms);
    if (auto it = env.find("SIMULATE_FINALIZE_SECONDS"); it != env.end())
      plan.stop_finalize_ms = parse_seconds(it->second, "SIMULATE_FINALIZE_SECONDS");
  } catch (const std::invalid_argument& e) {
    throw errors::invalid_input(std::string("Invalid SIMULATE_* variable: ") + e.what());
  }
  if (auto it = env.find("SIMULATE_STATUS"); it != env.end()) {
    auto st = status_from_wire(trim(it->second));
    if (!st || *st == Status::kInProgress || *st == Status::kStopped) {
      throw errors::invalid_input("Invalid SIMULATE_STATUS '" + core::echo(it->second) +
                                  "': expected SUCCEEDED, FAILED, FAULT or TIMED_OUT");
    }
    plan.outcome = *st;
  }
  if (auto it = env.find("SIMULATE_FAILED_PHASE"); it != env.end()) {
    auto ph = phase_from_wire(trim(it->second));
    if (!ph || !is_timed(*ph)) {
      throw errors::invalid_input("Invalid SIMULATE_FAILED_PHASE '" + core::echo(it->second) +
                                  "': expected one of QUEUED, PROVISIONING, DOWNLOAD_SOURCE, "
                                  "INSTALL, PRE_BUILD, BUILD, POST_BUILD, UPLOAD_ARTIFACTS, "
                                  "FINALIZING");
    }
    if (*ph == Phase::kQueued && plan.outcome != Status::kTimedOut &&
        plan.outcome != Status::kSucceeded) {
      throw errors::invalid_input(
          "Invalid SIMULATE_FAILED_PHASE 'QUEUED': only SIMULATE_STATUS=TIMED_OUT can happen "
          "while queued");
    }
    plan.failed_phase = *ph;
  }
  if (auto it = env.find("SIMULATE_FAILED_COMMAND"); it != env.end())
    plan.failed_command = it->second;
  return plan;
}

std::string plan_to_json(const BuildPlan& plan) {
  nlohmann::json d = nlohmann::json::array();
  for (auto p : kTimedPhases) d.push_back(plan.duration_ms[static_cast<std::size_t>(p)]);
  nlohmann::json j = {{"v", 1},
                      {"start", plan.start_ms},
                      {"d", d},
                      {"outcome", to_wire(plan.outcome)},
                      {"phase", to_wire(plan.failed_phase)},
                      {"cmd", plan.failed_command},
                      {"timeout", plan.timeout_ms},
                      {"qtimeout", plan.queued_timeout_ms},
                      {"fin", plan.stop_finalize_ms}};
  if (plan.failure_context)
    j["ctx"] = nlohmann::json::array(
        {plan.failure_context->status_code, plan.failure_context->message});
  return j.dump();
}

BuildPlan plan_from_json(std::string_view text) {
  try {
    auto j = nlohmann::json::parse(text);
    BuildPlan plan;
    plan.start_ms = j.at("start").get<TimeMs>();
    const auto& d = j.at("d");
    for (std::size_t i = 0; i < kTimedPhases.size(); ++i)
      plan.duration_ms[static_cast<std::size_t>(kTimedPhases[i])] = d.at(i).get<TimeMs>();
    plan.outcome = status_from_wire(j.at("outcome").get<std::string>()).value();
    plan.failed_phase = phase_from_wire(j.at("phase").get<std::string>()).value();
    plan.failed_command = j.at("cmd").get<std::string>();
    plan.timeout_ms = j.at("timeout").get<TimeMs>();
    plan.queued_timeout_ms = j.at("qtimeout").get<TimeMs>();
    plan.stop_finalize_ms = j.at("fin").get<TimeMs>();
    if (auto it = j.find("ctx"); it != j.end()) {
      plan.failure_context =
          PhaseContext{it->at(0).get<std::string>(), it->at(1).get<std::string>()};
    }
    return plan;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("corrupt build plan: ") + e.what());
  }
}

}  // namespace scl::codebuild
