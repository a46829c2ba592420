#include "engine/asl/choice.hpp"

#include <string>
#include <vector>

namespace scl::asl {
namespace {

Failure invalid_path(const JsonPath& p) {
  return Failure{std::string(errors::kRuntime),
                 "Invalid path '" + p.text() +
                     "': The choice state's condition path references an invalid value."};
}

int cmp3(auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); }

bool ordered(ChoiceOp op, int c) {
  switch (op) {
    case ChoiceOp::kStringEquals:
    case ChoiceOp::kNumericEquals:
    case ChoiceOp::kTimestampEquals:
      return c == 0;
    case ChoiceOp::kStringLessThan:
    case ChoiceOp::kNumericLessThan:
    case ChoiceOp::kTimestampLessThan:
      return c < 0;
    case ChoiceOp::kStringGreaterThan:
    case ChoiceOp::kNumericGreaterThan:
    case ChoiceOp::kTimestampGreaterThan:
      return c > 0;
    case ChoiceOp::kStringLessThanEquals:
    case ChoiceOp::kNumericLessThanEquals:
    case ChoiceOp::kTimestampLessThanEquals:
      return c <= 0;
    case ChoiceOp::kStringGreaterThanEquals:
    case ChoiceOp::kNumericGreaterThanEquals:
    case ChoiceOp::kTimestampGreaterThanEquals:
      return c >= 0;
    default:
      return false;
  }
}

bool is_string_op(ChoiceOp op) { return op >= ChoiceOp::kStringEquals && op <= ChoiceOp::kStringMatches; }
bool is_numeric_op(ChoiceOp op) {
  return op >= ChoiceOp::kNumericEquals && op <= ChoiceOp::kNumericGreaterThanEquals;
}
bool is_timestamp_op(ChoiceOp op) {
  return op >= ChoiceOp::kTimestampEquals && op <= ChoiceOp::kTimestampGreaterThanEquals;
}

Outcome<bool> compare(const ChoiceRule& r, const Json& input, const LazyJson& context,
                      EvalBudget& budget) {
  const JsonPath& var = *r.variable;
  if (!budget.spend(1)) return budget.exhausted_failure("a Choice rule");
  auto found = var.evaluate(var.is_context() ? context.get() : input, budget);
  if (!found) return found.failure();
  const std::optional<Json>& value = found.value();
  if (r.op == ChoiceOp::kIsPresent) return (value.has_value()) == r.operand.get<bool>();
  if (!value) return invalid_path(var);
  const Json& v = *value;
  const bool want = r.operand.is_boolean() && r.operand.get<bool>();
  switch (r.op) {
    case ChoiceOp::kIsNull: return v.is_null() == want;
    case ChoiceOp::kIsNumeric: return v.is_number() == want;
    case ChoiceOp::kIsString: return v.is_string() == want;
    case ChoiceOp::kIsBoolean: return v.is_boolean() == want;
    case ChoiceOp::kIsTimestamp:
      return (v.is_string() && parse_rfc3339(v.get_ref<const std::string&>()).has_value()) == want;
    default: break;
  }
  Json operand = r.operand;
  if (r.operand_is_path) {
    const JsonPath& p = *r.operand_path;
    auto o = p.evaluate(p.is_context() ? context.get() : input, budget);
    if (!o) return o.failure();
    if (!o.value()) return invalid_path(p);
    operand = std::move(*o.value());
  }
  if (v.is_string() && operand.is_string()) {
    // String comparisons and StringMatches are linear in both strings.
    if (!budget.spend_bytes(v.get_ref<const std::string&>().size() +
                            operand.get_ref<const std::string&>().size())) {
      return budget.exhausted_failure("a Choice rule");
    }
  }
  if (r.op == ChoiceOp::kBooleanEquals) {
    return v.is_boolean() && operand.is_boolean() && v.get<bool>() == operand.get<bool>();
  }
  if (r.op == ChoiceOp::kStringMatches) {
    return v.is_string() && operand.is_string() &&
           string_matches(v.get_ref<const std::string&>(), operand.get_ref<const std::string&>());
  }
  if (is_string_op(r.op)) {
    if (!v.is_string() || !operand.is_string()) return false;
    return ordered(r.op, cmp3(v.get_ref<const std::string&>(), operand.get_ref<const std::string&>()));
  }
  if (is_numeric_op(r.op)) {
    if (!v.is_number() || !operand.is_number()) return false;
    if (v.is_number_integer() && operand.is_number_integer()) {
      return ordered(r.op, cmp3(v.get<std::int64_t>(), operand.get<std::int64_t>()));
    }
    return ordered(r.op, cmp3(v.get<double>(), operand.get<double>()));
  }
  if (is_timestamp_op(r.op)) {
    if (!v.is_string() || !operand.is_string()) return false;
    auto a = parse_rfc3339(v.get_ref<const std::string&>());
    auto b = r.timestamp && !r.operand_is_path ? r.timestamp
                                               : parse_rfc3339(operand.get_ref<const std::string&>());
    if (!a || !b) return false;
    return ordered(r.op, *a < *b ? -1 : (*b < *a ? 1 : 0));
  }
  return false;
}

}  // namespace

Outcome<bool> evaluate_choice_rule(const ChoiceRule& rule, const Json& input,
                                   const LazyJson& context, EvalBudget* budget_in) {
  EvalBudget local;
  EvalBudget& budget = budget_in != nullptr ? *budget_in : local;
  switch (rule.kind) {
    case ChoiceRule::Kind::kAnd:
      for (const auto& c : rule.children) {
        auto r = evaluate_choice_rule(c, input, context, &budget);
        if (!r || !r.value()) return r;
      }
      return true;
    case ChoiceRule::Kind::kOr:
      for (const auto& c : rule.children) {
        auto r = evaluate_choice_rule(c, input, context, &budget);
        if (!r || r.value()) return r;
      }
      return false;
    case ChoiceRule::Kind::kNot: {
      auto r = evaluate_choice_rule(rule.children.front(), input, context, &budget);
      if (!r) return r;
      return !r.value();
    }
    case ChoiceRule::Kind::kCompare:
      return compare(rule, input, context, budget);
  }
  return false;
}

namespace {

// First occurrence of `needle` in `hay` at or after `from` (Knuth-Morris-Pratt: linear in both,
// where std::string_view::find is O(|hay| * |needle|) on inputs like "aaaa...b").
std::size_t kmp_find(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.empty()) return from;
  std::vector<std::size_t> fail(needle.size(), 0);
  for (std::size_t i = 1, k = 0; i < needle.size(); ++i) {
    while (k > 0 && needle[i] != needle[k]) k = fail[k - 1];
    if (needle[i] == needle[k]) ++k;
    fail[i] = k;
  }
  for (std::size_t i = from, k = 0; i < hay.size(); ++i) {
    while (k > 0 && hay[i] != needle[k]) k = fail[k - 1];
    if (hay[i] == needle[k]) ++k;
    if (k == needle.size()) return i + 1 - k;
  }
  return std::string_view::npos;
}

}  // namespace

bool string_matches(std::string_view value, std::string_view pattern) {
  // The literal pieces between unescaped stars.
  std::vector<std::string> pieces(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() && (pattern[i + 1] == '*' || pattern[i + 1] == '\\')) {
      pieces.back().push_back(pattern[++i]);
    } else if (c == '*') {
      pieces.emplace_back();
    } else {
      pieces.back().push_back(c);
    }
  }
  if (pieces.size() == 1) return value == pieces.front();
  const std::string& first = pieces.front();
  const std::string& last = pieces.back();
  if (value.size() < first.size() + last.size()) return false;
  if (value.substr(0, first.size()) != first) return false;
  if (value.substr(value.size() - last.size()) != last) return false;
  // Middle pieces in order, leftmost, inside the part the first and last pieces leave free.
  const std::string_view middle = value.substr(first.size(), value.size() - first.size() - last.size());
  std::size_t pos = 0;
  for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
    pos = kmp_find(middle, pieces[i], pos);
    if (pos == std::string_view::npos) return false;
    pos += pieces[i].size();
  }
  return true;
}

}  // namespace scl::asl
