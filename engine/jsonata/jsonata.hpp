#pragma once
// The JSONata 2.0.6 engine's host interface.
//
//   auto expr = jsonata::compile("$sum(Account.Order.Product.(Price * Quantity))");
//   if (auto* err = std::get_if<jsonata::Error>(&expr)) ...            // S0xxx syntax error
//   auto out = jsonata::evaluate(std::get<jsonata::Expression>(expr), &input, bindings);
//   // out: Json value, std::nullopt (JSONata's undefined), or an Error (code, position, token)
//
// compile() once, evaluate() any number of times from any number of threads at once: an
// Expression is immutable. evaluate() reads `input` and the bindings in place (no copy of the
// document) and converts only its result to JSON. No function of this header throws.
//
// Limits bound every evaluation (depth, work, memory), so hostile expressions end in an error
// value (U1001 / U1002 / D2014) instead of a crash, a hang or gigabytes of allocation.
//
// Time, randomness and ids come from `Environment` (STYLE: nothing outside engine/core calls
// now() or a RNG): $now()/$millis() read the clock once per evaluation (as the reference does),
// unseeded $random() and $uuid() draw from the host's sources.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace scl::jsonata {

using Json = nlohmann::ordered_json;

/// A JSONata error: the reference's code (S0xxx, T0xxx, D0xxx, U1001...), its message text, the
/// position (in UTF-16 code units just past the offending token, as the reference counts) and
/// the token it concerns.
struct Error {
  std::string code;
  std::string message;
  std::optional<std::size_t> position;
  std::optional<std::string> token;
  /// When several items of one array/object constructor failed: the other items' codes. The
  /// reference evaluates such items concurrently (Promise.all) and reports whichever failure
  /// its scheduler reaches first; this engine picks the same one in nearly all cases.
  std::vector<std::string> concurrent_codes;
};

struct Limits {
  /// Nested evaluation depth (one per sub-expression evaluated inside another): deeper ends in
  /// U1001 "Stack overflow error".
  std::size_t max_depth = 10000;
  /// Machine stack the evaluation may use below its entry point: deeper ends in U1001 whatever
  /// max_depth says (the evaluator recurses once per nested sub-expression). Keep it well under
  /// the calling thread's stack size (8 MiB for std::thread on Linux).
  std::size_t max_stack_bytes = 2u << 20;
  /// Work units (one per sub-expression evaluated, plus one per item a built-in visits): more
  /// ends in U1001 "Expression evaluation timeout". A deterministic time bound.
  std::uint64_t max_steps = 50'000'000;
  /// Bytes of strings and array/object slots the evaluation may produce in all: more ends in
  /// U1002. NOTE(emulator): the reference has no such bound (it runs out of heap).
  std::uint64_t max_memory = 1ull << 30;
};

/// What the host provides for time, randomness and ids.
struct Environment {
  std::function<std::int64_t()> clock_ms;  // epoch milliseconds; default: the system clock
  std::function<double()> random;          // [0, 1); default: a seeded per-evaluation generator
  std::function<std::string()> uuid;       // RFC 4122 v4 text; default: from `random`
};

class Evaluator;
struct CallContext;
class Value;

/// A native function the host installs beside the built-ins (see step_functions.hpp).
struct NativeFunction {
  std::string name;       // without the '$'
  std::string signature;  // e.g. "<a<j>n:a>"
  int arity = 0;          // parameters a higher-order caller passes
  /// Implementation: receives the validated arguments; throws nothing (errors via ctx).
  Value (*impl)(CallContext& ctx, std::vector<Value>& args) = nullptr;
};

struct NativeDef;

/// A set of extra functions (an opt-in extension the host installs). Built once, shared by
/// any number of evaluations.
class FunctionSet {
 public:
  /// Adds `f`, parsing its signature; false (and nothing added) when the signature is invalid.
  bool add(const NativeFunction& f);
  [[nodiscard]] const std::vector<std::shared_ptr<const NativeDef>>& defs() const { return defs_; }

 private:
  std::vector<std::shared_ptr<const NativeDef>> defs_;
};

struct CompiledExpression;

/// A compiled expression: immutable, cheap to copy (shared), safe to evaluate concurrently.
class Expression {
 public:
  [[nodiscard]] const std::string& text() const;
  /// True for a bare `$`, `$$` or a single name/variable reference (`foo`, `$x`) — the
  /// expressions Step Functions rejects where a JSONata template is expected.
  [[nodiscard]] bool is_bare_reference() const;
  /// Names of the variables the expression references (without '$'; "$" for `$$`, "" for `$`),
  /// each once, in order of first appearance.
  [[nodiscard]] const std::vector<std::string>& variables() const;
  /// For each variable reference `$name.a.b`, the path of plain field names that follow it
  /// (e.g. {"states", "result"}); used for `$states.result` placement checks.
  [[nodiscard]] const std::vector<std::vector<std::string>>& variable_paths() const;

  [[nodiscard]] const CompiledExpression& compiled() const { return *impl_; }
  explicit Expression(std::shared_ptr<const CompiledExpression> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const CompiledExpression> impl_;
};

/// Parses `text`. Error = a syntax error (S0xxx) with its position and token.
std::variant<Expression, Error> compile(std::string_view text);

using Bindings = std::vector<std::pair<std::string, const Json*>>;

/// Evaluates `expr` over `input` (nullptr = undefined input). Bindings are variables by name
/// (without '$'), read in place; the pointed-to JSON must outlive the call. `extensions` adds
/// functions (e.g. step_functions_functions()); nullptr = the 2.0.6 built-ins only.
/// Result: the value, std::nullopt for undefined, or the error.
std::variant<std::optional<Json>, Error> evaluate(const Expression& expr, const Json* input,
                                                  const Bindings& bindings = {},
                                                  const Limits& limits = {},
                                                  const Environment& environment = {},
                                                  const FunctionSet* extensions = nullptr);

/// One-call convenience for tests and tools: compile + evaluate.
std::variant<std::optional<Json>, Error> evaluate(std::string_view text, const Json* input,
                                                  const Bindings& bindings = {},
                                                  const Limits& limits = {},
                                                  const Environment& environment = {},
                                                  const FunctionSet* extensions = nullptr);

}  // namespace scl::jsonata
