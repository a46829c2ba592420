#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace scl::model {

// Why a request body was refused by check_input(). The caller maps kSerialization to
// `SerializationException` and kValidation to `ValidationException` (SFN:
// `com.amazonaws.swf.service.v2.model#ValidationException`); see aws-behaviour.md 1.2.
struct InputProblem {
  enum class Kind { kSerialization, kValidation };
  Kind kind;
  std::string message;
};

// One parameter that from_pascal() could not map onto a structure member. AWS rejects those
// in Task states: `The field "X" is not supported by Step Functions` (aws-behaviour.md 3.2);
// the caller owns the wording because it knows the state.
struct UnknownField {
  std::string field;  // the key as written, e.g. "Foo"
  std::string path;   // JSON Pointer (RFC 6901) of the key in the PascalCase input,
                      // e.g. "/EnvironmentVariablesOverride/0/Foo"
};

struct FromPascalResult {
  nlohmann::json value;               // camelCase; unknown fields are left out
  std::vector<UnknownField> unknown;  // in document order; empty = everything mapped
  [[nodiscard]] bool ok() const noexcept { return unknown.empty(); }
};

// How output_to_pascal() renders timestamp members: as given (the API's epoch-second numbers) or
// as integer epoch milliseconds (what Step Functions' Java-based integrations put in task output;
// aws-behaviour.md 3.3, an [INF] choice).
enum class TimestampFormat { kAsIs, kEpochMillis };

// Operation metadata from the service model.
struct OperationInfo {
  std::string name;                 // "StartBuild"
  std::string input_shape;          // "" when the operation takes no input
  std::string output_shape;         // "" when the operation returns nothing
  std::vector<std::string> errors;  // modeled error shape names, model order
};

// A botocore service model (trimmed by tools/gen_model.py, embedded at build time) with the
// per-shape data needed to validate request bodies and to convert member names.
//
// Immutable after construction; every const member function may be called from any thread
// concurrently. Precomputed at load: shape ids, member tables sorted by wire name and by
// PascalCase name, compiled patterns, constraint texts. Nothing is compiled or formatted per
// request on the success path.
//
// ---- check_input: what AWS's JSON-protocol (coral) servers do, and our message choices ----
// Deserialization comes first: the first member whose JSON type does not fit its shape makes
// the whole request a kSerialization problem (validation messages found so far are dropped).
// Messages, following coral/Jackson wording measured on other AWS JSON services [3P]:
//   string expected, got number        -> "NUMBER_VALUE can not be converted to a String"
//   string expected, got true / false  -> "TRUE_VALUE can not be converted to a String" / FALSE_
//   integer|long|float|double expected, got string / bool
//                                      -> "STRING_VALUE can not be converted to an Integer"
//                                         (a Long, a Float, a Double; TRUE_VALUE / FALSE_VALUE)
//   integer|long expected, got a fraction (1.5) or a value outside int32/int64
//                                      -> "NUMBER_VALUE can not be converted to an Integer" / a
//                                      Long
//                                         NOTE(emulator): real coral is reported to truncate
//                                         fractions; we reject them (integral floats like 5.0 pass)
//   boolean expected, got string / number
//                                      -> "STRING_VALUE can not be converted to a Boolean" /
//                                      NUMBER_
//   timestamp expected, got bool / non-ISO-8601 string
//                                      -> "TRUE_VALUE can not be converted to a Timestamp" /
//                                         "STRING_VALUE can not be converted to a Timestamp"
//                                         (numbers = epoch seconds and ISO-8601 strings pass)
//   scalar or structure/map expected, got an array -> "Start of list found where not expected"
//   scalar or list expected, got an object -> "Start of structure or map found where not expected."
//   list expected, got a scalar        -> "Expected list or null"
//   structure/map expected, got scalar -> "Expected null"
// JSON null counts as absent (a required member that is null is "Member must not be null"); a
// null list element is skipped. Members not in the model are ignored, as AWS does.
//
// Validation (model constraints) then collects every violation, in model declaration order,
// depth first, and reports
//   "1 validation error detected: <v>" or "N validation errors detected: <v1>; <v2>; ..."
// where <v> is "Value '<value>' at '<path>' failed to satisfy constraint: <constraint>".
//   path:  members joined by '.', list items as ".<1-based index>.member" (coral style, e.g.
//          "environmentVariablesOverride.1.member.name"), map values as ".<key>.member".
//   value: strings raw, integers as digits, other numbers as JSON text, booleans true/false,
//          lists "[a, b]", structures and maps "{k=v, k2=v2}" (Java toString shape).
//          A missing member renders as "Value null at '<path>'"; a value of a sensitive shape
//          renders as "Value at '<path>'" (coral hides sensitive values).
//   constraint, per failed check, in this order (max length before min, as coral lists them):
//          "Member must not be null" (missing required member)
//          "Member must have length less than or equal to N" / "... greater than or equal to N"
//              (strings: Unicode code points; lists and maps: element count)
//          "Member must have value less than or equal to N" / "... greater than or equal to N"
//          "Member must satisfy regular expression pattern: <Java pattern as in the model>"
//          "Member must satisfy enum value set: [A, B, C]" (model order)
//   A list of scalars whose element breaks a constraint is one violation at the list path with
//   the whole list as value: "Member must satisfy constraint: [<all constraints of the element
//   shape>, Member must not be null]" (coral style). Map keys likewise: "Map keys must satisfy
//   constraint: [...]"; scalar map values: "Map value must satisfy constraint: [...]".
// Patterns are Java regexes translated by java_regex_to_pcre2() and matched as a whole
// (Java matches(); AWS rejects "Count Tool" for [a-zA-Z0-9_-]+) with core::Regex under its cost
// limits, at any value length; a limit hit counts as a pattern violation (the normal message).
// A pattern that is one repeated character class checks ASCII values with a table first. A
// pattern that cannot be translated or compiled is skipped (never enforced); pattern_skipped()
// tells which.
// Values quoted in messages ("Value '...'") are cut to core::kEchoMaxChars characters + "…"
// (engine/core/echo.hpp; issue 11, finding 14).
class ServiceModel {
 public:
  // The embedded models; parsed on first use (thread-safe), never destroyed before exit.
  static const ServiceModel& codebuild();
  static const ServiceModel& stepfunctions();

  // Builds a model from JSON in the tools/gen_model.py format.
  // Throws nlohmann::json::exception on malformed JSON and std::invalid_argument when a shape
  // reference does not resolve.
  [[nodiscard]] static ServiceModel parse(std::string_view json_text);

  ServiceModel(ServiceModel&&) noexcept;
  ServiceModel& operator=(ServiceModel&&) noexcept;
  ServiceModel(const ServiceModel&) = delete;
  ServiceModel& operator=(const ServiceModel&) = delete;
  ~ServiceModel();

  [[nodiscard]] const std::string& target_prefix() const noexcept;  // "CodeBuild_20161006"
  [[nodiscard]] const std::string& json_version() const noexcept;   // "1.1"
  [[nodiscard]] const std::string& service_id() const noexcept;     // "CodeBuild"

  [[nodiscard]] bool has_operation(std::string_view name) const noexcept;
  // nullptr when unknown. The pointer stays valid for the model's lifetime.
  [[nodiscard]] const OperationInfo* operation(std::string_view name) const noexcept;
  // Sorted by name.
  [[nodiscard]] std::vector<std::string_view> operation_names() const;

  [[nodiscard]] bool has_shape(std::string_view name) const noexcept;
  // Enum values of a string shape in model order; empty if the shape is unknown or no enum.
  [[nodiscard]] std::span<const std::string> enum_values(std::string_view shape) const noexcept;
  // True when the shape has a pattern that could not be translated/compiled (not enforced).
  [[nodiscard]] bool pattern_skipped(std::string_view shape) const noexcept;

  // Checks a request body against the operation's input shape (rules above). nullopt = OK.
  // Throws std::invalid_argument for an unknown operation (check has_operation() first).
  [[nodiscard]] std::optional<InputProblem> check_input(std::string_view operation,
                                                        const nlohmann::json& body) const;
  // Same rules for any shape of the model (paths relative to the value).
  // Throws std::invalid_argument for an unknown shape.
  [[nodiscard]] std::optional<InputProblem> check_shape(std::string_view shape,
                                                        const nlohmann::json& value) const;

  // ---- Name conversion for the Step Functions optimized integrations (aws-behaviour.md
  // 3.2/3.3). Structure member names are mapped camelCase <-> PascalCase (first letter
  // upper-cased; the reverse uses the model's member table, so it is exact), recursing through
  // structures and lists. Map keys and map values are data and copied untouched; so is every
  // scalar. A value whose JSON type does not fit the shape is copied as is (check_input()
  // reports it later).
  // to_pascal: members not in the model get their first letter upper-cased and their value
  // copied verbatim. Throws std::invalid_argument for an unknown shape.
  [[nodiscard]] nlohmann::json to_pascal(std::string_view shape, const nlohmann::json& camel) const;
  // from_pascal: keys that are not the PascalCase name of a member are reported in `unknown`
  // and left out of `value`. Expects resolved parameters (no "Key.$" entries).
  // Throws std::invalid_argument for an unknown shape.
  [[nodiscard]] FromPascalResult from_pascal(std::string_view shape,
                                             const nlohmann::json& pascal) const;
  // Operation level: input shape of `operation` (PascalCase Parameters -> API request) and
  // output shape (API response -> PascalCase task result). Without an input shape every key is
  // unknown; without an output shape top-level keys are capitalised and values copied.
  // Throws std::invalid_argument for an unknown operation.
  [[nodiscard]] FromPascalResult input_from_pascal(std::string_view operation,
                                                   const nlohmann::json& pascal) const;
  [[nodiscard]] nlohmann::json output_to_pascal(
      std::string_view operation, const nlohmann::json& camel,
      TimestampFormat timestamps = TimestampFormat::kAsIs) const;
  // The same result as ordered_json (members in the order output_to_pascal() holds them),
  // built in one pass: what the Step Functions integrations hand to the interpreter.
  [[nodiscard]] nlohmann::ordered_json output_to_pascal_ordered(
      std::string_view operation, const nlohmann::json& camel,
      TimestampFormat timestamps = TimestampFormat::kAsIs) const;
  // output_to_pascal_ordered(operation, {{member, value}}) without building that wrapper.
  [[nodiscard]] nlohmann::ordered_json output_member_to_pascal_ordered(
      std::string_view operation, std::string_view member, const nlohmann::json& value,
      TimestampFormat timestamps = TimestampFormat::kAsIs) const;

  struct Impl;  // defined in service_model.cpp

 private:
  explicit ServiceModel(std::unique_ptr<const Impl> impl) noexcept;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace scl::model
