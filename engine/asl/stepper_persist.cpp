// Stepper::to_json / from_json: the complete execution state as JSON, so the runner can persist
// it after every call and resume after a restart.

#include <stdexcept>
#include <type_traits>
#include <string_view>

#include "engine/asl/stepper.hpp"
#include "engine/core/json_text.hpp"

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

namespace persist_detail {
// Writes one JSON object member by member, as asl::to_text() prints the same object.
class ObjectText {
 public:
  explicit ObjectText(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectText() { out_ += '}'; }
  ObjectText(const ObjectText&) = delete;
  ObjectText& operator=(const ObjectText&) = delete;

  std::string& key(std::string_view k) {  // k: a plain ASCII literal
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
    return out_;
  }
  void num(std::string_view k, std::int64_t v) { key(k) += std::to_string(v); }
  void unum(std::string_view k, std::uint64_t v) { key(k) += std::to_string(v); }
  void str(std::string_view k, const std::string& v) {
    core::json_text_detail::put_string<Json>(key(k), v);
  }
  void json(std::string_view k, const Json& v) { core::append_json_text(key(k), v); }
  template <class T>
  void opt(std::string_view k, const std::optional<T>& v) {
    if (!v) {
      key(k) += "null";
    } else if constexpr (std::is_same_v<T, std::string>) {
      str(k, *v);
    } else if constexpr (std::is_floating_point_v<T>) {
      json(k, Json(*v));
    } else if constexpr (std::is_signed_v<T>) {
      num(k, *v);
    } else {
      unum(k, *v);
    }
  }
  /// An array member: `each(out, element)` appends one element's text.
  template <class Range, class Fn>
  void array(std::string_view k, const Range& values, Fn each) {
    std::string& o = key(k);
    o += '[';
    bool first = true;
    for (const auto& v : values) {
      if (!first) o += ',';
      first = false;
      each(o, v);
    }
    o += ']';
  }
  template <class Range>
  void nums(std::string_view k, const Range& values) {
    array(k, values, [](std::string& o, auto v) { o += std::to_string(v); });
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace persist_detail
using persist_detail::ObjectText;

// One frame's object. With payloads (the whole-snapshot format): every member. Without (a
// kFrame part): no items and results (their own parts), but their presence and the kinds of its
// timers, so that from_parts() can rebuild the timer and task indexes.
void Stepper::write_frame(std::string& a, const Frame& f, bool with_payloads) {
  ObjectText fr(a);
  fr.unum("id", f.id);
  fr.str("graph", f.graph_id);
  fr.opt("parent", f.parent);
  fr.unum("index", f.index);
  fr.str("state", f.state);
  fr.num("phase", static_cast<int>(f.phase));
  fr.json("rawInput", f.raw_input);
  fr.json("effectiveInput", f.effective_input);
  fr.num("lastEventId", f.last_event_id);
  fr.num("enteredEventId", f.entered_event_id);
  fr.num("enteredTime", f.entered_time);
  fr.nums("retryAttempts", f.retry_attempts);
  fr.num("retryCount", f.retry_count);
  fr.opt("taskId", f.task_id);
  fr.opt("timerId", f.timer_id);
  fr.opt("timeoutTimer", f.timeout_timer);
  fr.opt("heartbeatTimer", f.heartbeat_timer);
  fr.opt("heartbeatSeconds", f.heartbeat_seconds);
  fr.opt("taskToken", f.task_token);
  fr.nums("children", f.children);
  if (with_payloads) {
    fr.json("childResults", f.child_results);
    fr.json("items", f.items);
  } else {
    fr.num("results", f.child_results.is_array() ? static_cast<std::int64_t>(f.child_results.size())
                      : f.child_results.is_null() ? -1
                                                  : -2);
    fr.key("hasItems") += f.items.is_null() ? "false" : "true";
  }
  fr.unum("nextItem", f.next_item);
  fr.unum("running", f.running);
  fr.unum("maxConcurrency", f.max_concurrency);
  fr.unum("failedItems", f.failed_items);
  fr.opt("toleratedPercentage", f.tolerated_percentage);
  fr.opt("toleratedCount", f.tolerated_count);
}

void Stepper::write_info(ObjectText& o) const {
  ObjectText info(o.key("info"));
  info.str("executionArn", info_.execution_arn);
  info.str("executionName", info_.execution_name);
  info.str("stateMachineArn", info_.state_machine_arn);
  info.str("stateMachineName", info_.state_machine_name);
  info.str("roleArn", info_.role_arn);
  info.str("region", info_.region);
}

void Stepper::write_counters(ObjectText& o) const {
  o.num("startTime", start_time_);
  o.str("status", std::string(to_wire(status_)));
  o.key("started") += started_ ? "true" : "false";
  o.num("nextEventId", next_event_id_);
  o.num("lastEventId", last_event_id_);
  o.unum("nextFrameId", next_frame_id_);
  o.unum("nextTimerId", next_timer_id_);
  o.unum("nextTaskId", next_task_id_);
  o.unum("topFrame", top_frame_);
}

void Stepper::read_info(const Json& info) {
  info_.execution_arn = info.at("executionArn").get<std::string>();
  info_.execution_name = info.at("executionName").get<std::string>();
  info_.state_machine_arn = info.at("stateMachineArn").get<std::string>();
  info_.state_machine_name = info.at("stateMachineName").get<std::string>();
  info_.role_arn = info.at("roleArn").get<std::string>();
  info_.region = info.at("region").get<std::string>();
}

void Stepper::read_counters(const Json& j) {
  start_time_ = j.at("startTime").get<core::TimeMs>();
  const auto status = j.at("status").get<std::string>();
  for (auto st : {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
                  ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
    if (status == to_wire(st)) status_ = st;
  }
  started_ = j.at("started").get<bool>();
  next_event_id_ = j.at("nextEventId").get<std::int64_t>();
  last_event_id_ = j.at("lastEventId").get<std::int64_t>();
  next_frame_id_ = j.at("nextFrameId").get<std::uint64_t>();
  next_timer_id_ = j.at("nextTimerId").get<std::uint64_t>();
  next_task_id_ = j.at("nextTaskId").get<std::uint64_t>();
  top_frame_ = j.at("topFrame").get<std::uint64_t>();
}

std::string Stepper::state_text() const {
  std::string out;
  out.reserve(1024);
  write_text(out);
  return out;
}

void Stepper::write_text(std::string& out) const {
  ObjectText o(out);
  o.num("version", 1);
  write_info(o);
  o.json("input", execution_input_);
  write_counters(o);
  o.array("frames", frames_, [](std::string& a, const auto& entry) {
    write_frame(a, entry.second, true);
  });
  o.array("timers", timers_, [](std::string& a, const auto& entry) {
    ObjectText tm(a);
    tm.unum("id", entry.first);
    tm.num("kind", static_cast<int>(entry.second.kind));
    tm.unum("frame", entry.second.frame);
  });
  o.array("tasks", tasks_, [](std::string& a, const auto& entry) {
    ObjectText tk(a);
    tk.unum("task", entry.first);
    tk.unum("frame", entry.second);
  });
  o.nums("runnable", runnable_);
}

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

void Stepper::read_frame(const Json& fj, Frame& f, const StateMachine& machine) {
  f.id = fj.at("id").get<std::uint64_t>();
  f.graph_id = fj.at("graph").get<std::string>();
  if (machine.graph(f.graph_id) == nullptr) {
    throw std::invalid_argument("snapshot refers to unknown graph '" + f.graph_id + "'");
  }
  f.parent = get_opt<std::uint64_t>(fj, "parent");
  f.index = fj.at("index").get<std::size_t>();
  f.state = fj.at("state").get<std::string>();
  if (machine.graph(f.graph_id)->find(f.state) == nullptr) {
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
  f.next_item = fj.at("nextItem").get<std::size_t>();
  f.running = fj.at("running").get<std::size_t>();
  f.max_concurrency = fj.at("maxConcurrency").get<std::size_t>();
  f.failed_items = fj.at("failedItems").get<std::size_t>();
  f.tolerated_percentage = get_opt<double>(fj, "toleratedPercentage");
  f.tolerated_count = get_opt<std::int64_t>(fj, "toleratedCount");
}

void Stepper::mark_all_changed() {
  if (!tracking_) return;
  input_written_ = false;
  for (const auto& [id, f] : frames_) {
    dirty_frames_.insert(id);
    if (!f.items.is_null()) dirty_items_.insert(id);
    if (f.child_results.is_array()) {
      cleared_results_.insert(id);
      for (std::size_t i = 0; i < f.child_results.size(); ++i) {
        if (!f.child_results[i].is_null()) dirty_results_.emplace(id, i);
      }
    }
  }
}

SnapshotChanges Stepper::take_changes() {
  SnapshotChanges c;
  std::string header;
  {
    ObjectText o(header);
    o.num("version", 2);
    write_info(o);
    write_counters(o);
    std::optional<std::uint64_t> execution_timer;
    for (const auto& [id, ref] : timers_)
      if (ref.kind == TimerKind::kExecutionTimeout) execution_timer = id;
    o.opt("executionTimer", execution_timer);
    o.nums("runnable", runnable_);
  }
  c.upserts.push_back(SnapshotPart{PartKind::kHeader, 0, 0, std::move(header)});
  if (!input_written_) {
    c.upserts.push_back(SnapshotPart{PartKind::kHeader, 1, 0, to_text(execution_input_)});
    input_written_ = true;
  }
  for (auto id : erased_frames_) {
    for (auto kind : {PartKind::kFrame, PartKind::kItems, PartKind::kResult})
      c.erases.push_back(SnapshotErase{kind, id, 0, true});
  }
  for (auto id : cleared_results_) c.erases.push_back(SnapshotErase{PartKind::kResult, id, 0, true});
  for (auto id : dirty_frames_) {
    auto it = frames_.find(id);
    if (it == frames_.end()) continue;
    std::string body;
    write_frame(body, it->second, false);
    c.upserts.push_back(SnapshotPart{PartKind::kFrame, id, 0, std::move(body)});
  }
  for (auto id : dirty_items_) {
    auto it = frames_.find(id);
    if (it == frames_.end()) continue;
    if (it->second.items.is_null()) {
      c.erases.push_back(SnapshotErase{PartKind::kItems, id, 0, false});
    } else {
      c.upserts.push_back(SnapshotPart{PartKind::kItems, id, 0, to_text(it->second.items)});
    }
  }
  for (const auto& [id, index] : dirty_results_) {
    auto it = frames_.find(id);
    if (it == frames_.end() || !it->second.child_results.is_array() ||
        index >= it->second.child_results.size()) {
      continue;
    }
    c.upserts.push_back(
        SnapshotPart{PartKind::kResult, id, index, to_text(it->second.child_results[index])});
  }
  erased_frames_.clear();
  cleared_results_.clear();
  dirty_frames_.clear();
  dirty_items_.clear();
  dirty_results_.clear();
  return c;
}

Stepper Stepper::from_parts(std::shared_ptr<const StateMachine> machine, RandomSource& random,
                            const std::vector<SnapshotPart>& parts) {
  Stepper s(std::move(machine), random);
  try {
    const SnapshotPart* header = nullptr;
    const SnapshotPart* input = nullptr;
    for (const auto& p : parts) {
      if (p.kind == PartKind::kHeader && p.id == 0) header = &p;
      if (p.kind == PartKind::kHeader && p.id == 1) input = &p;
    }
    if (header == nullptr || input == nullptr) throw std::invalid_argument("snapshot has no header");
    const Json j = Json::parse(header->body);
    if (j.at("version").get<int>() != 2) throw std::invalid_argument("unsupported snapshot version");
    s.read_info(j.at("info"));
    s.execution_input_ = Json::parse(input->body);
    s.input_written_ = true;
    s.read_counters(j);
    for (const Json& r : j.at("runnable")) s.runnable_.push_back(r.get<std::uint64_t>());
    for (const auto& p : parts) {
      if (p.kind != PartKind::kFrame) continue;
      const Json fj = Json::parse(p.body);
      Frame f;
      read_frame(fj, f, *s.machine_);
      if (f.id != p.id) throw std::invalid_argument("frame part with a mismatched id");
      const auto results = fj.at("results").get<std::int64_t>();
      if (results >= 0) f.child_results = Json(Json::array_t(static_cast<std::size_t>(results)));
      if (fj.at("hasItems").get<bool>()) f.items = Json::array();  // filled below
      s.frames_[f.id] = std::move(f);
    }
    for (const auto& p : parts) {
      if (p.kind != PartKind::kItems && p.kind != PartKind::kResult) continue;
      auto it = s.frames_.find(p.id);
      if (it == s.frames_.end()) throw std::invalid_argument("snapshot part of an unknown frame");
      if (p.kind == PartKind::kItems) {
        it->second.items = Json::parse(p.body);
      } else {
        Json& results = it->second.child_results;
        if (!results.is_array() || p.sub >= results.size())
          throw std::invalid_argument("snapshot result out of range");
        results[p.sub] = Json::parse(p.body);
      }
    }
    // The timer and task indexes follow from the frames.
    if (auto t = get_opt<std::uint64_t>(j, "executionTimer"))
      s.timers_[*t] = TimerRef{TimerKind::kExecutionTimeout, s.top_frame_};
    for (auto& [id, f] : s.frames_) {
      if (f.timer_id)
        s.timers_[*f.timer_id] =
            TimerRef{f.phase == Phase::kRetryWait ? TimerKind::kRetry : TimerKind::kWait, id};
      if (f.timeout_timer) s.timers_[*f.timeout_timer] = TimerRef{TimerKind::kTaskTimeout, id};
      if (f.heartbeat_timer) s.timers_[*f.heartbeat_timer] = TimerRef{TimerKind::kHeartbeat, id};
      if (f.task_id) s.tasks_[*f.task_id] = id;
      s.account(f, to_text(f.raw_input).size(),
                f.child_results.is_array() ? to_text(f.child_results).size() : 0);
    }
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("invalid execution snapshot: ") + e.what());
  }
  return s;
}

Stepper Stepper::from_json(std::shared_ptr<const StateMachine> machine, RandomSource& random,
                           const Json& j) {
  Stepper s(std::move(machine), random);
  try {
    if (j.at("version").get<int>() != 1) throw std::invalid_argument("unsupported snapshot version");
    s.read_info(j.at("info"));
    s.execution_input_ = j.at("input");
    s.read_counters(j);
    for (const Json& fj : j.at("frames")) {
      Frame f;
      read_frame(fj, f, *s.machine_);
      f.child_results = fj.at("childResults");
      f.items = fj.at("items");
      Frame& placed = s.frames_[f.id] = std::move(f);
      s.account(placed, to_text(placed.raw_input).size(),
                placed.child_results.is_null() ? 0 : to_text(placed.child_results).size());
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
