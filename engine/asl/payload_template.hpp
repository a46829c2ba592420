#pragma once
// Payload templates: Parameters, ResultSelector, ItemSelector (States Language "Payload
// Template"). A member whose name ends in ".$" takes its value from a path ($ = the effective
// input, $$ = the context object) or an intrinsic call; the ".$" is dropped from the output name.
// Nested objects and arrays are processed recursively; other values are copied.
//
// Immutable after compile(); concurrent const use is safe.

#include <memory>
#include <stdexcept>
#include <string>

#include "engine/asl/intrinsics.hpp"
#include "engine/asl/json.hpp"
#include "engine/asl/outcome.hpp"

namespace scl::asl {

/// Thrown by PayloadTemplate::compile. field() is the offending member name (e.g. "x.$").
/// what() is AWS's wording: "The value for the field 'x.$' must be a valid JSONPath or a valid
/// intrinsic function call".
class TemplateError : public std::runtime_error {
 public:
  TemplateError(std::string field, const std::string& message)
      : std::runtime_error(message), field_(std::move(field)) {}
  [[nodiscard]] const std::string& field() const { return field_; }

 private:
  std::string field_;
};

class PayloadTemplate {
 public:
  struct Node;

  /// Compiles `tmpl` (any JSON value; normally an object). Throws TemplateError.
  static PayloadTemplate compile(const Json& tmpl);

  /// Builds the payload under scope.budget. Failures: States.Runtime (a path matched nothing;
  /// cause from path_not_found(); or the budget ran out), States.IntrinsicFailure (from an
  /// intrinsic), States.DataLimitExceeded (the payload would be larger than max_value_bytes).
  /// Never throws (bad_alloc aside).
  [[nodiscard]] Outcome<Json> evaluate(const EvalScope& scope) const;

  /// The template as written in the definition.
  [[nodiscard]] const Json& source() const { return source_; }

 private:
  Json source_;
  std::shared_ptr<const Node> root_;
};

}  // namespace scl::asl
