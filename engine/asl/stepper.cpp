#include "engine/asl/stepper.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "engine/asl/choice.hpp"
#include "engine/core/echo.hpp"
#include "engine/asl/timestamp.hpp"

namespace scl::asl {
namespace {

Json data_details() { return Json{{"truncated", false}}; }

template <class T>
const T* as(const State& st) {
  return std::get_if<T>(&st.body);
}

const CommonIo* common_io(const State& st) {
  return std::visit(
      [](const auto& b) -> const CommonIo* {
        if constexpr (requires { b.io; }) {
          return &b.io;
        } else {
          return nullptr;
        }
      },
      st.body);
}

const std::vector<Retrier>* retriers(const State& st) {
  return std::visit(
      [](const auto& b) -> const std::vector<Retrier>* {
        if constexpr (requires { b.retry; }) {
          return &b.retry;
        } else {
          return nullptr;
        }
      },
      st.body);
}

const std::vector<Catcher>* catchers(const State& st) {
  return std::visit(
      [](const auto& b) -> const std::vector<Catcher>* {
        if constexpr (requires { b.catchers; }) {
          return &b.catchers;
        } else {
          return nullptr;
        }
      },
      st.body);
}

const Transition* transition_of(const State& st) {
  return std::visit(
      [](const auto& b) -> const Transition* {
        if constexpr (requires { b.transition; }) {
          return &b.transition;
        } else {
          return nullptr;
        }
      },
      st.body);
}

// The history event members' length limits (API reference, e.g. TaskFailedEventDetails:
// error 256, cause 32768 characters; input/output 262144 bytes). Integrations can produce longer
// causes (a whole Build document) and `.sync` submissions longer outputs: they are cut, a cut
// input/output marked in its `*Details.truncated`. NOTE(emulator): AWS's cut is not recorded.
void keep_within_event_limits(Json& details) {
  if (!details.is_object()) return;
  for (auto& [key, value] : details.items()) {
    if (!value.is_string()) continue;
    auto& text = value.get_ref<std::string&>();
    if (key == "error" && text.size() > kMaxErrorChars) {
      text = core::echo(text, kMaxErrorChars - 1);
    } else if (key == "cause" && text.size() > kMaxCauseChars) {
      text = core::echo(text, kMaxCauseChars - 1);
    }
  }
  for (const char* field : {"input", "output"}) {
    auto it = details.find(field);
    if (it == details.end() || !it->is_string()) continue;
    auto& text = it->get_ref<std::string&>();
    if (text.size() <= kMaxPayloadBytes) continue;
    const std::size_t cut = core::echo_cut(text, kMaxPayloadBytes);
    text.resize(cut == std::string::npos ? kMaxPayloadBytes : std::min(cut, kMaxPayloadBytes));
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0U) == 0x80U) text.pop_back();
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0U) text.pop_back();
    details[std::string(field) + "Details"] = Json{{"truncated", true}};
  }
}

std::string live_bytes_message(std::size_t limit) {
  return "The execution holds more than the emulator's limit of " +
         std::to_string(limit / (1024 * 1024)) +
         " MiB of state data at once (inputs and collected results of its running states).";
}

// A path (InputPath, OutputPath, ItemsPath, TimeoutSecondsPath, ...) that matched nothing in
// `data`, worded as Jayway JsonPath and AWS do (aws-fidelity-jsonpath.md P1):
// "Invalid path '$.a.b' : Missing property in path $['a']" / "... : No results for path: $['a']".
std::string no_results(const JsonPath& p, const Json& data) {
  return "Invalid path '" + p.text() + "' : " + p.no_results_message(data);
}

// The text AWS prints after " == " in Wait and Map path messages: a string raw, anything else as
// its JSON text (aws-fidelity-jsonpath.md W4, M3).
std::string raw_text(const Json& v) {
  return v.is_string() ? v.get<std::string>() : to_text(v);
}

// Java's Long.parseLong / Integer.parseInt on raw_text(v): an optional sign and decimal digits
// within [lo, hi]. 1.5, 1.0, "abc" and {} do not parse (W2, M3, M5).
std::optional<std::int64_t> parse_java_integer(const Json& v, std::int64_t lo, std::int64_t hi) {
  const std::string t = raw_text(v);
  std::size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  if (i == t.size()) return std::nullopt;
  const bool negative = t[0] == '-';
  std::uint64_t mag = 0;
  const std::uint64_t bound = negative ? static_cast<std::uint64_t>(-(lo + 1)) + 1
                                       : static_cast<std::uint64_t>(hi);
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    mag = mag * 10 + static_cast<std::uint64_t>(t[i] - '0');
    if (mag > bound) return std::nullopt;
  }
  if (negative) return mag == 0 ? 0 : -static_cast<std::int64_t>(mag - 1) - 1;
  return static_cast<std::int64_t>(mag);
}

// Java's Float.parseFloat on raw_text(v), for ToleratedFailurePercentagePath (M5): a JSON number,
// or a string holding a finite decimal number.
std::optional<double> parse_java_float(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const std::string& t = v.get_ref<const std::string&>();
  if (t.empty() || t.size() > 64) return std::nullopt;
  std::size_t used = 0;
  double d = 0;
  try {
    d = std::stod(t, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != t.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// True when handle_failure() will retry `failure` (the first retrier whose ErrorEquals matches
// still has attempts left): a Map state then emits no MapStateFailed (aws-fidelity M1).
bool will_retry(const std::vector<Retrier>* rs, const std::vector<std::int64_t>& attempts,
                const Failure& failure) {
  if (rs == nullptr || is_terminal_error(failure.error)) return false;
  for (std::size_t i = 0; i < rs->size(); ++i) {
    if (!error_equals_matches((*rs)[i].error_equals, failure.error)) continue;
    return i < attempts.size() && attempts[i] < (*rs)[i].max_attempts;
  }
  return false;
}

void add_error_cause(Json& details, const Failure& f) {
  if (!f.error.empty()) details["error"] = f.error;
  if (f.cause) details["cause"] = *f.cause;
}

// `now` plus `seconds`, saturated far in the future. Paths and back-off make the operand as big as
// the input wants (SecondsPath 9223372036854775807, BackoffRate 1e300 gives infinity); the plain
// `now + s * 1000` overflowed into the past, so such a Wait, heartbeat or retry fired at once.
constexpr double kLatestMs = 9.0e15;  // ~285,000 years after 1970; sums stay exact below 2^53

core::TimeMs after_seconds(core::TimeMs now, double seconds) {
  const double at = static_cast<double>(now) + seconds * 1000.0;
  if (!(at < kLatestMs)) return static_cast<core::TimeMs>(kLatestMs);  // also NaN
  return static_cast<core::TimeMs>(std::llround(at));
}

}  // namespace

const char* to_wire(ExecutionStatus s) {
  switch (s) {
    case ExecutionStatus::kRunning: return "RUNNING";
    case ExecutionStatus::kSucceeded: return "SUCCEEDED";
    case ExecutionStatus::kFailed: return "FAILED";
    case ExecutionStatus::kTimedOut: return "TIMED_OUT";
    case ExecutionStatus::kAborted: return "ABORTED";
  }
  return "RUNNING";
}

Json HistoryEvent::to_json() const {
  Json j = {{"timestamp", timestamp}, {"type", type}, {"id", id}, {"previousEventId", previous_event_id}};
  if (!details_member.empty()) j[details_member] = details;
  return j;
}

std::string HistoryEvent::to_text() const {
  std::string out;
  out.reserve(128);
  out += "{\"timestamp\":";
  out += std::to_string(timestamp);
  out += ",\"type\":";
  core::append_json_text(out, Json(type));
  out += ",\"id\":";
  out += std::to_string(id);
  out += ",\"previousEventId\":";
  out += std::to_string(previous_event_id);
  if (!details_member.empty()) {
    out += ',';
    core::append_json_text(out, Json(details_member));
    out += ':';
    core::append_json_text(out, details);
  }
  out += '}';
  return out;
}

HistoryEvent HistoryEvent::from_json(const Json& j) {
  HistoryEvent e;
  e.timestamp = j.at("timestamp").get<core::TimeMs>();
  e.type = j.at("type").get<std::string>();
  e.id = j.at("id").get<std::int64_t>();
  e.previous_event_id = j.at("previousEventId").get<std::int64_t>();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key().size() > 12 && it.key().find("EventDetails") != std::string::npos) {
      e.details_member = it.key();
      e.details = it.value();
    }
  }
  return e;
}

Stepper::Stepper(std::shared_ptr<const StateMachine> machine, RandomSource& random)
    : machine_(std::move(machine)), random_(&random) {
  if (!machine_) throw std::invalid_argument("Stepper needs a compiled state machine");
}

Effects Stepper::take_effects() {
  Effects e = std::move(out_);
  out_.clear();
  call_events_ = 0;
  call_bytes_ = 0;
  return e;
}

Effects Stepper::resume(core::TimeMs now) {
  if (status_ != ExecutionStatus::kRunning) return {};
  pump(now);
  return take_effects();
}

std::int64_t Stepper::emit(Frame& f, const std::string& type, const std::string& member,
                           Json details, core::TimeMs now) {
  HistoryEvent e;
  e.id = next_event_id_++;
  e.previous_event_id = f.last_event_id;
  e.timestamp = now;
  e.type = type;
  e.details_member = member;
  e.details = std::move(details);
  keep_within_event_limits(e.details);
  ++call_events_;
  for (const auto& [k, v] : e.details.items())
    if (v.is_string()) call_bytes_ += v.get_ref<const std::string&>().size();
  f.last_event_id = e.id;
  touch(f);
  last_event_id_ = e.id;
  out_.emplace_back(effect::AppendEvent{std::move(e)});
  return f.last_event_id;
}

const Graph& Stepper::graph_of(const Frame& f) const {
  const Graph* g = machine_->graph(f.graph_id);
  if (g == nullptr) throw std::logic_error("unknown graph " + f.graph_id);
  return *g;
}

Stepper::Frame& Stepper::new_frame(const std::string& graph_id, std::optional<std::uint64_t> parent,
                                   std::size_t index, Json input, std::int64_t last_event_id) {
  const std::uint64_t id = next_frame_id_++;
  Frame& f = frames_[id];
  f.id = id;
  f.graph_id = graph_id;
  f.parent = parent;
  f.index = index;
  f.state = graph_of(f).start_at;
  f.raw_input = std::move(input);
  f.last_event_id = last_event_id;
  f.phase = Phase::kEnter;
  runnable_.push_back(id);
  touch(f);
  return f;
}

void Stepper::erase_frame(std::uint64_t id) {
  auto it = frames_.find(id);
  if (it == frames_.end()) return;
  live_bytes_ -= std::min(live_bytes_, it->second.input_bytes + it->second.results_bytes);
  frames_.erase(it);
  if (tracking_) {
    dirty_frames_.erase(id);
    dirty_items_.erase(id);
    cleared_results_.erase(id);
    dirty_results_.erase(dirty_results_.lower_bound({id, 0}),
                         dirty_results_.lower_bound({id + 1, 0}));
    erased_frames_.insert(id);
  }
}

void Stepper::touch_all_results(const Frame& f) {
  if (!tracking_) return;
  dirty_results_.erase(dirty_results_.lower_bound({f.id, 0}),
                       dirty_results_.lower_bound({f.id + 1, 0}));
  cleared_results_.insert(f.id);
  dirty_frames_.insert(f.id);  // the core records the results' size
}

bool Stepper::account(Frame& f, std::size_t input_bytes, std::size_t results_bytes) {
  live_bytes_ -= std::min(live_bytes_, f.input_bytes + f.results_bytes);
  f.input_bytes = input_bytes;
  f.results_bytes = results_bytes;
  live_bytes_ += input_bytes + results_bytes;
  return live_bytes_ <= live_limit_;
}

Json Stepper::context_object(const Frame& f, const State& st) const {
  Json ctx = Json::object();
  ctx["Execution"] = {{"Id", info_.execution_arn},          {"Input", execution_input_},
                      {"Name", info_.execution_name},       {"RoleArn", info_.role_arn},
                      {"StartTime", format_iso8601_ms(start_time_)}, {"RedriveCount", 0}};
  ctx["StateMachine"] = {{"Id", info_.state_machine_arn}, {"Name", info_.state_machine_name}};
  ctx["State"] = {{"EnteredTime", format_iso8601_ms(f.entered_time)}, {"Name", st.name}};
  if (as<TaskState>(st) != nullptr) ctx["State"]["RetryCount"] = f.retry_count;
  if (f.task_token) ctx["Task"] = {{"Token", *f.task_token}};
  return ctx;
}

Failure Stepper::runtime_error(const Frame& f, const std::string& detail) const {
  return Failure{std::string(errors::kRuntime),
                 "An error occurred while executing the state '" + f.state +
                     "' (entered at the event id #" + std::to_string(f.entered_event_id) + "). " +
                     detail};
}

Failure Stepper::wrap_runtime(const Frame& f, Failure failure) const {
  if (failure.error == errors::kRuntime) return runtime_error(f, failure.cause.value_or(""));
  return failure;
}

std::uint64_t Stepper::schedule_timer(TimerKind kind, const Frame& f, core::TimeMs at) {
  const std::uint64_t id = next_timer_id_++;
  timers_[id] = TimerRef{kind, f.id};
  touch(f);
  out_.emplace_back(effect::ScheduleTimer{id, at});
  return id;
}

void Stepper::cancel_timer(std::optional<std::uint64_t>& id) {
  if (!id) return;
  if (timers_.erase(*id) > 0) out_.emplace_back(effect::CancelTimer{*id});
  id.reset();
}

void Stepper::clear_task(Frame& f, bool cancel) {
  touch(f);
  cancel_timer(f.timeout_timer);
  cancel_timer(f.heartbeat_timer);
  if (f.task_id) {
    tasks_.erase(*f.task_id);
    if (cancel) {
      const State* st = graph_of(f).find(f.state);
      const auto* task = st != nullptr ? as<TaskState>(*st) : nullptr;
      out_.emplace_back(effect::CancelTask{*f.task_id, task ? task->resource : ResourceRef{}});
    }
  }
  f.task_id.reset();
  f.task_token.reset();
  f.heartbeat_seconds.reset();
}

// ---- entry points ------------------------------------------------------------------------------

Effects Stepper::start(const Json& input, const ExecutionInfo& info, core::TimeMs now) {
  if (started_) throw std::logic_error("Stepper::start called twice");
  started_ = true;
  info_ = info;
  execution_input_ = input;
  start_time_ = now;
  Frame& top = new_frame(machine_->top->id, std::nullopt, 0, input, 0);
  top_frame_ = top.id;
  Json details = {{"input", to_text(input)}, {"inputDetails", data_details()}};
  if (!info.role_arn.empty()) details["roleArn"] = info.role_arn;
  emit(top, "ExecutionStarted", "executionStartedEventDetails", std::move(details), now);
  top.last_event_id = 0;  // the first *StateEntered has previousEventId 0 (F-100)
  if (machine_->timeout_seconds) {
    schedule_timer(TimerKind::kExecutionTimeout, top,
                   after_seconds(now, static_cast<double>(*machine_->timeout_seconds)));
  }
  pump(now);
  return take_effects();
}

Effects Stepper::on_task_result(std::uint64_t task_id, const TaskEvent& event, core::TimeMs now) {
  if (status_ != ExecutionStatus::kRunning) return {};
  auto tit = tasks_.find(task_id);
  if (tit == tasks_.end()) return {};
  Frame& f = frames_.at(tit->second);
  const State& st = *graph_of(f).find(f.state);
  const auto& task = std::get<TaskState>(st.body);
  budget_.reset();  // the rest of this state's evaluation (ResultSelector, ResultPath, ...)
  Json base = {{"resourceType", task.resource.history_resource_type()},
               {"resource", task.resource.history_resource()}};
  if (const auto* sub = std::get_if<task_event::Submitted>(&event)) {
    Json d = base;
    d["output"] = to_text(sub->output);
    d["outputDetails"] = data_details();
    emit(f, "TaskSubmitted", "taskSubmittedEventDetails", std::move(d), now);
  } else if (std::holds_alternative<task_event::Heartbeat>(event)) {
    if (f.heartbeat_seconds) {
      touch(f);
      cancel_timer(f.heartbeat_timer);
      f.heartbeat_timer = schedule_timer(
          TimerKind::kHeartbeat, f, after_seconds(now, static_cast<double>(*f.heartbeat_seconds)));
    }
  } else if (const auto* ok = std::get_if<task_event::Succeeded>(&event)) {
    const std::string text = to_text(ok->output);
    if (text.size() > kMaxPayloadBytes) {
      clear_task(f, false);
      Failure fl{std::string(errors::kDataLimitExceeded),
                 "The state/task '" + task.resource.history_resource_type() +
                     "' returned a result with a size exceeding the maximum number of bytes "
                     "service limit."};
      Json d = base;
      add_error_cause(d, fl);
      emit(f, "TaskFailed", "taskFailedEventDetails", std::move(d), now);
      handle_failure(f, st, std::move(fl), now);
    } else {
      Json d = base;
      d["output"] = text;
      d["outputDetails"] = data_details();
      emit(f, "TaskSucceeded", "taskSucceededEventDetails", std::move(d), now);
      clear_task(f, false);
      complete_state(f, st, ok->output, now);
    }
  } else if (const auto* bad = std::get_if<task_event::Failed>(&event)) {
    Json d = base;
    add_error_cause(d, bad->failure);
    emit(f, "TaskFailed", "taskFailedEventDetails", std::move(d), now);
    clear_task(f, false);
    handle_failure(f, st, bad->failure, now);
  }
  pump(now);
  return take_effects();
}

Effects Stepper::on_timer(std::uint64_t timer_id, core::TimeMs now) {
  if (status_ != ExecutionStatus::kRunning) return {};
  auto it = timers_.find(timer_id);
  if (it == timers_.end()) return {};
  const TimerRef ref = it->second;
  timers_.erase(it);
  if (ref.kind == TimerKind::kExecutionTimeout) {
    Frame& top = frames_.at(top_frame_);
    top.last_event_id = last_event_id_;
    emit(top, "ExecutionTimedOut", "executionTimedOutEventDetails", Json::object(), now);
    end_execution(ExecutionStatus::kTimedOut, std::nullopt, std::nullopt, std::nullopt);
    return take_effects();
  }
  auto fit = frames_.find(ref.frame);
  if (fit == frames_.end()) return {};
  Frame& f = fit->second;
  const State& st = *graph_of(f).find(f.state);
  // The frame field that owns this timer; a timer the frame no longer holds is stale (e.g. the
  // task timeout of a task that already ended by heartbeat timeout) and is ignored.
  std::optional<std::uint64_t>& owner =
      ref.kind == TimerKind::kTaskTimeout ? f.timeout_timer
      : ref.kind == TimerKind::kHeartbeat ? f.heartbeat_timer
                                           : f.timer_id;
  if (owner != timer_id) return {};
  touch(f);
  budget_.reset();
  switch (ref.kind) {
    case TimerKind::kWait:
      f.timer_id.reset();
      complete_state(f, st, f.effective_input, now);
      break;
    case TimerKind::kRetry:
      f.timer_id.reset();
      begin_action(f, st, now);
      break;
    case TimerKind::kTaskTimeout:
    case TimerKind::kHeartbeat: {
      owner.reset();  // clear_task() below cancels the other one
      const auto& task = std::get<TaskState>(st.body);
      const Failure fl{std::string(ref.kind == TimerKind::kTaskTimeout ? errors::kTimeout
                                                                       : errors::kHeartbeatTimeout),
                       std::nullopt};
      Json d = {{"resourceType", task.resource.history_resource_type()},
                {"resource", task.resource.history_resource()},
                {"error", fl.error}};
      emit(f, "TaskTimedOut", "taskTimedOutEventDetails", std::move(d), now);
      clear_task(f, true);
      handle_failure(f, st, fl, now);
      break;
    }
    case TimerKind::kExecutionTimeout:
      break;
  }
  pump(now);
  return take_effects();
}

Effects Stepper::stop(const std::optional<std::string>& error,
                      const std::optional<std::string>& cause, core::TimeMs now) {
  if (!started_ || status_ != ExecutionStatus::kRunning) return {};
  Json d = Json::object();
  if (error) d["error"] = *error;
  if (cause) d["cause"] = *cause;
  Frame& top = frames_.at(top_frame_);
  top.last_event_id = 0;  // recorded with previousEventId 0 (F-103)
  emit(top, "ExecutionAborted", "executionAbortedEventDetails", std::move(d), now);
  end_execution(ExecutionStatus::kAborted, std::nullopt, error, cause);
  return take_effects();
}

std::optional<std::uint64_t> Stepper::task_for_token(const std::string& token) const {
  for (const auto& [task, frame] : tasks_) {
    auto it = frames_.find(frame);
    if (it != frames_.end() && it->second.task_token == token) return task;
  }
  return std::nullopt;
}

// ---- the interpreter loop ----------------------------------------------------------------------

void Stepper::pump(core::TimeMs now) {
  while (!runnable_.empty() && status_ == ExecutionStatus::kRunning) {
    const std::uint64_t id = runnable_.front();
    runnable_.pop_front();
    auto it = frames_.find(id);
    if (it == frames_.end() || it->second.phase != Phase::kEnter) continue;
    if (call_events_ >= kMaxEventsPerCall || call_bytes_ >= kMaxEventBytesPerCall) {
      runnable_.push_front(id);
      out_.emplace_back(effect::Continue{});
      return;
    }
    if (next_event_id_ > kMaxHistoryEvents - 8) {
      Frame& top = frames_.at(top_frame_);
      top.last_event_id = last_event_id_;
      const Failure fl{std::string(errors::kRuntime),
                       "The execution reached the maximum number of history events (" +
                           std::to_string(kMaxHistoryEvents) + ")."};
      Json d = Json::object();
      add_error_cause(d, fl);
      emit(top, "ExecutionFailed", "executionFailedEventDetails", std::move(d), now);
      end_execution(ExecutionStatus::kFailed, std::nullopt, fl.error, fl.cause);
      return;
    }
    run_state(it->second, now);
  }
}

void Stepper::run_state(Frame& f, core::TimeMs now) {
  const State* stp = graph_of(f).find(f.state);
  if (stp == nullptr) throw std::logic_error("unknown state " + f.state);
  const State& st = *stp;
  const std::string type = state_type_name(st.body);
  budget_.reset();  // every evaluation of this state draws from one budget (limits.hpp)
  f.entered_time = now;
  f.retry_count = 0;
  f.retry_attempts.assign(retriers(st) ? retriers(st)->size() : 0, 0);
  std::string input_text = to_text(f.raw_input);
  const std::size_t input_bytes = input_text.size();
  f.entered_event_id = emit(f, type + "StateEntered", "stateEnteredEventDetails",
                            {{"name", st.name},
                             {"input", std::move(input_text)},
                             {"inputDetails", data_details()}},
                            now);
  if (!account(f, input_bytes, 0)) {
    f.phase = Phase::kDone;
    fail_frame(f, runtime_error(f, live_bytes_message(live_limit_)), now);
    return;
  }
  if (const auto* fail = as<FailState>(st)) {
    f.phase = Phase::kDone;
    Failure fl;
    if (fail->error) fl.error = *fail->error;
    fl.cause = fail->cause;
    const LazyJson ctx([&] { return context_object(f, st); });
    for (const auto* ve : {&fail->error_path, &fail->cause_path}) {
      if (!*ve) continue;
      const ValueExpr& e = **ve;
      std::optional<Json> v;
      if (e.path) {
        auto r = e.path->evaluate(e.path->is_context() ? ctx.get() : f.raw_input, budget_);
        if (!r) {
          fail_frame(f, wrap_runtime(f, r.failure()), now);
          return;
        }
        v = std::move(r).value();
        if (!v) {
          // ErrorPath/CausePath word it as `.$` fields do (aws-fidelity-jsonpath.md P2).
          const Json& data = e.path->is_context() ? ctx.get() : f.raw_input;
          fail_frame(f, wrap_runtime(f, path_not_found(e.path->text(), e.field, data)), now);
          return;
        }
      } else {
        auto r = evaluate_intrinsic(*e.call, EvalScope{f.raw_input, ctx, *random_, &budget_},
                                    e.field);
        if (!r) {
          fail_frame(f, wrap_runtime(f, r.failure()), now);
          return;
        }
        v = std::move(r).value();
      }
      if (!v->is_string()) {
        fail_frame(f, runtime_error(f, "The value of the field '" + e.field +
                                           "' must be a string, got " + to_text(*v)),
                   now);
        return;
      }
      if (ve == &fail->error_path) {
        fl.error = v->get<std::string>();
      } else {
        fl.cause = v->get<std::string>();
      }
    }
    fail_frame(f, fl, now);
    return;
  }
  // InputPath.
  const CommonIo* io = common_io(st);
  f.effective_input = f.raw_input;
  if (io != nullptr) {
    if (io->input_path.is_null) {
      f.effective_input = Json::object();
    } else if (io->input_path.path) {
      const JsonPath& p = *io->input_path.path;
      const Json context = p.is_context() ? context_object(f, st) : Json();
      const Json& data = p.is_context() ? context : f.raw_input;
      auto r = p.evaluate(data, budget_);
      if (!r) {
        handle_failure(f, st, wrap_runtime(f, r.failure()), now);
        return;
      }
      auto& v = r.value();
      if (!v) {
        handle_failure(f, st, runtime_error(f, no_results(p, data)), now);
        return;
      }
      f.effective_input = std::move(*v);
    }
  }
  begin_action(f, st, now);
}

void Stepper::begin_action(Frame& f, const State& st, core::TimeMs now) {
  const LazyJson ctx([&] { return context_object(f, st); });
  const EvalScope scope{f.effective_input, ctx, *random_, &budget_};
  auto eval_params = [&](const std::optional<PayloadTemplate>& t) -> Outcome<Json> {
    if (!t) return f.effective_input;
    auto r = t->evaluate(scope);
    if (!r) return wrap_runtime(f, r.failure());
    return r;
  };
  if (const auto* pass = as<PassState>(st)) {
    if (pass->result) {
      complete_state(f, st, *pass->result, now);
      return;
    }
    auto r = eval_params(pass->parameters);
    if (!r) return handle_failure(f, st, r.failure(), now);
    complete_state(f, st, r.value(), now);
    return;
  }
  if (const auto* task = as<TaskState>(st)) {
    if (task->resource.pattern == IntegrationPattern::kWaitForTaskToken && !f.task_token) {
      f.task_token = random_->uuid();
    }
    const LazyJson task_ctx([&] { return context_object(f, st); });  // now with Task.Token
    Outcome<Json> params = f.effective_input;
    if (task->parameters) {
      auto r = task->parameters->evaluate(
          EvalScope{f.effective_input, task_ctx, *random_, &budget_});
      params = r ? std::move(r) : Outcome<Json>(wrap_runtime(f, r.failure()));
    }
    if (!params) return handle_failure(f, st, params.failure(), now);
    auto resolve = [&](const std::optional<std::int64_t>& lit, const std::optional<JsonPath>& path,
                       const char* field) -> Outcome<std::optional<std::int64_t>> {
      if (lit) return std::optional<std::int64_t>(*lit);
      if (!path) return std::optional<std::int64_t>();
      const Json& data = path->is_context() ? task_ctx.get() : f.effective_input;
      auto r = path->evaluate(data, budget_);
      if (!r) return wrap_runtime(f, r.failure());
      auto& v = r.value();
      if (!v) return runtime_error(f, no_results(*path, data));
      if (!v->is_number_integer() || v->get<std::int64_t>() < 1) {
        return runtime_error(f, std::string("The value of '") + field +
                                    "' must be a positive integer, got " + to_text(*v));
      }
      return std::optional<std::int64_t>(v->get<std::int64_t>());
    };
    auto timeout = resolve(task->timeout_seconds, task->timeout_seconds_path, "TimeoutSecondsPath");
    if (!timeout) return handle_failure(f, st, timeout.failure(), now);
    auto heartbeat =
        resolve(task->heartbeat_seconds, task->heartbeat_seconds_path, "HeartbeatSecondsPath");
    if (!heartbeat) return handle_failure(f, st, heartbeat.failure(), now);
    Json d = {{"resourceType", task->resource.history_resource_type()},
              {"resource", task->resource.history_resource()},
              {"region", info_.region},
              {"parameters", to_text(params.value())}};
    if (timeout.value()) d["timeoutInSeconds"] = *timeout.value();
    if (heartbeat.value()) d["heartbeatInSeconds"] = *heartbeat.value();
    if (task->credentials && task->credentials->contains("RoleArn")) {
      d["taskCredentials"] = {{"roleArn", (*task->credentials)["RoleArn"]}};
    }
    emit(f, "TaskScheduled", "taskScheduledEventDetails", std::move(d), now);
    emit(f, "TaskStarted", "taskStartedEventDetails",
         {{"resourceType", task->resource.history_resource_type()},
          {"resource", task->resource.history_resource()}},
         now);
    const std::uint64_t task_id = next_task_id_++;
    f.task_id = task_id;
    tasks_[task_id] = f.id;
    f.phase = Phase::kTask;
    if (timeout.value()) {
      f.timeout_timer = schedule_timer(
          TimerKind::kTaskTimeout, f, after_seconds(now, static_cast<double>(*timeout.value())));
    }
    if (heartbeat.value()) {
      f.heartbeat_seconds = *heartbeat.value();
      f.heartbeat_timer = schedule_timer(
          TimerKind::kHeartbeat, f, after_seconds(now, static_cast<double>(*heartbeat.value())));
    }
    TaskRequest req;
    req.task_id = task_id;
    req.resource = task->resource;
    req.parameters = std::move(params).value();
    req.task_token = f.task_token;
    req.timeout_seconds = timeout.value();
    req.heartbeat_seconds = heartbeat.value();
    req.state_name = st.name;
    req.credentials = task->credentials;
    req.started_ms = now;
    out_.emplace_back(effect::InvokeTask{std::move(req)});
    return;
  }
  if (const auto* choice = as<ChoiceState>(st)) {
    // Emits ChoiceStateExited (OutputPath applied), then moves on unless that failed.
    auto go = [&](const std::string& next) {
      const std::uint64_t id = f.id;
      complete_state(f, st, f.effective_input, now);
      auto it = frames_.find(id);
      if (status_ != ExecutionStatus::kRunning || it == frames_.end() ||
          it->second.phase != Phase::kDone || it->second.state != st.name) {
        return;
      }
      transition(it->second, next, it->second.raw_input, now);
    };
    for (const auto& rule : choice->choices) {
      auto r = evaluate_choice_rule(rule, f.effective_input, ctx, &budget_);
      if (!r) return handle_failure(f, st, wrap_runtime(f, r.failure()), now);
      if (r.value()) return go(rule.next);
    }
    if (choice->default_next) return go(*choice->default_next);
    return handle_failure(f, st,
                          Failure{std::string(errors::kNoChoiceMatched),
                                  "No Matches! No choice rule matched and no Default was set."},
                          now);
  }
  if (const auto* wait = as<WaitState>(st)) {
    core::TimeMs at = now;
    switch (wait->kind) {
      case WaitState::Kind::kSeconds:
        at = after_seconds(now, static_cast<double>(wait->seconds));
        break;
      case WaitState::Kind::kTimestamp:
        at = wait->timestamp.to_ms();
        break;
      case WaitState::Kind::kSecondsPath:
      case WaitState::Kind::kTimestampPath: {
        // Messages and checks as AWS words them (aws-fidelity-jsonpath.md W1-W6). The
        // failures are States.Runtime: WaitStateEntered is followed by ExecutionFailed.
        const JsonPath& p = *wait->path;
        const bool seconds = wait->kind == WaitState::Kind::kSecondsPath;
        const std::string param = seconds ? "SecondsPath" : "TimestampPath";
        auto r = p.evaluate(p.is_context() ? ctx.get() : f.effective_input, budget_);
        if (!r) return handle_failure(f, st, wrap_runtime(f, r.failure()), now);
        auto& v = r.value();
        if (!v) {
          return handle_failure(
              f, st,
              runtime_error(f, "The " + param + " parameter does not reference an input value: " +
                                   p.text()),
              now);
        }
        const std::string shown = p.text() + " == " + raw_text(*v);
        if (seconds) {
          // Parsed as a Java long first (1.5 and -1.5 fail here), then the sign is checked.
          // NOTE(emulator): unrecorded inputs follow the same parse: 1.0 and "abc" fail it,
          // the string "10" waits 10 seconds.
          const auto n = parse_java_integer(*v, std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max());
          if (!n) {
            return handle_failure(
                f, st,
                runtime_error(f, "The SecondsPath parameter cannot be parsed as a long value: " +
                                     shown),
                now);
          }
          if (*n < 0) {
            return handle_failure(
                f, st,
                runtime_error(f, "The SecondsPath parameter references a negative value: " + shown),
                now);
          }
          at = after_seconds(now, static_cast<double>(*n));
        } else {
          auto t = v->is_string() ? parse_rfc3339(v->get_ref<const std::string&>()) : std::nullopt;
          if (!t) {
            return handle_failure(
                f, st,
                runtime_error(f, "The TimestampPath parameter does not reference a valid ISO-8601 "
                                 "extended offset date-time format string: " + shown),
                now);
          }
          at = t->to_ms();
        }
        break;
      }
    }
    f.phase = Phase::kWait;
    f.timer_id = schedule_timer(TimerKind::kWait, f, std::max(at, now));
    return;
  }
  if (as<SucceedState>(st) != nullptr) {
    complete_state(f, st, f.effective_input, now);
    return;
  }
  if (const auto* par = as<ParallelState>(st)) {
    auto input = eval_params(par->parameters);
    if (!input) return handle_failure(f, st, input.failure(), now);
    const std::int64_t started = emit(f, "ParallelStateStarted", "", Json::object(), now);
    f.phase = Phase::kChildren;
    f.child_results = Json::array();
    account(f, f.input_bytes, 0);
    touch_all_results(f);
    f.children.clear();
    for (std::size_t i = 0; i < par->branches.size(); ++i) {
      f.child_results.push_back(nullptr);
      Frame& child = new_frame(par->branches[i]->id, f.id, i, input.value(), started);
      f.children.push_back(child.id);
    }
    f.running = f.children.size();
    return;
  }
  if (const auto* map = as<MapState>(st)) {
    Json items = f.effective_input;
    if (map->items_path) {
      const JsonPath& p = *map->items_path;
      const Json& data = p.is_context() ? ctx.get() : f.effective_input;
      auto r = p.evaluate(data, budget_);
      if (!r) return handle_failure(f, st, wrap_runtime(f, r.failure()), now);
      auto& v = r.value();
      if (!v) return handle_failure(f, st, runtime_error(f, no_results(p, data)), now);
      items = std::move(*v);
    }
    if (!items.is_array()) {
      return handle_failure(
          f, st,
          runtime_error(f, "Map state input must be an array, got: " + to_text(items)), now);
    }
    std::int64_t max_conc = map->max_concurrency;
    // The Map ...Path fields, checked and worded as AWS does (aws-fidelity-jsonpath.md M3, M5):
    // "The <Field> field refers to value \"<v>\" which is not a valid integer: <path>".
    auto lookup = [&](const JsonPath& p) -> Outcome<std::optional<Json>> {
      const Json& data = p.is_context() ? ctx.get() : f.effective_input;
      auto r = p.evaluate(data, budget_);
      if (!r) return wrap_runtime(f, r.failure());
      if (!r.value()) return runtime_error(f, no_results(p, data));
      return r;
    };
    auto not_valid = [&](const char* field, const Json& v, const char* kind, const JsonPath& p) {
      return runtime_error(f, std::string("The ") + field + " field refers to value \"" +
                                  raw_text(v) + "\" which is not a valid " + kind + ": " +
                                  p.text());
    };
    if (map->max_concurrency_path) {
      const JsonPath& p = *map->max_concurrency_path;
      auto r = lookup(p);
      if (!r) return handle_failure(f, st, r.failure(), now);
      const Json& v = *r.value();
      const auto n = parse_java_integer(v, std::numeric_limits<std::int32_t>::min(),
                                        std::numeric_limits<std::int32_t>::max());
      if (!n) return handle_failure(f, st, not_valid("MaxConcurrencyPath", v, "integer", p), now);
      if (*n < 0) {
        // NOTE(emulator): AWS hung on -1 (nothing recorded after ExecutionStarted); the emulator
        // fails the state instead.
        return handle_failure(f, st, runtime_error(f, "MaxConcurrency cannot be negative."), now);
      }
      max_conc = *n;
    }
    f.tolerated_percentage = map->tolerated_failure_percentage;
    f.tolerated_count = map->tolerated_failure_count;
    if (map->tolerated_failure_percentage_path) {
      const JsonPath& p = *map->tolerated_failure_percentage_path;
      auto r = lookup(p);
      if (!r) return handle_failure(f, st, r.failure(), now);
      const Json& v = *r.value();
      const auto pct = parse_java_float(v);
      if (!pct) {
        return handle_failure(f, st, not_valid("ToleratedFailurePercentagePath", v, "float", p), now);
      }
      if (*pct < 0 || *pct > 100) {
        return handle_failure(
            f, st, runtime_error(f, "ToleratedFailurePercentage must be between 0 and 100."), now);
      }
      f.tolerated_percentage = *pct;
    }
    if (map->tolerated_failure_count_path) {
      const JsonPath& p = *map->tolerated_failure_count_path;
      auto r = lookup(p);
      if (!r) return handle_failure(f, st, r.failure(), now);
      const Json& v = *r.value();
      const auto n = parse_java_integer(v, std::numeric_limits<std::int32_t>::min(),
                                        std::numeric_limits<std::int32_t>::max());
      if (!n) {
        return handle_failure(f, st, not_valid("ToleratedFailureCountPath", v, "integer", p), now);
      }
      if (*n < 0) {
        return handle_failure(f, st, runtime_error(f, "ToleratedFailureCount cannot be negative."),
                              now);
      }
      f.tolerated_count = *n;
    }
    emit(f, "MapStateStarted", "mapStateStartedEventDetails", {{"length", items.size()}}, now);
    f.phase = Phase::kChildren;
    f.items = std::move(items);
    touch_items(f);
    touch(f);
    f.next_item = 0;
    f.running = 0;
    f.failed_items = 0;
    f.max_concurrency = static_cast<std::size_t>(max_conc);
    f.children.clear();
    f.child_results = Json::array();
    account(f, f.input_bytes, 0);
    touch_all_results(f);
    for (std::size_t i = 0; i < f.items.size(); ++i) f.child_results.push_back(nullptr);
    if (f.items.empty()) {
      emit(f, "MapStateSucceeded", "", Json::object(), now);
      complete_state(f, st, Json::array(), now);
      return;
    }
    start_map_items(f, st, now);
    return;
  }
}

void Stepper::start_map_items(Frame& f, const State& st, core::TimeMs now) {
  touch(f);
  const auto& map = std::get<MapState>(st.body);
  budget_.reset();  // one budget for the item selection of this batch
  const std::size_t limit = f.max_concurrency == 0
                                ? kMaxInlineMapConcurrency
                                : std::min(f.max_concurrency, kMaxInlineMapConcurrency);
  while (f.next_item < f.items.size() && f.running < limit) {
    const std::size_t idx = f.next_item++;
    Json input = f.items[idx];
    if (map.item_selector) {
      const LazyJson ctx([&] {
        Json c = context_object(f, st);
        c["Map"] = {{"Item", {{"Index", idx}, {"Value", f.items[idx]}}}};
        return c;
      });
      auto r = map.item_selector->evaluate(EvalScope{f.effective_input, ctx, *random_, &budget_});
      if (!r) {
        // The selector failed: the Map state fails like a failed iteration would.
        for (auto child : std::vector<std::uint64_t>(f.children)) {
          Frame& c = frames_.at(child);
          abort_frame(c, now, true);
          f.last_event_id = c.last_event_id;
          emit(f, "MapIterationAborted", "mapIterationAbortedEventDetails",
               {{"name", st.name}, {"index", c.index}}, now);
          erase_frame(child);
        }
        f.children.clear();
        f.running = 0;
        const Failure fl = wrap_runtime(f, r.failure());
        if (!will_retry(retriers(st), f.retry_attempts, fl)) {
          emit(f, "MapStateFailed", "", Json::object(), now);
        }
        handle_failure(f, st, fl, now);
        return;
      }
      input = std::move(r).value();
    }
    const std::int64_t started = emit(f, "MapIterationStarted", "mapIterationStartedEventDetails",
                                      {{"name", st.name}, {"index", idx}}, now);
    Frame& child = new_frame(map.processor->id, f.id, idx, std::move(input), started);
    f.children.push_back(child.id);
    ++f.running;
  }
}

void Stepper::complete_state(Frame& f, const State& st, const Json& result_in, core::TimeMs now) {
  Json result = result_in;
  const LazyJson ctx([&] { return context_object(f, st); });
  const std::optional<PayloadTemplate>* selector = std::visit(
      [](const auto& b) -> const std::optional<PayloadTemplate>* {
        if constexpr (requires { b.result_selector; }) {
          return &b.result_selector;
        } else {
          return nullptr;
        }
      },
      st.body);
  if (selector != nullptr && *selector) {
    auto r = (*selector)->evaluate(EvalScope{result, ctx, *random_, &budget_});
    if (!r) return handle_failure(f, st, wrap_runtime(f, r.failure()), now);
    result = std::move(r).value();
  }
  const PathField* result_path = std::visit(
      [](const auto& b) -> const PathField* {
        if constexpr (requires { b.result_path; }) {
          return &b.result_path;
        } else {
          return nullptr;
        }
      },
      st.body);
  Json output;
  if (result_path == nullptr) {
    output = f.effective_input;
  } else if (result_path->is_null) {
    output = f.raw_input;
  } else if (!result_path->path) {
    output = std::move(result);
  } else {
    output = f.raw_input;
    if (!result_path->path->assign(output, result)) {
      return handle_failure(
          f, st,
          Failure{std::string(errors::kResultPathMatchFailure),
                  "Unable to apply ResultPath \"" + result_path->path->text() + "\" to input \"" +
                      to_text(f.raw_input) + "\""},
          now);
    }
  }
  if (const CommonIo* io = common_io(st)) {
    if (io->output_path.is_null) {
      output = Json::object();
    } else if (io->output_path.path) {
      const JsonPath& p = *io->output_path.path;
      const Json& data = p.is_context() ? ctx.get() : output;
      auto r = p.evaluate(data, budget_);
      if (!r) return handle_failure(f, st, wrap_runtime(f, r.failure()), now);
      auto& v = r.value();
      if (!v) return handle_failure(f, st, runtime_error(f, no_results(p, data)), now);
      output = std::move(*v);
    }
  }
  const std::string text = to_text(output);
  if (text.size() > kMaxPayloadBytes) {
    return handle_failure(
        f, st,
        Failure{std::string(errors::kDataLimitExceeded),
                "The state/task '" + st.name +
                    "' returned a result with a size exceeding the maximum number of bytes "
                    "service limit."},
        now);
  }
  f.output_bytes = text.size();
  emit(f, std::string(state_type_name(st.body)) + "StateExited", "stateExitedEventDetails",
       {{"name", st.name}, {"output", text}, {"outputDetails", data_details()}}, now);
  if (as<ChoiceState>(st) != nullptr) {
    f.raw_input = std::move(output);  // the caller picks the next state
    f.phase = Phase::kDone;
    return;
  }
  const Transition* t = transition_of(st);
  if (as<SucceedState>(st) != nullptr || (t != nullptr && t->end)) {
    finish_frame(f, std::move(output), now);
    return;
  }
  transition(f, t->next, std::move(output), now);
}

void Stepper::transition(Frame& f, const std::string& next, Json output, core::TimeMs /*now*/) {
  f.state = next;
  f.raw_input = std::move(output);
  f.phase = Phase::kEnter;
  f.children.clear();
  // A finished Map/Parallel state's items and results are no longer needed.
  if (!f.items.is_null()) {
    f.items = Json();
    touch_items(f);
  }
  if (!f.child_results.is_null()) {
    f.child_results = Json();
    account(f, f.input_bytes, 0);
    touch_all_results(f);
  }
  touch(f);
  runnable_.push_back(f.id);
}

void Stepper::handle_failure(Frame& f, const State& st, Failure failure, core::TimeMs now) {
  touch(f);
  if (is_terminal_error(failure.error)) {
    fail_frame(f, failure, now);
    return;
  }
  if (const auto* rs = retriers(st)) {
    for (std::size_t i = 0; i < rs->size(); ++i) {
      const Retrier& r = (*rs)[i];
      if (!error_equals_matches(r.error_equals, failure.error)) continue;
      if (i < f.retry_attempts.size() && f.retry_attempts[i] < r.max_attempts) {
        double delay = r.interval_seconds *
                       std::pow(r.backoff_rate, static_cast<double>(f.retry_attempts[i]));
        if (r.max_delay_seconds) delay = std::min(delay, static_cast<double>(*r.max_delay_seconds));
        if (r.jitter_full) delay *= random_->uniform_real();
        ++f.retry_attempts[i];
        ++f.retry_count;
        f.phase = Phase::kRetryWait;
        f.timer_id = schedule_timer(TimerKind::kRetry, f, after_seconds(now, delay));
        return;
      }
      break;  // the first matching retrier is exhausted: go to Catch
    }
  }
  if (const auto* cs = catchers(st)) {
    for (const auto& c : *cs) {
      if (!error_equals_matches(c.error_equals, failure.error)) continue;
      Json err = {{"Error", failure.error}};
      if (failure.cause) err["Cause"] = *failure.cause;
      Json output;
      if (c.result_path.is_null) {
        output = f.raw_input;
      } else if (!c.result_path.path) {
        output = std::move(err);
      } else {
        output = f.raw_input;
        if (!c.result_path.path->assign(output, err)) {
          fail_frame(f,
                     Failure{std::string(errors::kResultPathMatchFailure),
                             "Unable to apply ResultPath \"" + c.result_path.path->text() +
                                 "\" to input \"" + to_text(f.raw_input) + "\""},
                     now);
          return;
        }
      }
      emit(f, std::string(state_type_name(st.body)) + "StateExited", "stateExitedEventDetails",
           {{"name", st.name}, {"output", to_text(output)}, {"outputDetails", data_details()}},
           now);
      transition(f, c.next, std::move(output), now);
      return;
    }
  }
  fail_frame(f, failure, now);
}

void Stepper::finish_frame(Frame& f, Json output, core::TimeMs now) {
  f.phase = Phase::kDone;
  if (!f.parent) {
    const std::string text = to_text(output);
    emit(f, "ExecutionSucceeded", "executionSucceededEventDetails",
         {{"output", text}, {"outputDetails", data_details()}}, now);
    end_execution(ExecutionStatus::kSucceeded, text, std::nullopt, std::nullopt);
    return;
  }
  Frame& parent = frames_.at(*f.parent);
  child_finished(parent, f.id, true, std::move(output), Failure{}, now);
}

void Stepper::fail_frame(Frame& f, const Failure& failure, core::TimeMs now) {
  f.phase = Phase::kDone;
  if (!f.parent) {
    Json d = Json::object();
    add_error_cause(d, failure);
    emit(f, "ExecutionFailed", "executionFailedEventDetails", std::move(d), now);
    end_execution(ExecutionStatus::kFailed, std::nullopt,
                  failure.error.empty() ? std::nullopt : std::optional<std::string>(failure.error),
                  failure.cause);
    return;
  }
  Frame& parent = frames_.at(*f.parent);
  child_finished(parent, f.id, false, Json(), failure, now);
}

void Stepper::child_finished(Frame& p, std::uint64_t child_id, bool ok, Json output,
                             const Failure& failure, core::TimeMs now) {
  Frame& c = frames_.at(child_id);
  const std::size_t index = c.index;
  touch(p);
  p.last_event_id = c.last_event_id;
  const std::size_t child_output_bytes = c.output_bytes;
  erase_frame(child_id);
  std::erase(p.children, child_id);
  if (p.running > 0) --p.running;
  const State& st = *graph_of(p).find(p.state);
  budget_.reset();  // the parent's result processing is an evaluation of its own
  auto abort_siblings = [&](bool map_events) {
    for (auto sib : std::vector<std::uint64_t>(p.children)) {
      Frame& s = frames_.at(sib);
      abort_frame(s, now, true);
      p.last_event_id = std::max(p.last_event_id, s.last_event_id);
      if (map_events) {
        emit(p, "MapIterationAborted", "mapIterationAbortedEventDetails",
             {{"name", st.name}, {"index", s.index}}, now);
      }
      erase_frame(sib);
    }
    p.children.clear();
    p.running = 0;
  };
  if (as<ParallelState>(st) != nullptr) {
    if (!ok) {
      abort_siblings(false);
      emit(p, "ParallelStateFailed", "", Json::object(), now);
      handle_failure(p, st, failure, now);
      return;
    }
    p.child_results[index] = std::move(output);
    touch_result(p, index);
    if (!account(p, p.input_bytes, p.results_bytes + child_output_bytes)) {
      abort_siblings(false);
      emit(p, "ParallelStateFailed", "", Json::object(), now);
      handle_failure(p, st, runtime_error(p, live_bytes_message(live_limit_)), now);
      return;
    }
    if (p.children.empty()) {
      emit(p, "ParallelStateSucceeded", "", Json::object(), now);
      complete_state(p, st, p.child_results, now);
    }
    return;
  }
  // Map.
  if (ok) {
    emit(p, "MapIterationSucceeded", "mapIterationSucceededEventDetails",
         {{"name", st.name}, {"index", index}}, now);
    p.child_results[index] = std::move(output);
    touch_result(p, index);
    if (!account(p, p.input_bytes, p.results_bytes + child_output_bytes)) {
      abort_siblings(true);
      emit(p, "MapStateFailed", "", Json::object(), now);
      handle_failure(p, st, runtime_error(p, live_bytes_message(live_limit_)), now);
      return;
    }
  } else {
    // The event after MapIterationFailed (a retry's MapStateStarted, or MapStateFailed) points
    // at the last event inside the failed iteration, not at MapIterationFailed
    // (aws-fidelity-jsonpath.md M1 c).
    const std::int64_t inside = p.last_event_id;
    emit(p, "MapIterationFailed", "mapIterationFailedEventDetails",
         {{"name", st.name}, {"index", index}}, now);
    const std::int64_t failed_event = p.last_event_id;
    ++p.failed_items;
    bool tolerated = false;
    if (p.tolerated_count && static_cast<std::int64_t>(p.failed_items) <= *p.tolerated_count) {
      tolerated = true;
    }
    if (p.tolerated_percentage &&
        static_cast<double>(p.failed_items) * 100.0 <=
            *p.tolerated_percentage * static_cast<double>(p.items.size())) {
      tolerated = true;
    }
    if (!tolerated) {
      abort_siblings(true);
      if (p.last_event_id == failed_event) p.last_event_id = inside;
      const bool thresholds = p.tolerated_count.has_value() || p.tolerated_percentage.has_value();
      const Failure fl = thresholds
                             ? Failure{std::string(errors::kExceedToleratedFailureThreshold),
                                       "The specified tolerated failure threshold was exceeded"}
                             : failure;
      // A failed attempt that will be retried emits no MapStateFailed; it is emitted once, when
      // the retries are exhausted (aws-fidelity-jsonpath.md M1 a).
      if (!will_retry(retriers(st), p.retry_attempts, fl)) {
        emit(p, "MapStateFailed", "", Json::object(), now);
      }
      handle_failure(p, st, fl, now);
      return;
    }
    Json err = {{"Error", failure.error}};
    if (failure.cause) err["Cause"] = *failure.cause;
    p.child_results[index] = std::move(err);
    touch_result(p, index);
  }
  const std::uint64_t pid = p.id;
  start_map_items(p, st, now);
  // An ItemSelector failure inside start_map_items may have finished (and erased) the frame.
  auto it = frames_.find(pid);
  if (status_ != ExecutionStatus::kRunning || it == frames_.end()) return;
  Frame& q = it->second;
  if (q.phase == Phase::kChildren && q.state == st.name && q.children.empty() &&
      q.next_item >= q.items.size()) {
    emit(q, "MapStateSucceeded", "", Json::object(), now);
    complete_state(q, st, q.child_results, now);
  }
}

void Stepper::abort_frame(Frame& f, core::TimeMs now, bool emit_events) {
  touch(f);
  const State* st = graph_of(f).find(f.state);
  const Phase phase = f.phase;
  f.phase = Phase::kDone;
  cancel_timer(f.timer_id);
  if (f.task_id) clear_task(f, true);
  cancel_timer(f.timeout_timer);
  cancel_timer(f.heartbeat_timer);
  for (auto child : std::vector<std::uint64_t>(f.children)) {
    Frame& c = frames_.at(child);
    abort_frame(c, now, emit_events);
    if (emit_events) {
      f.last_event_id = std::max(f.last_event_id, c.last_event_id);
      if (st != nullptr && as<MapState>(*st) != nullptr) {
        emit(f, "MapIterationAborted", "mapIterationAbortedEventDetails",
             {{"name", st->name}, {"index", c.index}}, now);
      }
    }
    erase_frame(child);
  }
  f.children.clear();
  if (!emit_events || st == nullptr || phase == Phase::kEnter || phase == Phase::kDone) return;
  const std::string type = state_type_name(st->body);
  if (type == "Task" || type == "Wait" || type == "Parallel" || type == "Map") {
    emit(f, type + "StateAborted", "", Json::object(), now);
  }
}

void Stepper::end_execution(ExecutionStatus status, std::optional<std::string> output,
                            std::optional<std::string> error, std::optional<std::string> cause) {
  status_ = status;
  if (error) *error = core::echo(*error, kMaxErrorChars - 1);
  if (cause) *cause = core::echo(*cause, kMaxCauseChars - 1);
  // Cancel whatever is still running (no history events: only the execution event is recorded).
  for (auto& [id, f] : frames_) {
    if (f.task_id) {
      const State* st = graph_of(f).find(f.state);
      const auto* task = st != nullptr ? as<TaskState>(*st) : nullptr;
      out_.emplace_back(effect::CancelTask{*f.task_id, task ? task->resource : ResourceRef{}});
    }
  }
  for (const auto& [tid, ref] : timers_) out_.emplace_back(effect::CancelTimer{tid});
  timers_.clear();
  tasks_.clear();
  frames_.clear();
  live_bytes_ = 0;
  runnable_.clear();
  out_.emplace_back(effect::ExecutionFinished{status, std::move(output), std::move(error),
                                              std::move(cause)});
}

}  // namespace scl::asl
