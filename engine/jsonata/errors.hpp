#pragma once
// JSONata errors: the reference's codes (S0xxx syntax, T0xxx/T1xxx/T2xxx type, D1xxx-D3xxx
// dynamic, U1001 limits) with the reference's message templates.
//
// Inside the library an error travels as a thrown `JsonataException` (the evaluator is deeply
// recursive and an error unwinds all of it, as in the reference); `compile()`/`evaluate()` catch
// it and hand back an `Error` value. Nothing thrown here crosses the public interface
// (NOTE: a deliberate departure from STYLE's "errors as values" inside engine code, kept to
// the library's inside).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/jsonata/value.hpp"

namespace scl::jsonata {

struct ErrorInfo {
  std::string code;
  std::optional<std::size_t> position;  // byte offset into the expression text
  std::optional<std::string> token;
  Value value;  // {{value}}
  bool has_value = false;
  Value value2;  // {{value2}}
  bool has_value2 = false;
  std::optional<double> index;  // {{index}} (signature errors)
  std::string type;             // {{type}} (T0412)
  std::string message;          // {{{message}}} (D3137, D3141, $error, pictures)
  std::string function_name;    // {{{functionName}}} (D3140)
  std::optional<double> exp;    // {{exp}} (D3061)
  // The evaluator's count of evaluations when the error arose (0 = not stamped yet): which of
  // several failing array items reports its error (see Evaluator::eval_array).
  std::uint64_t stamp = 0;
  // Codes of the other failing items when several items of a constructor failed (the reference
  // runs them concurrently and reports whichever fails first in its scheduling).
  std::vector<std::string> concurrent_codes;
};

struct JsonataException {
  ErrorInfo info;
};

[[noreturn]] void throw_error(std::string code, std::optional<std::size_t> position = std::nullopt,
                              std::optional<std::string> token = std::nullopt);
[[noreturn]] void throw_error_value(std::string code, const Value& value,
                                    std::optional<std::size_t> position = std::nullopt);

/// The message the reference prints for `info` (its template with the fields filled in).
std::string render_message(const ErrorInfo& info);

}  // namespace scl::jsonata
