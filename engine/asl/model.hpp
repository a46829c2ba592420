#pragma once
// The compiled, immutable state machine model. Produced by compile() (compiler.hpp); shared by
// every execution of the machine (std::shared_ptr<const StateMachine>), never modified.
// States are plain structs in a std::variant (STYLE.md "Interpreter shape").

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/asl/intrinsics.hpp"
#include "engine/asl/json.hpp"
#include "engine/asl/jsonpath.hpp"
#include "engine/asl/payload_template.hpp"
#include "engine/asl/resource.hpp"
#include "engine/asl/timestamp.hpp"

namespace scl::asl {

/// InputPath / OutputPath / ResultPath value: absent (default "$"), JSON null, or a path.
struct PathField {
  bool is_null = false;
  std::optional<JsonPath> path;  // empty and !is_null => default "$"
};

/// A value taken from a path or an intrinsic call (Fail ErrorPath/CausePath).
struct ValueExpr {
  std::optional<JsonPath> path;
  std::optional<IntrinsicCall> call;
  std::string field;  // "ErrorPath" / "CausePath"
};

struct Transition {
  std::string next;  // empty when end
  bool end = false;
};

struct Retrier {
  std::vector<std::string> error_equals;
  double interval_seconds = 1;
  std::int64_t max_attempts = 3;
  double backoff_rate = 2.0;
  std::optional<std::int64_t> max_delay_seconds;
  bool jitter_full = false;
};

struct Catcher {
  std::vector<std::string> error_equals;
  std::string next;
  PathField result_path;
};

/// Choice rule comparison operators (States Language "Choice Rules").
enum class ChoiceOp {
  kStringEquals, kStringLessThan, kStringGreaterThan, kStringLessThanEquals,
  kStringGreaterThanEquals, kStringMatches,
  kNumericEquals, kNumericLessThan, kNumericGreaterThan, kNumericLessThanEquals,
  kNumericGreaterThanEquals,
  kBooleanEquals,
  kTimestampEquals, kTimestampLessThan, kTimestampGreaterThan, kTimestampLessThanEquals,
  kTimestampGreaterThanEquals,
  kIsNull, kIsPresent, kIsNumeric, kIsString, kIsBoolean, kIsTimestamp,
};

struct ChoiceRule {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<ChoiceRule> children;  // kAnd/kOr (>= 1), kNot (exactly 1)
  std::optional<JsonPath> variable;  // kCompare
  ChoiceOp op = ChoiceOp::kStringEquals;
  bool operand_is_path = false;      // the "...Path" variants
  Json operand;                      // literal operand
  std::optional<JsonPath> operand_path;
  std::optional<Instant> timestamp;  // parsed literal for Timestamp* ops
  std::string next;                  // only on top-level rules
};

struct Graph;

struct CommonIo {
  PathField input_path;
  PathField output_path;
};

struct PassState {
  Transition transition;
  CommonIo io;
  std::optional<Json> result;
  std::optional<PayloadTemplate> parameters;
  PathField result_path;
};

struct TaskState {
  Transition transition;
  CommonIo io;
  ResourceRef resource;
  std::optional<PayloadTemplate> parameters;
  std::optional<PayloadTemplate> result_selector;
  PathField result_path;
  std::optional<std::int64_t> timeout_seconds;
  std::optional<JsonPath> timeout_seconds_path;
  std::optional<std::int64_t> heartbeat_seconds;
  std::optional<JsonPath> heartbeat_seconds_path;
  std::vector<Retrier> retry;
  std::vector<Catcher> catchers;
  std::optional<Json> credentials;
};

struct ChoiceState {
  CommonIo io;
  std::vector<ChoiceRule> choices;
  std::optional<std::string> default_next;
};

struct WaitState {
  enum class Kind { kSeconds, kTimestamp, kSecondsPath, kTimestampPath };
  Transition transition;
  CommonIo io;
  Kind kind = Kind::kSeconds;
  std::int64_t seconds = 0;
  Instant timestamp;
  std::optional<JsonPath> path;
};

struct SucceedState {
  CommonIo io;
};

struct FailState {
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::optional<ValueExpr> error_path;
  std::optional<ValueExpr> cause_path;
};

struct ParallelState {
  Transition transition;
  CommonIo io;
  std::vector<std::shared_ptr<const Graph>> branches;
  std::optional<PayloadTemplate> parameters;
  std::optional<PayloadTemplate> result_selector;
  PathField result_path;
  std::vector<Retrier> retry;
  std::vector<Catcher> catchers;
};

struct MapState {
  Transition transition;
  CommonIo io;
  std::shared_ptr<const Graph> processor;
  std::optional<JsonPath> items_path;
  std::optional<PayloadTemplate> item_selector;  // ItemSelector or legacy Parameters
  std::optional<PayloadTemplate> result_selector;
  PathField result_path;
  std::int64_t max_concurrency = 0;  // 0 = unlimited
  std::optional<JsonPath> max_concurrency_path;
  std::optional<double> tolerated_failure_percentage;
  std::optional<JsonPath> tolerated_failure_percentage_path;
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<JsonPath> tolerated_failure_count_path;
  std::vector<Retrier> retry;
  std::vector<Catcher> catchers;
};

using StateBody = std::variant<PassState, TaskState, ChoiceState, WaitState, SucceedState,
                               FailState, ParallelState, MapState>;

/// "Pass", "Task", ... (the prefix of the `<X>StateEntered` history event types).
const char* state_type_name(const StateBody& body);

struct State {
  std::string name;
  StateBody body;
};

/// A set of states with a StartAt: the top level, a Parallel branch or a Map processor.
struct Graph {
  std::string id;  // JSON pointer of the graph in the definition: "" (top), "/States/P/Branches/0"
  std::string start_at;
  std::vector<State> states;
  std::map<std::string, std::size_t, std::less<>> index;
  /// nullptr when there is no such state.
  [[nodiscard]] const State* find(std::string_view name) const {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &states[it->second];
  }
};

struct StateMachine {
  std::string definition;  // the original text, byte for byte
  std::shared_ptr<const Graph> top;
  std::optional<std::int64_t> timeout_seconds;
  /// Every graph by Graph::id (for restoring executions).
  std::map<std::string, const Graph*, std::less<>> graphs;
  [[nodiscard]] const Graph* graph(std::string_view id) const {
    auto it = graphs.find(id);
    return it == graphs.end() ? nullptr : it->second;
  }
};

}  // namespace scl::asl
