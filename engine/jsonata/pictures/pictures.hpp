#pragma once
// JSONata 2.0.6's picture-string functions on plain C++ values: the date/time, number and integer
// pictures behind $fromMillis, $now(picture, timezone), $toMillis, $formatNumber, $formatInteger
// and $parseInteger. The pictures are those of XPath/XQuery Functions and Operators 3.1
// (§4.6.1 format-integer, §4.7 format-number, §9.8 format-dateTime), with the reference
// implementation's own choices reproduced (jsonata-js 2.0.6, the version AWS Step Functions
// implements; see https://docs.jsonata.org/date-time-functions and .../numeric-functions).
//
// What "reproduced" means here: every output, `undefined` and error code the reference gives for a
// picture is ours too, including its quirks (rounding half to even on the shortest decimal form of
// a value, JavaScript's number-to-string in integer output, a timezone "-0530" read as -6h-30m,
// day 31 of February in ISO timestamps rolling into March). Strings are handled in UTF-16 code
// units where the reference does (so a character outside the BMP counts as two), and converted
// back to UTF-8 on output (a lone surrogate becomes U+FFFD).
//
// NOTE(emulator): where the reference never returns (a zero or negative value with an exponent
// picture, Infinity in letters), overflows its stack (roman numerals of 10^7 and above, words of
// Infinity or NaN) or fails with a JavaScript TypeError (a sub-picture without any digit or
// separator character), we return an error value instead: D3085 for the picture, D1001 ("Number
// out of range") for the value, and outputs longer than kMaxOutput are D1001 as well. Timestamps
// without an offset are read as UTC (the reference reads them in the host's time zone).
//
// Errors are values (PictureError, with the JSONata code and its message text); nothing here
// throws except std::bad_alloc. All functions are pure and may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace scl::jsonata::pictures {

/// A JSONata error: `code` is the reference's (D3110, D3130..D3136, D3080..D3093, D1001),
/// `message` its text with the offending value filled in as JSON (`... starting with "#" ...`).
struct PictureError {
  std::string code;
  std::string message;
};

template <class T>
using Result = std::variant<T, PictureError>;

/// Longest string any function here builds (in UTF-16 code units); beyond it: D1001.
inline constexpr std::size_t kMaxOutput = 1'000'000;

/// $fromMillis(ms, picture?, timezone?) and $now(picture?, timezone?). No picture = ISO 8601 with
/// milliseconds ("2017-11-07T15:07:54.972Z", or "...-05:00" in another timezone). `timezone` is
/// read as the reference reads it (JavaScript parseInt of "+0100" / "-0500"; anything unparsable
/// gives the reference's "NaN" fields).
Result<std::string> format_datetime(std::int64_t millis, const std::optional<std::string>& picture,
                                    const std::optional<std::string>& timezone);

/// $toMillis(timestamp, picture?): nullopt = the reference returns undefined (the picture does
/// not match, or matches no component). Without a picture the timestamp must be ISO 8601 (else
/// D3110). `now_millis` is the evaluation's $millis(): the reference fills the components left of
/// the first one the picture gives from the current time (e.g. "[H]:[m]" is today at that time),
/// so the engine should pass its clock's value; the default 0 means 1970-01-01.
/// The reference's "Invalid Date" outcome (NaN: a date out of range, "and" read as a year in
/// words) is nullopt here; parse_datetime_number keeps it.
Result<std::optional<std::int64_t>> parse_datetime(const std::string& timestamp,
                                                   const std::optional<std::string>& picture,
                                                   std::int64_t now_millis = 0);

/// parse_datetime with the reference's number kept as is: an integral number of milliseconds, or
/// NaN where the reference computes an invalid date (JSONata then carries NaN, which serialises as
/// null).
Result<std::optional<double>> parse_datetime_number(const std::string& timestamp,
                                                    const std::optional<std::string>& picture,
                                                    std::int64_t now_millis = 0);

/// XPath decimal-format properties with JSONata's defaults ($formatNumber's options object:
/// "decimal-separator", "grouping-separator", "exponent-separator", "minus-sign", "infinity",
/// "NaN", "percent", "per-mille", "zero-digit", "digit", "pattern-separator").
/// NOTE: like the reference, `infinity` and `nan` are accepted but not used (Infinity formats
/// through JavaScript's toFixed).
struct DecimalFormat {  // XPath decimal-format properties, JSONata defaults
  std::string decimal_separator = ".", grouping_separator = ",", exponent_separator = "e",
              minus_sign = "-", infinity = "Infinity", nan = "NaN", percent = "%",
              per_mille = "\u2030", zero_digit = "0", digit = "#", pattern_separator = ";";
};

/// $formatNumber(value, picture, options).
Result<std::string> format_number(double value, const std::string& picture,
                                  const DecimalFormat& format);

/// $formatInteger(value, picture): value is floored first, as the reference does.
Result<std::string> format_integer(double value, const std::string& picture);

/// $parseInteger(string, picture): nullopt = undefined (never, for a string: the reference always
/// returns a number). Text that does not parse gives NaN, as in the reference.
Result<std::optional<double>> parse_integer(const std::string& text, const std::string& picture);

}  // namespace scl::jsonata::pictures
