// Stepper::to_json / from_json: the complete execution state as JSON, so the runner can persist
// it after every call and resume after a restart.

#include <stdexcept>

#include "engine/asl/stepper.hpp"

namespace scl::asl {
namespace {

template <class T>
Json opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}
template <class T>
std::optional<T> get_opt(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

}  // namespace

Json Stepper::to_json() const {
  Json frames = Json::array();
  for (const auto& [id, f] : frames_) {
    frames.push_back({
        {"id", f.id},
        {"graph", f.graph_id},
        {"parent", opt(f.parent)},
        {"index", f.index},
        {"state", f.state},
        {"phase", static_cast<int>(f.phase)},
        {"rawInput", f.raw_input},
        {"effectiveInput", f.effective_input},
        {"lastEventId", f.last_event_id},
        {"enteredEventId", f.entered_event_id},
        {"enteredTime", f.entered_time},
        {"retryAttempts", f.retry_attempts},
        {"retryCount", f.retry_count},
        {"taskId", opt(f.task_id)},
        {"timerId", opt(f.timer_id)},
        {"timeoutTimer", opt(f.timeout_timer)},
        {"heartbeatTimer", opt(f.heartbeat_timer)},
        {"heartbeatSeconds", opt(f.heartbeat_seconds)},
        {"taskToken", opt(f.task_token)},
        {"children", f.children},
        {"childResults", f.child_results},
        {"items", f.items},
        {"nextItem", f.next_item},
        {"running", f.running},
        {"maxConcurrency", f.max_concurrency},
        {"failedItems", f.failed_items},
        {"toleratedPercentage", opt(f.tolerated_percentage)},
        {"toleratedCount", opt(f.tolerated_count)},
    });
  }
  Json timers = Json::array();
  for (const auto& [id, t] : timers_) {
    timers.push_back({{"id", id}, {"kind", static_cast<int>(t.kind)}, {"frame", t.frame}});
  }
  Json tasks = Json::array();
  for (const auto& [task, frame] : tasks_) tasks.push_back({{"task", task}, {"frame", frame}});
  return Json{
      {"version", 1},
      {"info",
       {{"executionArn", info_.execution_arn},
        {"executionName", info_.execution_name},
        {"stateMachineArn", info_.state_machine_arn},
        {"stateMachineName", info_.state_machine_name},
        {"roleArn", info_.role_arn},
        {"region", info_.region}}},
      {"input", execution_input_},
      {"startTime", start_time_},
      {"status", to_wire(status_)},
      {"started", started_},
      {"nextEventId", next_event_id_},
      {"lastEventId", last_event_id_},
      {"nextFrameId", next_frame_id_},
      {"nextTimerId", next_timer_id_},
      {"nextTaskId", next_task_id_},
      {"topFrame", top_frame_},
      {"frames", frames},
      {"timers", timers},
      {"tasks", tasks},
      {"runnable", Json(std::vector<std::uint64_t>(runnable_.begin(), runnable_.end()))},
  };
}

Stepper Stepper::from_json(std::shared_ptr<const StateMachine> machine, RandomSource& random,
                           const Json& j) {
  Stepper s(std::move(machine), random);
  try {
    if (j.at("version").get<int>() != 1) throw std::invalid_argument("unsupported snapshot version");
    const Json& info = j.at("info");
    s.info_.execution_arn = info.at("executionArn").get<std::string>();
    s.info_.execution_name = info.at("executionName").get<std::string>();
    s.info_.state_machine_arn = info.at("stateMachineArn").get<std::string>();
    s.info_.state_machine_name = info.at("stateMachineName").get<std::string>();
    s.info_.role_arn = info.at("roleArn").get<std::string>();
    s.info_.region = info.at("region").get<std::string>();
    s.execution_input_ = j.at("input");
    s.start_time_ = j.at("startTime").get<core::TimeMs>();
    const auto status = j.at("status").get<std::string>();
    for (auto st : {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
                    ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
      if (status == to_wire(st)) s.status_ = st;
    }
    s.started_ = j.at("started").get<bool>();
    s.next_event_id_ = j.at("nextEventId").get<std::int64_t>();
    s.last_event_id_ = j.at("lastEventId").get<std::int64_t>();
    s.next_frame_id_ = j.at("nextFrameId").get<std::uint64_t>();
    s.next_timer_id_ = j.at("nextTimerId").get<std::uint64_t>();
    s.next_task_id_ = j.at("nextTaskId").get<std::uint64_t>();
    s.top_frame_ = j.at("topFrame").get<std::uint64_t>();
    for (const Json& fj : j.at("frames")) {
      Frame f;
      f.id = fj.at("id").get<std::uint64_t>();
      f.graph_id = fj.at("graph").get<std::string>();
      if (s.machine_->graph(f.graph_id) == nullptr) {
        throw std::invalid_argument("snapshot refers to unknown graph '" + f.graph_id + "'");
      }
      f.parent = get_opt<std::uint64_t>(fj, "parent");
      f.index = fj.at("index").get<std::size_t>();
      f.state = fj.at("state").get<std::string>();
      if (s.machine_->graph(f.graph_id)->find(f.state) == nullptr) {
        throw std::invalid_argument("snapshot refers to unknown state '" + f.state + "'");
      }
      f.phase = static_cast<Phase>(fj.at("phase").get<int>());
      f.raw_input = fj.at("rawInput");
      f.effective_input = fj.at("effectiveInput");
      f.last_event_id = fj.at("lastEventId").get<std::int64_t>();
      f.entered_event_id = fj.at("enteredEventId").get<std::int64_t>();
      f.entered_time = fj.at("enteredTime").get<core::TimeMs>();
      f.retry_attempts = fj.at("retryAttempts").get<std::vector<std::int64_t>>();
      f.retry_count = fj.at("retryCount").get<std::int64_t>();
      f.task_id = get_opt<std::uint64_t>(fj, "taskId");
      f.timer_id = get_opt<std::uint64_t>(fj, "timerId");
      f.timeout_timer = get_opt<std::uint64_t>(fj, "timeoutTimer");
      f.heartbeat_timer = get_opt<std::uint64_t>(fj, "heartbeatTimer");
      f.heartbeat_seconds = get_opt<std::int64_t>(fj, "heartbeatSeconds");
      f.task_token = get_opt<std::string>(fj, "taskToken");
      f.children = fj.at("children").get<std::vector<std::uint64_t>>();
      f.child_results = fj.at("childResults");
      f.items = fj.at("items");
      f.next_item = fj.at("nextItem").get<std::size_t>();
      f.running = fj.at("running").get<std::size_t>();
      f.max_concurrency = fj.at("maxConcurrency").get<std::size_t>();
      f.failed_items = fj.at("failedItems").get<std::size_t>();
      f.tolerated_percentage = get_opt<double>(fj, "toleratedPercentage");
      f.tolerated_count = get_opt<std::int64_t>(fj, "toleratedCount");
      s.frames_[f.id] = std::move(f);
    }
    for (const Json& t : j.at("timers")) {
      s.timers_[t.at("id").get<std::uint64_t>()] =
          TimerRef{static_cast<TimerKind>(t.at("kind").get<int>()), t.at("frame").get<std::uint64_t>()};
    }
    for (const Json& t : j.at("tasks")) {
      s.tasks_[t.at("task").get<std::uint64_t>()] = t.at("frame").get<std::uint64_t>();
    }
    for (const Json& r : j.at("runnable")) s.runnable_.push_back(r.get<std::uint64_t>());
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("invalid execution snapshot: ") + e.what());
  }
  return s;
}

}  // namespace scl::asl
