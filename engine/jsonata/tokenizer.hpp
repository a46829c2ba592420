#pragma once
// The JSONata tokenizer: operators, string/number/boolean/null literals, names (plain and
// `backquoted`), $variables, /regex/flags literals, /* comments */.
//
// Positions are byte offsets just past the token, as the reference reports them (converted to
// UTF-16 units when an error leaves the library). Errors (S0101-S0106, S0301/S0302) are thrown
// as JsonataException.

#include <cstddef>
#include <string>
#include <string_view>

namespace scl::jsonata {

enum class TokenType { kEnd, kOperator, kString, kNumber, kValue, kName, kVariable, kRegex };

struct Token {
  TokenType type = TokenType::kEnd;
  std::string value;   // operator text, string contents, name, variable name, regex pattern
  double number = 0;   // kNumber
  int literal = 0;     // kValue: 0 null, 1 true, 2 false
  std::string flags;   // kRegex: "i", "m"
  std::size_t position = 0;
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}
  /// The next token; `prefix` = an operand may start here, so '/' begins a regex.
  Token next(bool prefix);

 private:
  Token scan_regex();
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Binding power of an operator (0 for terminators), or -1 when `op` is not an operator.
int binding_power(std::string_view op);

}  // namespace scl::jsonata
