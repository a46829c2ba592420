// The one table of built-ins: name, signature (as jsonata 2.0.6 declares it), arity (the
// reference implementation's declared parameters: what $map & co pass a callback) and the
// implementation. $eval is absent: Step Functions removed it, so `$eval(...)` is a call of an
// undefined variable and fails with T1006 as on AWS.

#include <memory>
#include <string_view>
#include <unordered_map>

#include "engine/jsonata/functions.hpp"

namespace scl::jsonata {

namespace {

struct Entry {
  std::string_view name;
  std::string_view signature;
  int arity;
  NativeImpl impl;
};

using namespace builtins;  // NOLINT(google-build-using-namespace)

constexpr Entry kBuiltins[] = {
    // aggregation
    {"sum", "<a<n>:n>", 1, fn_sum},
    {"count", "<a:n>", 1, fn_count},
    {"max", "<a<n>:n>", 1, fn_max},
    {"min", "<a<n>:n>", 1, fn_min},
    {"average", "<a<n>:n>", 1, fn_average},
    // string
    {"string", "<x-b?:s>", 1, fn_string},
    {"substring", "<s-nn?:s>", 3, fn_substring},
    {"substringBefore", "<s-s:s>", 2, fn_substringBefore},
    {"substringAfter", "<s-s:s>", 2, fn_substringAfter},
    {"lowercase", "<s-:s>", 1, fn_lowercase},
    {"uppercase", "<s-:s>", 1, fn_uppercase},
    {"length", "<s-:n>", 1, fn_length},
    {"trim", "<s-:s>", 1, fn_trim},
    {"pad", "<s-ns?:s>", 3, fn_pad},
    {"match", "<s-f<s:o>n?:a<o>>", 3, fn_match},
    {"contains", "<s-(sf):b>", 2, fn_contains},
    {"replace", "<s-(sf)(sf)n?:s>", 4, fn_replace},
    {"split", "<s-(sf)n?:a<s>>", 3, fn_split},
    {"join", "<a<s>s?:s>", 2, fn_join},
    {"formatNumber", "<n-so?:s>", 3, fn_formatNumber},
    {"formatBase", "<n-n?:s>", 2, fn_formatBase},
    {"formatInteger", "<n-s:s>", 2, fn_formatInteger},
    {"parseInteger", "<s-s:n>", 2, fn_parseInteger},
    // numeric
    {"number", "<(nsb)-:n>", 1, fn_number},
    {"floor", "<n-:n>", 1, fn_floor},
    {"ceil", "<n-:n>", 1, fn_ceil},
    {"round", "<n-n?:n>", 2, fn_round},
    {"abs", "<n-:n>", 1, fn_abs},
    {"sqrt", "<n-:n>", 1, fn_sqrt},
    {"power", "<n-n:n>", 2, fn_power},
    {"random", "<:n>", 0, fn_random},
    // boolean
    {"boolean", "<x-:b>", 1, fn_boolean},
    {"not", "<x-:b>", 1, fn_not},
    // higher-order
    {"map", "<af>", 2, fn_map},
    {"zip", "<a+>", 0, fn_zip},
    {"filter", "<af>", 2, fn_filter},
    {"single", "<af?>", 2, fn_single},
    {"reduce", "<afj?:j>", 3, fn_reduce},
    {"sift", "<o-f?:o>", 2, fn_sift},
    // object
    {"keys", "<x-:a<s>>", 1, fn_keys},
    {"lookup", "<x-s:x>", 2, fn_lookup},
    {"append", "<xx:a>", 2, fn_append},
    {"exists", "<x:b>", 1, fn_exists},
    {"spread", "<x-:a<o>>", 1, fn_spread},
    {"merge", "<a<o>:o>", 1, fn_merge},
    {"reverse", "<a:a>", 1, fn_reverse},
    {"each", "<o-f:a>", 2, fn_each},
    {"error", "<s?:x>", 1, fn_error},
    {"assert", "<bs?:x>", 2, fn_assert},
    {"type", "<x:s>", 1, fn_type},
    {"sort", "<af?:a>", 2, fn_sort},
    {"shuffle", "<a:a>", 1, fn_shuffle},
    {"distinct", "<x:x>", 1, fn_distinct},
    // encoding
    {"base64encode", "<s-:s>", 1, fn_base64encode},
    {"base64decode", "<s-:s>", 1, fn_base64decode},
    {"encodeUrlComponent", "<s-:s>", 1, fn_encodeUrlComponent},
    {"encodeUrl", "<s-:s>", 1, fn_encodeUrl},
    {"decodeUrlComponent", "<s-:s>", 1, fn_decodeUrlComponent},
    {"decodeUrl", "<s-:s>", 1, fn_decodeUrl},
    // date/time
    {"toMillis", "<s-s?:n>", 2, fn_toMillis},
    {"fromMillis", "<n-s?s?:s>", 3, fn_fromMillis},
    {"now", "<s?s?:s>", 2, fn_now},
    {"millis", "<:n>", 0, fn_millis},
    // transform support
    {"clone", "<(oa)-:o>", 1, fn_clone},
};

struct Registry {
  std::vector<std::unique_ptr<NativeDef>> defs;
  std::unordered_map<std::string_view, std::pair<const NativeDef*, Value>> by_name;

  Registry() {
    for (const Entry& e : kBuiltins) {
      auto def = std::make_unique<NativeDef>();
      def->name = std::string(e.name);
      def->signature = Signature::parse(e.signature);
      def->arity = e.arity;
      def->impl = e.impl;
      auto f = std::make_shared<Function>();
      f->type = Function::Type::kNative;
      f->native = def.get();
      by_name.emplace(def->name, std::make_pair(def.get(), Value::function(std::move(f))));
      defs.push_back(std::move(def));
    }
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

const NativeDef* find_builtin(std::string_view name) {
  const auto& map = registry().by_name;
  auto it = map.find(name);
  return it == map.end() ? nullptr : it->second.first;
}

const Value* builtin_value(std::string_view name) {
  const auto& map = registry().by_name;
  auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second.second;
}

}  // namespace scl::jsonata
