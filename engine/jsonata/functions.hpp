#pragma once
// Built-in function implementations, by family; registered in registry.cpp's one table.
// Each receives the arguments its signature validated (context values substituted, arrays
// wrapped) and throws JsonataException for the reference's errors.

#include <vector>

#include "engine/jsonata/function.hpp"
#include "engine/jsonata/value.hpp"

namespace scl::jsonata::builtins {

// functions_string.cpp
Value fn_string(CallContext& ctx, std::vector<Value>& args);
Value fn_substring(CallContext& ctx, std::vector<Value>& args);
Value fn_substringBefore(CallContext& ctx, std::vector<Value>& args);
Value fn_substringAfter(CallContext& ctx, std::vector<Value>& args);
Value fn_lowercase(CallContext& ctx, std::vector<Value>& args);
Value fn_uppercase(CallContext& ctx, std::vector<Value>& args);
Value fn_length(CallContext& ctx, std::vector<Value>& args);
Value fn_trim(CallContext& ctx, std::vector<Value>& args);
Value fn_pad(CallContext& ctx, std::vector<Value>& args);
Value fn_match(CallContext& ctx, std::vector<Value>& args);
Value fn_contains(CallContext& ctx, std::vector<Value>& args);
Value fn_replace(CallContext& ctx, std::vector<Value>& args);
Value fn_split(CallContext& ctx, std::vector<Value>& args);
Value fn_join(CallContext& ctx, std::vector<Value>& args);
Value fn_base64encode(CallContext& ctx, std::vector<Value>& args);
Value fn_base64decode(CallContext& ctx, std::vector<Value>& args);
Value fn_encodeUrlComponent(CallContext& ctx, std::vector<Value>& args);
Value fn_encodeUrl(CallContext& ctx, std::vector<Value>& args);
Value fn_decodeUrlComponent(CallContext& ctx, std::vector<Value>& args);
Value fn_decodeUrl(CallContext& ctx, std::vector<Value>& args);

// functions_numeric.cpp
Value fn_number(CallContext& ctx, std::vector<Value>& args);
Value fn_floor(CallContext& ctx, std::vector<Value>& args);
Value fn_ceil(CallContext& ctx, std::vector<Value>& args);
Value fn_round(CallContext& ctx, std::vector<Value>& args);
Value fn_abs(CallContext& ctx, std::vector<Value>& args);
Value fn_sqrt(CallContext& ctx, std::vector<Value>& args);
Value fn_power(CallContext& ctx, std::vector<Value>& args);
Value fn_random(CallContext& ctx, std::vector<Value>& args);
Value fn_formatBase(CallContext& ctx, std::vector<Value>& args);
Value fn_formatNumber(CallContext& ctx, std::vector<Value>& args);
Value fn_formatInteger(CallContext& ctx, std::vector<Value>& args);
Value fn_parseInteger(CallContext& ctx, std::vector<Value>& args);
Value fn_sum(CallContext& ctx, std::vector<Value>& args);
Value fn_count(CallContext& ctx, std::vector<Value>& args);
Value fn_max(CallContext& ctx, std::vector<Value>& args);
Value fn_min(CallContext& ctx, std::vector<Value>& args);
Value fn_average(CallContext& ctx, std::vector<Value>& args);

// functions_array.cpp
Value fn_append(CallContext& ctx, std::vector<Value>& args);
Value fn_reverse(CallContext& ctx, std::vector<Value>& args);
Value fn_shuffle(CallContext& ctx, std::vector<Value>& args);
Value fn_distinct(CallContext& ctx, std::vector<Value>& args);
Value fn_zip(CallContext& ctx, std::vector<Value>& args);
Value fn_sort(CallContext& ctx, std::vector<Value>& args);
Value fn_exists(CallContext& ctx, std::vector<Value>& args);
Value fn_boolean(CallContext& ctx, std::vector<Value>& args);
Value fn_not(CallContext& ctx, std::vector<Value>& args);
Value fn_type(CallContext& ctx, std::vector<Value>& args);
Value fn_error(CallContext& ctx, std::vector<Value>& args);
Value fn_assert(CallContext& ctx, std::vector<Value>& args);
Value fn_single(CallContext& ctx, std::vector<Value>& args);

// functions_object.cpp
Value fn_keys(CallContext& ctx, std::vector<Value>& args);
Value fn_lookup(CallContext& ctx, std::vector<Value>& args);
Value fn_spread(CallContext& ctx, std::vector<Value>& args);
Value fn_merge(CallContext& ctx, std::vector<Value>& args);
Value fn_each(CallContext& ctx, std::vector<Value>& args);
Value fn_sift(CallContext& ctx, std::vector<Value>& args);
Value fn_clone(CallContext& ctx, std::vector<Value>& args);

// functions_hof.cpp
Value fn_map(CallContext& ctx, std::vector<Value>& args);
Value fn_filter(CallContext& ctx, std::vector<Value>& args);
Value fn_reduce(CallContext& ctx, std::vector<Value>& args);

// functions_datetime.cpp
Value fn_now(CallContext& ctx, std::vector<Value>& args);
Value fn_millis(CallContext& ctx, std::vector<Value>& args);
Value fn_fromMillis(CallContext& ctx, std::vector<Value>& args);
Value fn_toMillis(CallContext& ctx, std::vector<Value>& args);

/// The argument at i, or undefined.
inline const Value& arg(const std::vector<Value>& args, std::size_t i) {
  static const Value kUndefined;
  return i < args.size() ? args[i] : kUndefined;
}

}  // namespace scl::jsonata::builtins
