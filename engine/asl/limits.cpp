#include "engine/asl/limits.hpp"

#include <algorithm>
#include <vector>

namespace scl::asl {

const EvalLimits& default_eval_limits() {
  static const EvalLimits kLimits{};
  return kLimits;
}

Failure EvalBudget::exhausted_failure(std::string_view what) const {
  return Failure{std::string(errors::kRuntime),
                 "The evaluation of " + std::string(what) +
                     " exceeded the emulator's work limit for one state (" +
                     std::to_string(limits_->work_units) + " units)."};
}

Failure EvalBudget::too_large_failure(std::string_view what) const {
  return Failure{std::string(errors::kDataLimitExceeded),
                 "The value of " + std::string(what) +
                     " has a size exceeding the maximum number of bytes service limit (" +
                     std::to_string(limits_->max_value_bytes) + " bytes)."};
}

namespace {

// Digits of a number as JSON text, without formatting it (a lower bound is enough).
std::size_t number_size(const Json& v) {
  if (v.is_number_unsigned()) {
    std::size_t n = 1;
    for (auto x = v.get<std::uint64_t>(); x >= 10; x /= 10) ++n;
    return n;
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    std::size_t n = i < 0 ? 2 : 1;
    for (auto x = i < 0 ? -(i / 10) : i / 10; x > 0; x /= 10) ++n;
    return n;
  }
  return 1;
}

}  // namespace

bool add_value_size(const Json& v, std::size_t limit, std::size_t& acc, EvalBudget& budget) {
  // Iterative walk: values nest up to kMaxNesting levels, and this runs on server threads.
  std::vector<const Json*> todo{&v};
  while (!todo.empty()) {
    const Json* n = todo.back();
    todo.pop_back();
    if (!budget.spend(1)) return false;
    switch (n->type()) {
      case Json::value_t::object:
        acc += 2 + (n->empty() ? 0 : n->size() - 1);
        for (auto it = n->begin(); it != n->end(); ++it) {
          acc += it.key().size() + 3;  // "key":
          todo.push_back(&it.value());
        }
        break;
      case Json::value_t::array:
        acc += 2 + (n->empty() ? 0 : n->size() - 1);
        for (const auto& c : *n) todo.push_back(&c);
        break;
      case Json::value_t::string:
        acc += n->get_ref<const std::string&>().size() + 2;
        if (!budget.spend_bytes(n->get_ref<const std::string&>().size())) return false;
        break;
      case Json::value_t::boolean:
        acc += n->get<bool>() ? 4 : 5;
        break;
      case Json::value_t::null:
        acc += 4;
        break;
      default:
        acc += number_size(*n);
        break;
    }
    if (acc > limit) return false;
  }
  return true;
}

Outcome<bool> budgeted_full_match(const core::Regex& re, std::string_view subject,
                                  EvalBudget& budget, std::string_view what) {
  const core::RegexLimits& cap = budget.limits().regex;
  core::RegexLimits attempt = cap;
  // JIT matches of ordinary patterns need a handful of steps (measured: 1-8 for e-mail-like
  // patterns and .*foo.* on short strings), so the first attempt is cheap to charge.
  attempt.match_limit = std::min<std::uint32_t>(cap.match_limit, 16);
  while (true) {
    // Each attempt scans the subject and may take match_limit steps: both are charged up front.
    if (!budget.spend_bytes(subject.size()) || !budget.spend(attempt.match_limit)) {
      return budget.exhausted_failure(what);
    }
    switch (re.full_match(subject, attempt)) {
      case core::Regex::Outcome::kMatch:
        return true;
      case core::Regex::Outcome::kNoMatch:
        return false;
      case core::Regex::Outcome::kError:
        // Invalid UTF-8 cannot come from a parsed JSON string; treat it as no match.
        return false;
      case core::Regex::Outcome::kLimit:
        break;
    }
    if (attempt.match_limit >= cap.match_limit) {
      return Failure{std::string(errors::kRuntime),
                     "The regular expression of " + std::string(what) +
                         " exceeded the regular expression match limit (" +
                         std::to_string(cap.match_limit) + " steps, depth " +
                         std::to_string(cap.depth_limit) + ", " +
                         std::to_string(cap.heap_limit_kib) + " KiB) on a subject of " +
                         std::to_string(subject.size()) + " bytes."};
    }
    attempt.match_limit = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(cap.match_limit, std::uint64_t{attempt.match_limit} * 4));
  }
}

}  // namespace scl::asl
