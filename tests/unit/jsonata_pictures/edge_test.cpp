// Where we deliberately differ from the reference (it hangs, overflows its stack or throws a
// TypeError; see NOTE(emulator) in pictures.hpp), the int64 wrapper of $toMillis, and a fuzz
// loop: random pictures and texts through every entry point must return (a value or an error),
// never crash or hang.
#include "engine/jsonata/pictures/pictures.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

namespace p = scl::jsonata::pictures;

namespace {

template <class T>
std::string code_of(const p::Result<T>& r) {
  if (const auto* e = std::get_if<p::PictureError>(&r)) return e->code;
  return "";
}

std::string text_of(const p::Result<std::string>& r) {
  if (const auto* s = std::get_if<std::string>(&r)) return *s;
  return "!" + std::get<p::PictureError>(r).code;
}

}  // namespace

// Why: the reference loops forever for zero or a negative value with an exponent picture; we
// follow F&O (mantissa 0, exponent 0; the magnitude scaled, the sign from the sub-picture).
TEST_CASE("format_number with an exponent: zero and negative values return") {
  const p::DecimalFormat f;
  CHECK(text_of(p::format_number(0, "0.0e0", f)) == "0.0e0");
  CHECK(text_of(p::format_number(-1234.5, "0.0e0", f)) == "-1.2e3");
  CHECK(text_of(p::format_number(-0.00012345, "00.00e0", f)) == "-12.34e-5");
  CHECK(code_of(p::format_number(1.0 / 0.0, "0.0e0", f)) == "D1001");
}

// Why: a sub-picture without digit or separator characters is a TypeError in the reference; we
// answer with the JSONata code whose text says what is missing.
TEST_CASE("format_number: a sub-picture with no active character is D3085") {
  const p::DecimalFormat f;
  for (const char* picture : {"", "abc", ";", "0;", ";0", "%%"}) {
    INFO(picture);
    const auto r = p::format_number(5, picture, f);
    REQUIRE(code_of(r) == "D3085");
    CHECK(std::get<p::PictureError>(r).message.find("mantissa part") != std::string::npos);
  }
  CHECK(code_of(p::format_number(1, "0." + std::string(101, '#'), f)) == "D1001");  // toFixed's limit
}

// Why: values the reference cannot format (stack overflow, endless loop) are D1001 here, and
// the error text carries the value.
TEST_CASE("format_integer: values the reference cannot format are D1001") {
  CHECK(code_of(p::format_integer(1e7, "I")) == "D1001");
  CHECK(text_of(p::format_integer(9999999, "I")).size() == 9999 + 6);  // 9,999 M and CMXCIX
  CHECK(code_of(p::format_integer(1.0 / 0.0, "w")) == "D1001");
  CHECK(code_of(p::format_integer(1.0 / 0.0, "A")) == "D1001");
  const auto r = p::format_integer(1e7, "i");
  CHECK(std::get<p::PictureError>(r).message == "Number out of range: 10000000");
}

// Why: the messages are the reference's, with the value as JSON.
TEST_CASE("error messages carry the reference's text") {
  const auto a = p::format_integer(5, "#");
  CHECK(std::get<p::PictureError>(a).message ==
        "Formatting or parsing an integer as a sequence starting with \"#\" is not supported by "
        "this implementation");
  const auto b = p::parse_datetime("foo", std::nullopt);
  CHECK(std::get<p::PictureError>(b).message ==
        "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"foo\"");
  const auto c = p::format_datetime(0, "[q]", std::nullopt);
  CHECK(std::get<p::PictureError>(c).message ==
        "Unknown component specifier \"q\" in date/time picture string");
}

// Why: the engine calls the int64 form; NaN (an invalid date) is undefined there, and the
// leading components a picture leaves out come from now_millis.
TEST_CASE("parse_datetime: int64 form, NaN and now") {
  using Opt = std::optional<std::int64_t>;
  CHECK(std::get<Opt>(p::parse_datetime("2017-10-30", std::nullopt)) == Opt(1509321600000));
  CHECK(std::get<Opt>(p::parse_datetime("and", "[Yw]")) == Opt());
  CHECK(std::get<Opt>(p::parse_datetime("Hello", "Hello")) == Opt());
  const std::int64_t now = 1700000000123;  // 2023-11-14T22:13:20.123Z
  CHECK(std::get<Opt>(p::parse_datetime("13:45", "[H]:[m]", now)) == Opt(1699969500000));
  CHECK(std::get<Opt>(p::parse_datetime("13:45", "[H]:[m]")) == Opt(49500000));  // 1970-01-01
  const auto nan = p::parse_datetime_number("and", "[Yw]");
  CHECK(std::isnan(*std::get<std::optional<double>>(nan)));
}

// Why: no picture may crash or hang any parser; the loop is bounded in count and time.
TEST_CASE("fuzz: random pictures and texts always return") {
  std::mt19937 rng(20240612);
  const std::string alphabet =
      "[]]]0#9,.;:-+eE%\xe2\x80\xb0oOctaAiIwWnNYMDdFWwXxHhPmsfZzCE*123 \t\xd9\xa0\xef\xbc\x90"
      "\xf0\x9d\x9f\x8eGMTamp";
  const auto random_text = [&](std::size_t max_len) {
    std::string s;
    const std::size_t n = rng() % (max_len + 1);
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    return s;  // may be ill-formed UTF-8: the library must cope
  };
  const auto start = std::chrono::steady_clock::now();
  int runs = 0;
  for (; runs < 100000; ++runs) {
    const std::string picture = random_text(14);
    const std::string text = random_text(14);
    const double value = std::ldexp(static_cast<double>(static_cast<std::int32_t>(rng())), static_cast<int>(rng() % 80) - 40);
    p::DecimalFormat f;
    if (rng() % 4 == 0) f.grouping_separator = random_text(2);
    if (rng() % 4 == 0) f.zero_digit = random_text(1);
    (void)p::format_number(value, picture, f);
    (void)p::format_integer(value, picture);
    (void)p::parse_integer(text, picture);
    (void)p::format_datetime(static_cast<std::int64_t>(rng()) * 1000, picture,
                             rng() % 2 ? std::optional<std::string>(random_text(5)) : std::nullopt);
    (void)p::parse_datetime(text, picture, 1700000000123);
    (void)p::parse_datetime(text, std::nullopt);
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(20)) break;
  }
  MESSAGE("fuzz iterations: " << runs);
  CHECK(runs > 1000);
}
