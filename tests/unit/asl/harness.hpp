#pragma once
// Test harness: runs a Stepper to completion in simulated time with a scripted fake integration,
// snapshotting (to_json) and restoring (from_json) the stepper after every call so every test
// also exercises persistence.
//
// Fake resources (service "test"), answering after Parameters.DelaySeconds (default 1 s):
//   test:echo            succeed with the parameters as output
//   test:echo.sync       TaskSubmitted({"Submitted":true}) at once, then succeed with parameters
//   test:fail            fail with Parameters.Error / Parameters.Cause
//   test:flaky           fail with Parameters.Error for the first Parameters.FailTimes calls of
//                        this state, then succeed with {"Attempts": n}
//   test:never           never answers (timeouts, heartbeats, aborts)
//   test:big             succeed with a 300 000-character string (DataLimitExceeded)
//   test:token.waitForTaskToken  succeed with {"Token": <task token>}

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/asl/compiler.hpp"
#include "engine/asl/stepper.hpp"

namespace scl::asl::testing {

struct RunResult {
  ExecutionStatus status = ExecutionStatus::kRunning;
  std::optional<std::string> output, error, cause;
  std::vector<HistoryEvent> events;
  std::vector<TaskRequest> tasks;  // every InvokeTask, in order
  std::vector<std::uint64_t> cancelled_tasks;
  core::TimeMs end_time = 0;
  int continues = 0;  // calls that yielded with effect::Continue
  [[nodiscard]] std::vector<std::string> types() const {
    std::vector<std::string> t;
    for (const auto& e : events) t.push_back(e.type);
    return t;
  }
  [[nodiscard]] const HistoryEvent* first(const std::string& type) const {
    for (const auto& e : events) {
      if (e.type == type) return &e;
    }
    return nullptr;
  }
};

struct RunOptions {
  core::TimeMs start = 1700000000000;
  /// Called with the stepper after each call; may return a stop request (error, cause).
  std::optional<core::TimeMs> stop_at;
  std::optional<std::string> stop_error, stop_cause;
  std::size_t max_steps = 100000;
  /// Applied to the stepper before it starts and after every restore.
  std::function<void(Stepper&)> configure;
};

inline std::shared_ptr<const StateMachine> compile_or_die(const std::string& def) {
  auto r = compile(def);
  if (!r.ok()) throw std::runtime_error(r.invalid_definition_message());
  return r.machine;
}

inline RunResult run(std::shared_ptr<const StateMachine> machine, const Json& input,
                     const RunOptions& opt = {}) {
  SeededRandomSource random(7);
  auto stepper = std::make_unique<Stepper>(machine, random);
  if (opt.configure) opt.configure(*stepper);
  RunResult res;
  // Pending work ordered by (time, sequence).
  struct Pending {
    bool is_timer;
    std::uint64_t id;
    TaskEvent event;
    bool resume = false;  // effect::Continue: call Stepper::resume()
  };
  std::map<std::pair<core::TimeMs, std::uint64_t>, Pending> queue;
  std::map<std::uint64_t, std::pair<core::TimeMs, std::uint64_t>> timer_keys;
  std::uint64_t seq = 0;
  std::map<std::string, int> flaky_calls;
  std::map<std::tuple<int, std::uint64_t, std::uint64_t>, std::string> parts;
  bool stop_done = false;

  auto apply = [&](Effects effects, core::TimeMs now) {
    for (auto& e : effects) {
      if (auto* a = std::get_if<effect::AppendEvent>(&e)) {
        res.events.push_back(a->event);
      } else if (auto* t = std::get_if<effect::ScheduleTimer>(&e)) {
        auto key = std::make_pair(t->at, seq++);
        queue[key] = Pending{true, t->timer_id, task_event::Heartbeat{}};
        timer_keys[t->timer_id] = key;
      } else if (auto* c = std::get_if<effect::CancelTimer>(&e)) {
        auto it = timer_keys.find(c->timer_id);
        if (it != timer_keys.end()) queue.erase(it->second);
      } else if (auto* inv = std::get_if<effect::InvokeTask>(&e)) {
        const TaskRequest& r = inv->request;
        res.tasks.push_back(r);
        const Json& p = r.parameters;
        core::TimeMs delay = 1000;
        if (p.is_object() && p.contains("DelaySeconds")) delay = p["DelaySeconds"].get<core::TimeMs>() * 1000;
        const std::string& action = r.resource.action;
        auto reply = [&](core::TimeMs at, TaskEvent ev) {
          queue[std::make_pair(at, seq++)] = Pending{false, r.task_id, std::move(ev)};
        };
        auto field = [&](const char* k) {
          return p.is_object() && p.contains(k) ? std::optional<std::string>(p[k].get<std::string>())
                                                : std::nullopt;
        };
        if (action == "echo") {
          if (r.resource.pattern == IntegrationPattern::kSync) {
            reply(now, task_event::Submitted{Json{{"Submitted", true}}});
          }
          reply(now + delay, task_event::Succeeded{p});
        } else if (action == "fail") {
          reply(now + delay, task_event::Failed{Failure{field("Error").value_or("Test.Error"), field("Cause")}});
        } else if (action == "flaky") {
          const int n = ++flaky_calls[r.state_name];
          if (n <= p.value("FailTimes", 0)) {
            reply(now + delay, task_event::Failed{Failure{field("Error").value_or("Test.Flaky"), "attempt " + std::to_string(n)}});
          } else {
            reply(now + delay, task_event::Succeeded{Json{{"Attempts", n}}});
          }
        } else if (action == "big") {
          reply(now + delay, task_event::Succeeded{Json(std::string(300000, 'x'))});
        } else if (action == "token") {
          reply(now + delay, task_event::Succeeded{Json{{"Token", r.task_token.value_or("")}}});
        }
      } else if (auto* ct = std::get_if<effect::CancelTask>(&e)) {
        res.cancelled_tasks.push_back(ct->task_id);
        for (auto it = queue.begin(); it != queue.end();) {
          if (!it->second.is_timer && it->second.id == ct->task_id) {
            it = queue.erase(it);
          } else {
            ++it;
          }
        }
      } else if (std::holds_alternative<effect::Continue>(e)) {
        ++res.continues;
        queue[std::make_pair(now, seq++)] = Pending{false, 0, task_event::Heartbeat{}, true};
      } else if (auto* fin = std::get_if<effect::ExecutionFinished>(&e)) {
        res.status = fin->status;
        res.output = fin->output;
        res.error = fin->error;
        res.cause = fin->cause;
        res.end_time = now;
      }
    }
    // Persistence in parts after every call: the deltas applied so far restore the same state.
    {
      SnapshotChanges changes = stepper->take_changes();
      for (const auto& e : changes.erases) {
        for (auto it = parts.begin(); it != parts.end();) {
          const auto& [kind, id, sub] = it->first;
          if (kind == static_cast<int>(e.kind) && id == e.id && (e.all_subs || sub == e.sub)) {
            it = parts.erase(it);
          } else {
            ++it;
          }
        }
      }
      for (auto& u : changes.upserts)
        parts[{static_cast<int>(u.kind), u.id, u.sub}] = std::move(u.body);
      if (stepper->status() == ExecutionStatus::kRunning) {
        std::vector<SnapshotPart> all;
        for (const auto& [key, body] : parts)
          all.push_back(SnapshotPart{static_cast<PartKind>(std::get<0>(key)), std::get<1>(key),
                                     std::get<2>(key), body});
        const Json from_parts = Stepper::from_parts(machine, random, all).to_json();
        if (from_parts != stepper->to_json()) {
          throw std::runtime_error("the snapshot parts restore another state:\n" +
                                   from_parts.dump() + "\nexpected\n" + stepper->to_json().dump());
        }
      }
    }
    // Persistence round trip after every call.
    const Json snap = stepper->to_json();
    if (stepper->state_text() != to_text(snap))
      throw std::runtime_error("Stepper::state_text differs from to_text(to_json())");
    stepper = std::make_unique<Stepper>(Stepper::from_json(machine, random, Json::parse(to_text(snap))));
    if (opt.configure) opt.configure(*stepper);
    if (stepper->to_json() != snap) throw std::runtime_error("snapshot round trip changed the state");
  };

  ExecutionInfo info{"arn:aws:states:us-east-1:123456789012:execution:sm:exec",
                     "exec",
                     "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
                     "sm",
                     "arn:aws:iam::123456789012:role/r",
                     "us-east-1"};
  apply(stepper->start(input, info, opt.start), opt.start);
  for (std::size_t steps = 0; steps < opt.max_steps && res.status == ExecutionStatus::kRunning; ++steps) {
    if (queue.empty()) break;
    auto it = queue.begin();
    const core::TimeMs now = it->first.first;
    if (opt.stop_at && !stop_done && *opt.stop_at <= now) {
      stop_done = true;
      apply(stepper->stop(opt.stop_error, opt.stop_cause, *opt.stop_at), *opt.stop_at);
      continue;
    }
    Pending p = std::move(it->second);
    queue.erase(it);
    if (p.resume) {
      apply(stepper->resume(now), now);
    } else if (p.is_timer) {
      timer_keys.erase(p.id);
      apply(stepper->on_timer(p.id, now), now);
    } else {
      apply(stepper->on_task_result(p.id, p.event, now), now);
    }
  }
  if (opt.stop_at && !stop_done && res.status == ExecutionStatus::kRunning) {
    apply(stepper->stop(opt.stop_error, opt.stop_cause, *opt.stop_at), *opt.stop_at);
  }
  return res;
}

}  // namespace scl::asl::testing
