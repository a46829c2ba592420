#pragma once
// Function signatures (`<s-n?:s>`, `<a<n>:n>`, `<x-b?:s>`, ...): the argument types of built-ins
// and of lambdas that declare one, checked before a call. Each argument has a type symbol
// (b n s l a o f, m = missing/undefined); a parameter accepts a set of symbols, optionally
// `?` (optional), `+` (one or more) or `-` (take the context value when absent). Arrays
// accept any value and wrap a non-array in one; `a<n>` also checks the members' type.
//
// Errors: T0410 (no match), T0411 (context value of the wrong type), T0412 (array member type);
// parse errors S0401/S0402 carry the offset in the signature text.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/jsonata/value.hpp"

namespace scl::jsonata {

struct SignatureParam {
  char type = 0;        // b n s l o a f j x, or '(' for a choice
  std::string symbols;  // the argument symbols this parameter accepts
  std::string subtype;  // a<...> / f<...>
  bool optional = false;
  bool repeat = false;
  bool context = false;
  std::string context_symbols;  // symbols a context value may have
};

struct Signature {
  std::string text;
  std::vector<SignatureParam> params;

  /// Parses `text` (with its angle brackets). Throws S0401/S0402 with position = offset.
  static Signature parse(std::string_view text);

  /// The arguments the function receives: context values substituted, arrays wrapped.
  /// Throws T0410/T0411/T0412 (index set, token/position left to the caller).
  [[nodiscard]] std::vector<Value> validate(const std::vector<Value>& args,
                                            const Value& context) const;
};

/// The signature symbol of a value (b n s l a o f, m for undefined).
char type_symbol(const Value& v);

}  // namespace scl::jsonata
