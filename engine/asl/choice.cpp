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

Outcome<bool> compare(const ChoiceRule& r, const Json& input, const LazyJson& context) {
  const JsonPath& var = *r.variable;
  auto value = var.find(var.is_context() ? context.get() : input);
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
    auto o = p.find(p.is_context() ? context.get() : input);
    if (!o) return invalid_path(p);
    operand = std::move(*o);
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
                                   const LazyJson& context) {
  switch (rule.kind) {
    case ChoiceRule::Kind::kAnd:
      for (const auto& c : rule.children) {
        auto r = evaluate_choice_rule(c, input, context);
        if (!r || !r.value()) return r;
      }
      return true;
    case ChoiceRule::Kind::kOr:
      for (const auto& c : rule.children) {
        auto r = evaluate_choice_rule(c, input, context);
        if (!r || r.value()) return r;
      }
      return false;
    case ChoiceRule::Kind::kNot: {
      auto r = evaluate_choice_rule(rule.children.front(), input, context);
      if (!r) return r;
      return !r.value();
    }
    case ChoiceRule::Kind::kCompare:
      return compare(rule, input, context);
  }
  return false;
}

bool string_matches(std::string_view value, std::string_view pattern) {
  // Tokenise the pattern: literal characters and wildcards.
  struct Tok {
    bool star;
    char c;
  };
  std::vector<Tok> toks;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      toks.push_back({false, pattern[++i]});
    } else if (pattern[i] == '*') {
      toks.push_back({true, '*'});
    } else {
      toks.push_back({false, pattern[i]});
    }
  }
  // Greedy wildcard matching with backtracking to the last star.
  std::size_t v = 0, t = 0, star_t = std::string::npos, star_v = 0;
  while (v < value.size()) {
    if (t < toks.size() && !toks[t].star && toks[t].c == value[v]) {
      ++v;
      ++t;
    } else if (t < toks.size() && toks[t].star) {
      star_t = t++;
      star_v = v;
    } else if (star_t != std::string::npos) {
      t = star_t + 1;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (t < toks.size() && toks[t].star) ++t;
  return t == toks.size();
}

}  // namespace scl::asl
