#pragma once
// JSONPath as Step Functions (Jayway JsonPath underneath) uses it.
//
// Supported syntax:
//   $ / $$            root of the data / of the context object
//   .name  ['name']   member (also ["name"]; a backslash is kept and only stops the next
//                     character from closing the name, as in Jayway: aws-fidelity P3)
//   [n]               array index (negative counts from the end)
//   .* [*]            wildcard
//   ..x               recursive descent followed by any selector
//   [a:b:s]           slice (each part optional; negative start/end count from the end)
//   ['a','b'] [0,2]   unions
//   [?(expr)]         filter: @ (current item) and $ paths, literals (numbers, 'str', "str",
//                     true, false, null, [list]), == != < <= > >= =~ /re/[imsx] in nin,
//                     && || ! and parentheses; a bare path tests existence. =~ is a whole-
//                     string match (Java's Matcher.matches(), as Jayway), run by PCRE2 under
//                     the evaluation budget (engine/core/regex.hpp, limits.hpp).
// A *definite* path (only members and indexes) yields one value or nothing; any other path
// yields an array of all matches (possibly empty), as AWS returns it.
// A *reference path* (ASL "Reference Paths": ResultPath, ItemsPath, ...) is a definite path.
//
// Thread-safety: a JsonPath is immutable after parse; concurrent const use is safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/asl/json.hpp"
#include "engine/asl/limits.hpp"
#include "engine/asl/outcome.hpp"

namespace scl::asl {

/// Thrown by JsonPath::parse for malformed path text. what() describes the problem.
class JsonPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FilterExpr;  // defined in jsonpath.cpp

class JsonPath {
 public:
  struct Segment {
    enum class Kind { kName, kIndex, kWildcard, kSlice, kNames, kIndexes, kFilter };
    Kind kind = Kind::kName;
    bool recursive = false;  // preceded by ".."
    std::string name;
    std::int64_t index = 0;
    std::vector<std::string> names;
    std::vector<std::int64_t> indexes;
    std::optional<std::int64_t> start, end;
    std::int64_t step = 1;
    std::shared_ptr<const FilterExpr> filter;
  };

  /// Parses `text` (which must start with `$`; `$$` marks a context path). Throws JsonPathError.
  static JsonPath parse(std::string_view text);
  /// As parse(), but returns nullopt (and the reason in *error if given) instead of throwing.
  static std::optional<JsonPath> try_parse(std::string_view text, std::string* error = nullptr);

  /// The text the path was parsed from.
  [[nodiscard]] const std::string& text() const { return text_; }
  /// True for `$$...` paths (evaluated against the context object by the caller's choice).
  [[nodiscard]] bool is_context() const { return context_; }
  /// True when the path selects at most one node (members and indexes only).
  [[nodiscard]] bool is_definite() const;
  /// True for ASL reference paths: definite and not a context path.
  [[nodiscard]] bool is_reference() const { return is_definite() && !context_; }
  [[nodiscard]] const std::vector<Segment>& segments() const { return segments_; }

  /// Evaluates against `root` under `budget` (limits.hpp). Definite path: the value, or nullopt
  /// when it does not exist. Indefinite path: an array of every match in document order (never
  /// nullopt). Failures: States.Runtime when the budget runs out or a filter's regular expression
  /// hits its match limit; States.DataLimitExceeded when the value would be larger than
  /// max_value_bytes (checked before it is copied). Never throws (except std::bad_alloc).
  [[nodiscard]] Outcome<std::optional<Json>> evaluate(const Json& root, EvalBudget& budget) const;

  /// evaluate() with a fresh default budget; nullopt also when the evaluation failed. For tests
  /// and callers outside a state evaluation.
  [[nodiscard]] std::optional<Json> find(const Json& root) const;

  /// Pointers into `root` for every match (document order), under a fresh default budget (empty
  /// when it fails). Valid while `root` is unchanged.
  [[nodiscard]] std::vector<const Json*> select(const Json& root) const;

  /// Why this path found nothing in `root`, as Jayway JsonPath words it after
  /// "Invalid path '<text>' : ": "No results for path: $['a']['b']" (the whole path in bracket
  /// form; also for a missing index, printed [0]) or, when a member before the last is missing,
  /// "Missing property in path $['a']" (up to and including that member)
  /// (aws-fidelity-jsonpath.md P1).
  [[nodiscard]] std::string no_results_message(const Json& root) const;

  /// Writes `value` at this reference path inside `root` (ResultPath semantics): `$` replaces
  /// root; missing object members along the way are created as objects; an index must exist.
  /// Returns false (root unchanged only if the failure is detected before any creation; callers
  /// use a copy) when the path cannot be applied: a non-object where a member is needed, an
  /// index out of range, or a non-reference path.
  bool assign(Json& root, Json value) const;

 private:
  std::string text_;
  bool context_ = false;
  std::vector<Segment> segments_;

  friend class JsonPathParser;
};

}  // namespace scl::asl
