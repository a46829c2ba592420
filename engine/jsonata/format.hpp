#pragma once
// Text forms as JavaScript makes them: numbers (Number.prototype.toString), JSON.stringify with
// JSONata's $string rules (numbers to 15 significant digits, functions as ""), and the string
// arithmetic the reference does (lengths and substrings by code point, comparison by UTF-16
// code unit).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/jsonata/value.hpp"
#include "engine/core/utf8.hpp"

namespace scl::jsonata {

/// JavaScript's shortest round-trip text of a double ("1e+21", "0.30000000000000004", "-0").
std::string format_number(double d);
/// Number(d.toPrecision(15)): what $string prints for numbers.
double round15(double d);

/// JSON.stringify(v) with JSONata's replacer (numbers round15, functions ""); pretty = 2 spaces.
/// Throws D1001 for non-finite numbers (as the reference's replacer does) when `strict`;
/// otherwise prints them as null (JSON.stringify without the replacer, for messages).
std::string stringify(const Value& v, bool pretty, bool strict = true);
/// JSON.stringify of one string (quotes and escapes).
void append_quoted(std::string& out, std::string_view s);

/// Code points in a UTF-8 string (what the reference's $length counts).
std::size_t code_point_count(std::string_view s);
/// Byte offsets of each code point start, plus s.size() at the end.
std::vector<std::size_t> code_point_offsets(std::string_view s);
/// Number of UTF-16 code units up to byte offset `bytes` (positions as JavaScript counts them).
std::size_t utf16_length(std::string_view s, std::size_t bytes);
/// Compares as JavaScript compares strings (by UTF-16 code unit): <0, 0, >0.
int compare_utf16(std::string_view a, std::string_view b);
/// Decodes the code point at s[i] (advancing i); invalid bytes decode as U+FFFD.
char32_t decode_utf8(std::string_view s, std::size_t& i);
using core::append_utf8;

}  // namespace scl::jsonata
