#include "engine/core/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace scl::core {
namespace {

// One JIT stack per thread (PCRE2's default is 32 KiB on the machine stack, which a
// back-reference repeated over a long subject exhausts). Reserved lazily, grows to 8 MiB.
pcre2_jit_stack* thread_jit_stack() {
  struct Holder {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    ~Holder() { pcre2_jit_stack_free(stack); }
  };
  thread_local Holder holder;
  return holder.stack;
}

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  explicit Code(pcre2_code* c) : code(c) {}
  ~Code() { pcre2_code_free(code); }
  Code(const Code&) = delete;
  Code& operator=(const Code&) = delete;
};

Regex::Regex(std::shared_ptr<const Code> code, std::string pattern)
    : code_(std::move(code)), pattern_(std::move(pattern)) {}

std::optional<Regex> Regex::compile(std::string_view pattern, const RegexOptions& options,
                                    std::string* error) {
  std::uint32_t flags = PCRE2_UTF;
  if (options.caseless) flags |= PCRE2_CASELESS;
  if (options.multiline) flags |= PCRE2_MULTILINE;
  if (options.dotall) flags |= PCRE2_DOTALL;
  if (options.extended) flags |= PCRE2_EXTENDED;
  if (options.anchored) flags |= PCRE2_ANCHORED;
  if (options.javascript) flags |= PCRE2_ALT_BSUX | PCRE2_MATCH_UNSET_BACKREF | PCRE2_DOLLAR_ENDONLY;
  pcre2_compile_context* ctx = pcre2_compile_context_create(nullptr);
  if (options.javascript) pcre2_set_compile_extra_options(ctx, PCRE2_EXTRA_ALT_BSUX);
  // Patterns nest at most this deep (PCRE2's default is 250): compile time stays bounded too.
  pcre2_set_parens_nest_limit(ctx, 250);
  int rc = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   flags, &rc, &offset, ctx);
  pcre2_compile_context_free(ctx);
  if (code == nullptr) {
    if (error != nullptr) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(rc, buf, sizeof buf);
      *error = std::string(reinterpret_cast<const char*>(buf)) + " at offset " +
               std::to_string(offset);
    }
    return std::nullopt;
  }
  auto owned = std::make_shared<Code>(code);
  owned->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return Regex(std::move(owned), std::string(pattern));
}

Regex::Outcome Regex::run(std::string_view subject, std::size_t start, RegexMatch* match,
                          const RegexLimits& limits, std::uint32_t extra_options) const {
  if (start > subject.size()) return Outcome::kNoMatch;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_->code, nullptr);
  pcre2_match_context* mc = pcre2_match_context_create(nullptr);
  if (md == nullptr || mc == nullptr) {
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    return Outcome::kError;
  }
  pcre2_set_match_limit(mc, limits.match_limit);
  pcre2_set_depth_limit(mc, limits.depth_limit);
  pcre2_set_heap_limit(mc, limits.heap_limit_kib);
  if (code_->jit) pcre2_jit_stack_assign(mc, nullptr, thread_jit_stack());
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                       start, extra_options, md, mc);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    // The interpreter keeps its backtracking frames on the heap, bounded by heap_limit.
    rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                     start, extra_options | PCRE2_NO_JIT, md, mc);
  }
  Outcome out = Outcome::kError;
  if (rc >= 0) {
    out = Outcome::kMatch;
    if (match != nullptr) {
      const std::uint32_t pairs = pcre2_get_ovector_count(md);
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      match->groups.clear();
      match->groups.reserve(pairs);
      for (std::uint32_t i = 0; i < pairs; ++i) {
        if (ov[2 * i] == PCRE2_UNSET) {
          match->groups.emplace_back(RegexMatch::npos, RegexMatch::npos);
        } else {
          match->groups.emplace_back(ov[2 * i], ov[2 * i + 1]);
        }
      }
    }
  } else if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) {
    out = Outcome::kNoMatch;
  } else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
             rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
             rc == PCRE2_ERROR_NOMEMORY) {
    out = Outcome::kLimit;
  }
  pcre2_match_data_free(md);
  pcre2_match_context_free(mc);
  return out;
}

Regex::Outcome Regex::search(std::string_view subject, std::size_t start, RegexMatch* match,
                             const RegexLimits& limits) const {
  return run(subject, start, match, limits, 0);
}

Regex::Outcome Regex::full_match(std::string_view subject, const RegexLimits& limits) const {
  return run(subject, 0, nullptr, limits, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
}

std::size_t Regex::capture_count() const {
  std::uint32_t n = 0;
  pcre2_pattern_info(code_->code, PCRE2_INFO_CAPTURECOUNT, &n);
  return n;
}

std::vector<std::pair<std::string, std::size_t>> Regex::group_names() const {
  std::uint32_t count = 0;
  std::uint32_t entry = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code_->code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code_->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(code_->code, PCRE2_INFO_NAMETABLE, &table);
  std::vector<std::pair<std::string, std::size_t>> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    const PCRE2_SPTR e = table + static_cast<std::size_t>(i) * entry;
    const std::size_t number = (static_cast<std::size_t>(e[0]) << 8) | e[1];
    out.emplace_back(std::string(reinterpret_cast<const char*>(e + 2)), number);
  }
  return out;
}

}  // namespace scl::core
