#pragma once
// The few JavaScript string and number semantics the reference's pictures lean on, so the
// picture code can say what it means: UTF-16 strings, Number::toString, toFixed, Math.round,
// parseInt, the \s class, JSON.stringify of a string, and the error values with their messages.
// Internal to engine/jsonata/pictures.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/jsonata/pictures/pictures.hpp"

namespace scl::jsonata::pictures::detail {

using U16 = std::u16string;
using U16View = std::u16string_view;

/// UTF-8 -> UTF-16; ill-formed bytes become U+FFFD.
U16 to_u16(std::string_view text);
/// UTF-16 -> UTF-8; a lone surrogate becomes U+FFFD.
std::string to_u8(U16View text);
/// One code point as UTF-16 (String.fromCodePoint).
U16 from_code_point(char32_t code_point);
/// Code point at `i` (a surrogate pair read whole) and how many units it takes.
char32_t code_point_at(U16View text, std::size_t i, std::size_t* units = nullptr);

/// JavaScript's Number::toString(x) in radix 10 ("1e+21", "1.5e-7", "NaN", "-Infinity").
std::string js_number_to_string(double x);
/// Number.prototype.toFixed(digits) for 0 <= digits <= 100 (|x| >= 1e21 gives toString).
std::string js_to_fixed(double x, int digits);
/// Math.round: nearest integer, ties towards +Infinity, -0 kept.
double js_math_round(double x);
/// parseInt(text) with no radix (leading white space, sign, "0x" = hexadecimal; NaN when no
/// digit follows).
double js_parse_int(U16View text);
/// The % operator (fmod; NaN for a zero divisor).
double js_mod(double a, double b);
/// WhiteSpace or LineTerminator (the \s class, String.prototype.trim).
bool js_is_space(char16_t unit);
/// String.prototype.indexOf / lastIndexOf; -1 when absent (an empty `what` is found at
/// min(from, size) and at size).
long js_index_of(U16View text, U16View what, long from = 0);
long js_last_index_of(U16View text, U16View what);
/// String.prototype.substring (clamped, arguments swapped when start > end) and slice (negative
/// indexes count from the end).
U16 js_substring(U16View text, double start, std::optional<double> end = std::nullopt);
U16 js_slice(U16View text, double start, std::optional<double> end = std::nullopt);
/// String.prototype.charAt: one unit, or empty past the end.
U16 js_char_at(U16View text, double index);
/// String.prototype.split with a string separator (empty: one unit each).
std::vector<U16> js_split(U16View text, U16View separator);
/// ToNumber of a numeric literal string ("1.5e23"); NaN when not one.
double js_string_to_number(const std::string& text);
/// JSON.stringify of a string.
std::string json_quote(U16View text);
std::string json_quote(std::string_view utf8);

/// The error value for `code` with the reference's message, `value` (already JSON) filling its
/// {{value}} slot.
PictureError picture_error(std::string_view code, std::string_view value_json = {});
/// D1001 "Number out of range" for a value the reference cannot format (or a result too long).
PictureError out_of_range(double value);

}  // namespace scl::jsonata::pictures::detail
