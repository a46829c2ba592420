#pragma once
// Choice rule evaluation (States Language "Choice Rules").

#include <string_view>

#include "engine/asl/json.hpp"
#include "engine/asl/model.hpp"
#include "engine/asl/outcome.hpp"

namespace scl::asl {

/// Evaluates `rule` against the state's effective input (`$`) and the context object (`$$`),
/// drawing from `budget` (nullptr: a fresh default budget). A comparison whose operand has the
/// wrong type is false (not an error). Failures (States.Runtime): the Variable of any operator
/// other than IsPresent matches nothing, a "...Path" operand matches nothing, or the budget ran
/// out (also States.DataLimitExceeded from an oversized path result). Never throws.
Outcome<bool> evaluate_choice_rule(const ChoiceRule& rule, const Json& input,
                                   const LazyJson& context, EvalBudget* budget = nullptr);

/// StringMatches: '*' matches any run of characters; "\*" is a literal '*', "\\" a literal '\'
/// (any other backslash is kept as a literal backslash). Linear in |value| + |pattern|: the
/// pattern is split at its stars and the pieces are found in order, leftmost, the first anchored
/// at the start and the last at the end (the brief's 262,000-character case took 6.9 s with the
/// backtracking matcher).
bool string_matches(std::string_view value, std::string_view pattern);

}  // namespace scl::asl
