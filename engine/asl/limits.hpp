#pragma once
// Bounded evaluation: the limits every evaluation inside one state draws from (issue 11).
//
// A state's data processing (InputPath, Parameters / ItemSelector / ResultSelector templates,
// intrinsic functions, Choice rules, ResultPath, OutputPath, Map item selection, the Wait and Map
// "...Path" fields) charges counted *work units* to one EvalBudget. Nothing here reads a clock:
// the same input always stops at the same point, on any machine. When the budget runs out, or a
// regular expression hits its match limit, the evaluation ends with a States.Runtime failure
// whose cause names the limit; when a value an evaluation produces cannot fit the payload limit,
// it ends with States.DataLimitExceeded (what AWS reports for an oversized payload).
//
// What one unit is: one JSON node visited or produced, one backtracking step of a regular
// expression, one character of a string compared, searched or copied in bulk (charged per
// kBytesPerUnit). The default budget keeps the worst single state evaluation we could construct
// well under 100 ms on a 2-core machine (README "Reliability limits" lists the measurements).
//
// Threading: an EvalBudget belongs to one evaluation (one stepper, one strand); not thread-safe.
// Exceptions: none.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/asl/failure.hpp"
#include "engine/asl/json.hpp"
#include "engine/asl/outcome.hpp"
#include "engine/core/regex.hpp"

namespace scl::asl {

/// Payload size limit for inputs, outputs and task results (256 KiB, UTF-8 bytes).
inline constexpr std::size_t kMaxPayloadBytes = 262144;

/// Every limit of state evaluation, in one place. The defaults are what the emulator runs with.
struct EvalLimits {
  /// Work units one state evaluation may spend.
  std::uint64_t work_units = 1'000'000;
  /// Largest value a path, payload template or intrinsic may produce (serialized bytes).
  std::size_t max_value_bytes = kMaxPayloadBytes;
  /// Cost bounds of one regular-expression match (JSONPath filter `=~`). match_limit also
  /// caps what one match may draw from the budget.
  core::RegexLimits regex{500'000, 10'000, 16 * 1024};
  /// States.Base64Encode / Base64Decode / Hash input length (AWS docs: 10,000 characters).
  std::size_t max_intrinsic_string = 10000;
  /// States.ArrayRange result length (AWS docs: 1,000 items).
  std::size_t max_range_items = 1000;
  /// Characters of string work per unit (copying, comparing, searching).
  std::size_t bytes_per_unit = 64;
};

/// The limits the stepper uses.
const EvalLimits& default_eval_limits();

/// A work budget drawn down by one state evaluation.
class EvalBudget {
 public:
  explicit EvalBudget(const EvalLimits& limits = default_eval_limits()) : limits_(&limits) {}

  /// Starts a new state evaluation with the full budget.
  void reset() { used_ = 0; }
  /// Charges `units`. False once the budget is exhausted (it stays exhausted until reset()).
  bool spend(std::uint64_t units) {
    used_ += units;
    return used_ <= limits_->work_units;
  }
  /// Charges string work of `bytes` characters.
  bool spend_bytes(std::size_t bytes) { return spend(1 + bytes / limits_->bytes_per_unit); }
  [[nodiscard]] bool exhausted() const { return used_ > limits_->work_units; }
  [[nodiscard]] std::uint64_t used() const { return used_; }
  [[nodiscard]] const EvalLimits& limits() const { return *limits_; }

  /// The States.Runtime failure for an exhausted budget. `what` names the evaluation that ran
  /// out (e.g. "the JSONPath '$..*'"). The stepper adds the state prefix.
  [[nodiscard]] Failure exhausted_failure(std::string_view what) const;
  /// The States.DataLimitExceeded failure for a value larger than max_value_bytes.
  [[nodiscard]] Failure too_large_failure(std::string_view what) const;

 private:
  const EvalLimits* limits_;
  std::uint64_t used_ = 0;
};

/// Adds the serialized size of `v` (a lower bound: escapes not counted) to `acc`, charging one
/// unit per node visited (and string bytes per bytes_per_unit), and stops as soon as `acc` exceeds `limit`. Returns false when it did
/// (or the budget ran out; check budget.exhausted()). Cost: at most min(size of v, limit) nodes.
bool add_value_size(const Json& v, std::size_t limit, std::size_t& acc, EvalBudget& budget);

/// Java's Matcher.matches() of `re` against the whole `subject` under the budget. The match runs
/// with a match limit that starts small and grows fourfold up to limits().regex.match_limit,
/// each attempt charged to the budget, so a match costs at most a few times the work it did.
/// Failures (States.Runtime): the match limit, depth or heap limit was hit ("... exceeded the
/// regular expression match limit ..."), or the budget ran out. `what` names the expression.
Outcome<bool> budgeted_full_match(const core::Regex& re, std::string_view subject,
                                  EvalBudget& budget, std::string_view what);

}  // namespace scl::asl
