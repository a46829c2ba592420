#pragma once
// The format-integer picture (F&O 3.1 §4.6.1) as jsonata-js 2.0.6 reads and applies it: decimal
// digit patterns in any of the reference's decimal digit families, grouping separators (regular
// or not), ordinals, letters (A, a), roman numerals (I, i) and English words (W, w, Ww); any other
// primary token is a "numbering sequence" the reference does not support (D3130).
// Shared by $formatInteger/$parseInteger and the integer components of date/time pictures.
// Internal to engine/jsonata/pictures.

#include <optional>
#include <vector>

#include "engine/jsonata/pictures/js_text.hpp"
#include "engine/jsonata/pictures/pictures.hpp"

namespace scl::jsonata::pictures::detail {

enum class IntegerStyle { kDecimal, kLetters, kRoman, kWords, kSequence };
enum class TextCase { kLower, kUpper, kTitle };

struct GroupSeparator {
  double position = 0;  // digits (mandatory or optional) to its right in the picture
  U16 character;        // one code point
};

struct IntegerPicture {
  IntegerStyle style = IntegerStyle::kDecimal;
  TextCase text_case = TextCase::kLower;
  bool ordinal = false;
  // Decimal digit patterns. The counts are doubles because a date/time width modifier may set
  // them from parseInt, NaN included, and the reference computes with what it gets.
  char32_t zero = U'0';
  double mandatory_digits = 0;
  double optional_digits = 0;
  bool regular = false;               // one separator character every `interval` digits
  double interval = 0;
  U16 regular_character;
  std::vector<GroupSeparator> separators;  // irregular grouping, left to right
  U16 token;                          // the primary format token (D3130's value)
};

/// Reads `picture` ("#,##0;o", "W", "Ww;o", "i", ...). Errors: D3131 (digits of two families).
/// A sequence token is not an error yet: formatting or parsing with it is (D3130).
Result<IntegerPicture> analyse_integer_picture(U16View picture);

/// Formats an integral `value` (the caller floors). Errors: D3130 (sequence), D1001 (a value the
/// reference cannot format: non-finite words or letters, roman numerals past 10^7, an output
/// longer than kMaxOutput).
Result<U16> format_integer_value(double value, const IntegerPicture& picture);

/// $parseInteger's reading of `text` (no validation against the picture, as in the reference):
/// NaN when it does not parse. Errors: D3130 (sequence).
Result<double> parse_integer_value(U16View text, const IntegerPicture& picture);

/// Cardinal or ordinal English words, title-cased ("Three Thousand, Seven Hundred and
/// Thirty-First"). `value` must be finite and >= 0.
U16 number_to_words(double value, bool ordinal);
/// The reference's reading of lower-case words back into a number; NaN for an unknown word.
double words_to_number(U16View lower_text);
/// Every word words_to_number knows, lower case (the date/time parser's alternation).
const std::vector<std::string>& number_words();

/// JavaScript's String.prototype.substr(start, length?) on UTF-16 text.
U16 js_substr(U16View text, double start, std::optional<double> length = std::nullopt);

}  // namespace scl::jsonata::pictures::detail
