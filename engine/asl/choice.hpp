#pragma once
// Choice rule evaluation (States Language "Choice Rules").

#include <string_view>

#include "engine/asl/json.hpp"
#include "engine/asl/model.hpp"
#include "engine/asl/outcome.hpp"

namespace scl::asl {

/// Evaluates `rule` against the state's effective input (`$`) and the context object (`$$`).
/// A comparison whose operand has the wrong type is false (not an error). Failures
/// (States.Runtime): the Variable of any operator other than IsPresent matches nothing, or a
/// "...Path" operand matches nothing. Never throws.
Outcome<bool> evaluate_choice_rule(const ChoiceRule& rule, const Json& input,
                                   const LazyJson& context);

/// StringMatches: '*' matches any run of characters; "\*" is a literal '*', "\\" a literal '\'.
bool string_matches(std::string_view value, std::string_view pattern);

}  // namespace scl::asl
