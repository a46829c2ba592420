#pragma once
// Definition text -> immutable StateMachine model, or a list of diagnostics.
//
// Diagnostics mirror ValidateStateMachineDefinition (code, location as a JSON pointer, message)
// and render as the text CreateStateMachine puts in InvalidDefinition:
//   Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required:
//   [States] at /'
// (aws-behaviour.md F-089, F-090, F-115, F-127). Checks: JSON syntax, required/unknown fields,
// field types and ranges, Next/Default/Catch targets, duplicate and unreachable states, missing
// terminal state, Retry/Catch rules (States.ALL alone and last), paths, payload templates,
// intrinsic syntax, Choice rules, Wait/Fail exclusivity, Map/Parallel sub-graphs, and Task
// resources (through the host's ResourceValidator).
// NOTE(emulator): JSONata, Assign (variables) and distributed Map are rejected with a diagnostic.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/asl/model.hpp"

namespace scl::asl {

struct Diagnostic {
  std::string code;      // "SCHEMA_VALIDATION_FAILED", "MISSING_TRANSITION_TARGET", ...
  std::string location;  // JSON pointer ("/States/S/Resource"); empty when none applies
  std::string message;
  std::string severity = "ERROR";
  /// "<code>: <message> at <location>" (without " at ..." when location is empty).
  [[nodiscard]] std::string render() const;
};

/// Decides whether a Task `Resource` exists for this host / state machine type. Returns a
/// diagnostic (its location may be left empty: the compiler fills "/States/<S>/Resource").
/// Called only for ARNs that parse_resource_arn() accepts; others are rejected by the compiler.
using ResourceValidator = std::function<std::optional<Diagnostic>(const ResourceRef& resource)>;

struct CompileOptions {
  /// Empty = accept every well-formed resource ARN.
  ResourceValidator resource_validator;
};

struct CompileResult {
  std::shared_ptr<const StateMachine> machine;  // null iff diagnostics is non-empty
  std::vector<Diagnostic> diagnostics;
  [[nodiscard]] bool ok() const { return machine != nullptr; }
  /// "Invalid State Machine Definition: '<d1>, <d2>...'" (the InvalidDefinition message).
  [[nodiscard]] std::string invalid_definition_message() const;
};

/// Compiles `definition`. Never throws for bad input (bad_alloc aside); all problems are
/// diagnostics. The result's model keeps a copy of `definition`.
CompileResult compile(std::string_view definition, const CompileOptions& options = {});

/// The diagnostic AWS gives for an unknown resource (F-090):
/// "The resource provided <arn> is not recognized. The value is not a valid resource ARN, or the
/// resource is not available in this region."
Diagnostic unrecognized_resource(std::string_view arn);

/// EXPRESS rule (F-089, aws-behaviour.md 3.9): `.sync` and `.waitForTaskToken` are rejected.
/// Returns the diagnostic for such a resource, nullopt otherwise. Hosts call it from their
/// ResourceValidator for EXPRESS machines.
std::optional<Diagnostic> express_resource_rule(const ResourceRef& resource);

}  // namespace scl::asl
