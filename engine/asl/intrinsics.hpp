#pragma once
// Intrinsic functions (States Language "Intrinsic Functions"): parser and evaluator.
//
// Grammar: call := 'States.' Name '(' [arg (',' arg)*] ')'
//          arg  := 'string' (escapes \' \{ \} \\ only) | number | true | false | null
//                | $path | $$path | call
// Supported: States.Format, StringToJson, JsonToString, Array, ArrayPartition, ArrayContains,
// ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique, Base64Encode, Base64Decode, Hash, JsonMerge,
// MathRandom, MathAdd, StringSplit, UUID. Unknown names and wrong argument counts are syntax
// errors (reported at definition time); argument *values* are checked at run time and fail with
// States.IntrinsicFailure.
// NOTE(emulator): the `cause` texts of States.IntrinsicFailure are ours; AWS's are not evidenced.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/asl/json.hpp"
#include "engine/asl/jsonpath.hpp"
#include "engine/asl/outcome.hpp"
#include "engine/asl/random_source.hpp"

namespace scl::asl {

/// Thrown by parse_intrinsic for malformed or unknown calls. what() describes the problem.
class IntrinsicSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IntrinsicCall;

struct IntrinsicArg {
  enum class Kind { kLiteral, kPath, kCall };
  Kind kind = Kind::kLiteral;
  Json literal;
  /// For string literals: the text split at unescaped "{}" (size = placeholders + 1).
  std::vector<std::string> format_pieces;
  std::optional<JsonPath> path;
  std::shared_ptr<const IntrinsicCall> call;
};

struct IntrinsicCall {
  std::string name;  // e.g. "States.Format"
  std::vector<IntrinsicArg> args;
};

/// Everything an evaluation may read. References must outlive the call.
struct EvalScope {
  const Json& input;    // target of `$` paths
  const LazyJson& context;  // target of `$$` paths (the context object), built on first use
  RandomSource& random;
  /// The state's work budget (limits.hpp); nullptr = a fresh default budget per evaluation.
  EvalBudget* budget = nullptr;
};

/// True when `text` is meant as an intrinsic call (starts with "States.").
bool looks_like_intrinsic(std::string_view text);

/// Parses a complete call expression. Throws IntrinsicSyntaxError.
IntrinsicCall parse_intrinsic(std::string_view text);

/// The States.Runtime failure for a `.$` field (or intrinsic argument) whose path matched nothing:
/// "The JSONPath '<path>' specified for the field '<field>' could not be found in the input
/// '<data>'" (AWS wording; the stepper prefixes the state part of the cause).
Failure path_not_found(std::string_view path, std::string_view field, const Json& data);

/// Evaluates `call`. `field` names the template field (e.g. "x.$") for error causes.
/// Failures: States.IntrinsicFailure (bad argument values), States.Runtime (a path argument that
/// does not exist, or the work budget ran out), States.DataLimitExceeded (the arguments of one
/// call, or its result, are larger than max_value_bytes). Never throws (except std::bad_alloc).
Outcome<Json> evaluate_intrinsic(const IntrinsicCall& call, const EvalScope& scope,
                                 std::string_view field);

}  // namespace scl::asl
