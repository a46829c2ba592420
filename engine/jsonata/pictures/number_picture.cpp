// $formatNumber: the format-number picture (F&O 3.1 §4.7) as jsonata-js 2.0.6 splits, validates
// (§4.7.3, its own error codes D3080..D3093) and applies it (§4.7.5). The reference works on
// UTF-16 code units and on the decimal-format properties as whole strings; so does this file.

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "engine/jsonata/pictures/js_text.hpp"
#include "engine/jsonata/pictures/pictures.hpp"

namespace scl::jsonata::pictures {
namespace {

using detail::U16;
using detail::U16View;

struct Properties {
  U16 decimal, grouping, exponent, minus, percent, per_mille, zero, digit, pattern;
  std::vector<U16> family;  // the ten digits starting at the zero digit's first unit

  bool in_family(U16View ch) const {
    for (const U16& d : family) {
      if (d == ch) return true;
    }
    return false;
  }
  bool active(U16View ch) const {
    return in_family(ch) || ch == decimal || ch == exponent || ch == grouping || ch == digit ||
           ch == pattern;
  }
  // Units of `part` that are family digits (or, with `or_digit`, the optional digit too).
  double count(U16View part, bool or_digit) const {
    double n = 0;
    for (std::size_t i = 0; i < part.size(); ++i) {
      const U16View ch = part.substr(i, 1);
      if (in_family(ch) || (or_digit && ch == digit)) n += 1;
    }
    return n;
  }
};

struct Parts {
  U16 prefix, suffix, active, mantissa, integer, fractional, subpicture;
  std::optional<U16> exponent;
};

struct Analysis {
  std::vector<double> integer_grouping;
  double regular_grouping = 0;
  double min_integer = 0;
  double scaling = 0;
  U16 prefix, suffix, picture;
  std::vector<double> fractional_grouping;
  double min_fraction = 0;
  double max_fraction = 0;
  double min_exponent = 0;
};

// NOTE(emulator): a sub-picture with no active character (other than the exponent separator) is
// a TypeError in the reference ("Cannot read properties of undefined"); we report D3085, whose
// text says what is missing.
std::optional<Parts> split_parts(const U16& subpicture, const Properties& p) {
  std::optional<std::size_t> first;
  std::optional<std::size_t> last;
  for (std::size_t i = 0; i < subpicture.size(); ++i) {
    const U16View ch = U16View(subpicture).substr(i, 1);
    if (p.active(ch) && ch != p.exponent) {
      if (!first) first = i;
      last = i;
    }
  }
  if (!first) return std::nullopt;
  Parts parts;
  parts.subpicture = subpicture;
  parts.prefix = subpicture.substr(0, *first);
  parts.suffix = subpicture.substr(*last + 1);
  const auto size = static_cast<double>(subpicture.size());
  parts.active = detail::js_substring(subpicture, static_cast<double>(parts.prefix.size()),
                                      size - static_cast<double>(parts.suffix.size()));
  const long exponent_at =
      detail::js_index_of(subpicture, p.exponent, static_cast<long>(parts.prefix.size()));
  if (exponent_at == -1 ||
      static_cast<double>(exponent_at) > size - static_cast<double>(parts.suffix.size())) {
    parts.mantissa = parts.active;
  } else {
    // The reference indexes the active part with a position found in the whole sub-picture.
    parts.mantissa = detail::js_substring(parts.active, 0, static_cast<double>(exponent_at));
    parts.exponent = detail::js_substring(parts.active, static_cast<double>(exponent_at) + 1);
  }
  const long decimal_at = detail::js_index_of(parts.mantissa, p.decimal);
  if (decimal_at == -1) {
    parts.integer = parts.mantissa;
    parts.fractional = parts.suffix;  // sic: the reference's choice
  } else {
    parts.integer = detail::js_substring(parts.mantissa, 0, static_cast<double>(decimal_at));
    parts.fractional = detail::js_substring(parts.mantissa, static_cast<double>(decimal_at) + 1);
  }
  return parts;
}

// §4.7.3: the last failing rule wins, as in the reference.
std::optional<PictureError> validate(const Parts& parts, const Properties& p) {
  const char* error = nullptr;
  const U16& sub = parts.subpicture;
  const long decimal_at = detail::js_index_of(sub, p.decimal);
  if (decimal_at != detail::js_last_index_of(sub, p.decimal)) error = "D3081";
  if (detail::js_index_of(sub, p.percent) != detail::js_last_index_of(sub, p.percent)) error = "D3082";
  if (detail::js_index_of(sub, p.per_mille) != detail::js_last_index_of(sub, p.per_mille)) {
    error = "D3083";
  }
  if (detail::js_index_of(sub, p.percent) != -1 && detail::js_index_of(sub, p.per_mille) != -1) {
    error = "D3084";
  }
  if (p.count(parts.mantissa, true) == 0) error = "D3085";
  for (std::size_t i = 0; i < parts.active.size(); ++i) {
    if (!p.active(U16View(parts.active).substr(i, 1))) error = "D3086";
  }
  if (decimal_at != -1) {
    if (detail::js_char_at(sub, static_cast<double>(decimal_at) - 1) == p.grouping ||
        detail::js_char_at(sub, static_cast<double>(decimal_at) + 1) == p.grouping) {
      error = "D3087";
    }
  } else if (detail::js_char_at(parts.integer, static_cast<double>(parts.integer.size()) - 1) ==
             p.grouping) {
    error = "D3088";
  }
  if (detail::js_index_of(sub, p.grouping + p.grouping) != -1) error = "D3089";
  const long optional_at = detail::js_index_of(parts.integer, p.digit);
  if (optional_at != -1 &&
      p.count(detail::js_substring(parts.integer, 0, static_cast<double>(optional_at)), false) > 0) {
    error = "D3090";
  }
  const long last_optional = detail::js_last_index_of(parts.fractional, p.digit);
  if (last_optional != -1 &&
      p.count(detail::js_substring(parts.fractional, static_cast<double>(last_optional)), false) > 0) {
    error = "D3091";
  }
  if (parts.exponent.has_value() && !parts.exponent->empty() &&
      (detail::js_index_of(sub, p.percent) != -1 || detail::js_index_of(sub, p.per_mille) != -1)) {
    error = "D3092";
  }
  if (parts.exponent.has_value() &&
      (parts.exponent->empty() ||
       p.count(*parts.exponent, false) != static_cast<double>(parts.exponent->size()))) {
    error = "D3093";
  }
  if (error == nullptr) return std::nullopt;
  return detail::picture_error(error);
}

std::vector<double> grouping_positions(const U16& part, bool to_left, const Parts& parts,
                                       const Properties& p) {
  std::vector<double> positions;
  long at = detail::js_index_of(part, p.grouping);
  while (at != -1) {
    const U16 side = to_left ? detail::js_substring(part, 0, static_cast<double>(at))
                             : detail::js_substring(part, static_cast<double>(at));
    positions.push_back(p.count(side, true));
    // sic: the reference looks for the next separator in the integer part, for both parts.
    at = detail::js_index_of(parts.integer, p.grouping, at + 1);
  }
  return positions;
}

Analysis analyse(const Parts& parts, const Properties& p) {
  Analysis a;
  a.integer_grouping = grouping_positions(parts.integer, false, parts, p);
  if (!a.integer_grouping.empty()) {
    const auto gcd = [](double x, double y) {
      while (y != 0) {
        const double t = std::fmod(x, y);
        x = y;
        y = t;
      }
      return x;
    };
    double factor = a.integer_grouping[0];
    for (std::size_t i = 1; i < a.integer_grouping.size(); ++i) {
      factor = gcd(factor, a.integer_grouping[i]);
    }
    a.regular_grouping = factor;
    for (std::size_t k = 1; k <= a.integer_grouping.size(); ++k) {
      bool found = false;
      for (const double pos : a.integer_grouping) found = found || pos == static_cast<double>(k) * factor;
      if (!found) {
        a.regular_grouping = 0;
        break;
      }
    }
  }
  a.fractional_grouping = grouping_positions(parts.fractional, true, parts, p);
  a.min_integer = p.count(parts.integer, false);
  a.scaling = a.min_integer;
  a.min_fraction = p.count(parts.fractional, false);
  a.max_fraction = p.count(parts.fractional, true);
  const bool exponent = parts.exponent.has_value();
  if (a.min_integer == 0 && a.max_fraction == 0) {
    if (exponent) {
      a.min_fraction = 1;
      a.max_fraction = 1;
    } else {
      a.min_integer = 1;
    }
  }
  if (exponent && a.min_integer == 0 && detail::js_index_of(parts.integer, p.digit) != -1) {
    a.min_integer = 1;
  }
  if (a.min_integer == 0 && a.min_fraction == 0) a.min_fraction = 1;
  if (exponent) a.min_exponent = p.count(*parts.exponent, false);
  a.prefix = parts.prefix;
  a.suffix = parts.suffix;
  a.picture = parts.subpicture;
  return a;
}

// The reference's round(value, precision): half to even, on the shortest decimal form shifted by
// `precision` places (so 8.345 -> 8.34 and 1.015 -> 1.02, whatever their binary values).
double shift_decimal(double value, double places) {
  const std::string text = detail::js_number_to_string(value);
  const std::size_t e = text.find('e');
  const std::string mantissa = text.substr(0, e);
  double exponent = places;
  if (e != std::string::npos) exponent += std::stod(text.substr(e + 1));
  return detail::js_string_to_number(mantissa + "e" + detail::js_number_to_string(exponent));
}

double jsonata_round(double value, double precision) {
  if (precision != 0) value = shift_decimal(value, precision);
  double result = detail::js_math_round(value);
  const double diff = result - value;
  if (std::abs(diff) == 0.5 && std::abs(detail::js_mod(result, 2)) == 1) result -= 1;
  if (precision != 0) result = shift_decimal(result, -precision);
  if (result == 0) result = 0;  // no -0
  return result;
}

U16 make_string(double value, int digits, const Properties& p) {
  const std::string fixed = detail::js_to_fixed(std::abs(value), digits);
  U16 out;
  const bool mapped = p.zero != u"0";
  for (const char c : fixed) {
    if (mapped && c >= '0' && c <= '9') {
      const auto d = static_cast<std::size_t>(c - '0');
      if (d < p.family.size()) out += p.family[d];  // an empty family drops the digit, as join does
    } else {
      out.push_back(static_cast<char16_t>(c));
    }
  }
  return out;
}

U16 repeat(const U16& unit, double times) {
  U16 out;
  for (double i = 0; i < times; ++i) out += unit;
  return out;
}

}  // namespace

Result<std::string> format_number(double value, const std::string& picture_utf8,
                                  const DecimalFormat& format) {
  Properties p;
  p.decimal = detail::to_u16(format.decimal_separator);
  p.grouping = detail::to_u16(format.grouping_separator);
  p.exponent = detail::to_u16(format.exponent_separator);
  p.minus = detail::to_u16(format.minus_sign);
  p.percent = detail::to_u16(format.percent);
  p.per_mille = detail::to_u16(format.per_mille);
  p.zero = detail::to_u16(format.zero_digit);
  p.digit = detail::to_u16(format.digit);
  p.pattern = detail::to_u16(format.pattern_separator);
  if (!p.zero.empty()) {
    for (unsigned i = 0; i < 10; ++i) {
      p.family.emplace_back(1, static_cast<char16_t>((p.zero[0] + i) & 0xFFFF));
    }
  }
  const U16 picture = detail::to_u16(picture_utf8);
  const std::vector<U16> subpictures = detail::js_split(picture, p.pattern);
  if (subpictures.size() > 2) return detail::picture_error("D3080");
  std::vector<Parts> parts;
  for (const U16& sub : subpictures) {
    auto split = split_parts(sub, p);
    if (!split) return detail::picture_error("D3085");
    parts.push_back(std::move(*split));
  }
  if (parts.empty()) return detail::picture_error("D3085");
  for (const Parts& part : parts) {
    if (auto error = validate(part, p)) return *error;
  }
  std::vector<Analysis> variables;
  for (const Parts& part : parts) variables.push_back(analyse(part, p));
  if (variables.size() == 1) {
    variables.push_back(variables[0]);
    variables[1].prefix = p.minus + variables[1].prefix;
  }
  const Analysis& pic = value >= 0 ? variables[0] : variables[1];

  double adjusted = value;
  if (detail::js_index_of(pic.picture, p.percent) != -1) {
    adjusted = value * 100;
  } else if (detail::js_index_of(pic.picture, p.per_mille) != -1) {
    adjusted = value * 1000;
  }
  double mantissa = adjusted;
  std::optional<double> exponent;
  if (pic.min_exponent != 0) {
    // NOTE(emulator): the reference loops forever for zero, a negative or an infinite value
    // here. Zero has mantissa 0 and exponent 0 (F&O §4.7.5); a negative value is scaled by its
    // magnitude; an infinite one is out of range.
    if (std::isinf(adjusted)) return detail::out_of_range(value);
    const double max_mantissa = std::pow(10.0, pic.scaling);
    const double min_mantissa = std::pow(10.0, pic.scaling - 1);
    const bool negative = mantissa < 0;
    mantissa = std::abs(mantissa);
    exponent = 0;
    if (mantissa != 0) {
      while (mantissa < min_mantissa) {
        mantissa *= 10;
        *exponent -= 1;
      }
      while (mantissa > max_mantissa) {
        mantissa /= 10;
        *exponent += 1;
      }
    }
    if (negative) mantissa = -mantissa;
  }
  if (pic.max_fraction > 100) return detail::out_of_range(pic.max_fraction);  // toFixed's limit
  const double rounded = jsonata_round(mantissa, pic.max_fraction);
  U16 text = make_string(rounded, static_cast<int>(pic.max_fraction), p);
  const long point = detail::js_index_of(text, u".");
  if (point == -1) {
    text += p.decimal;
  } else {
    text = text.substr(0, static_cast<std::size_t>(point)) + p.decimal +
           text.substr(static_cast<std::size_t>(point) + 1);
  }
  while (!text.empty() && detail::js_char_at(text, 0) == p.zero) text = text.substr(1);
  while (!text.empty() && detail::js_char_at(text, static_cast<double>(text.size()) - 1) == p.zero) {
    text.pop_back();
  }
  double decimal_at = static_cast<double>(detail::js_index_of(text, p.decimal));
  const double pad_left = pic.min_integer - decimal_at;
  const double pad_right = pic.min_fraction - (static_cast<double>(text.size()) - decimal_at - 1);
  if (pad_left > static_cast<double>(kMaxOutput) || pad_right > static_cast<double>(kMaxOutput)) {
    return detail::out_of_range(value);
  }
  text = (pad_left > 0 ? repeat(p.zero, pad_left) : U16()) + text;
  text += pad_right > 0 ? repeat(p.zero, pad_right) : U16();
  decimal_at = static_cast<double>(detail::js_index_of(text, p.decimal));
  if (pic.regular_grouping > 0) {
    const double groups = std::floor((decimal_at - 1) / pic.regular_grouping);
    for (double group = 1; group <= groups; ++group) {
      if (text.size() > kMaxOutput) return detail::out_of_range(value);
      const double at = decimal_at - group * pic.regular_grouping;
      text = detail::js_slice(text, 0, at) + p.grouping + detail::js_slice(text, at);
    }
  } else {
    for (const double pos : pic.integer_grouping) {
      text = detail::js_slice(text, 0, decimal_at - pos) + p.grouping +
             detail::js_slice(text, decimal_at - pos);
      decimal_at += 1;
    }
  }
  decimal_at = static_cast<double>(detail::js_index_of(text, p.decimal));
  for (const double pos : pic.fractional_grouping) {
    text = detail::js_slice(text, 0, pos + decimal_at + 1) + p.grouping +
           detail::js_slice(text, pos + decimal_at + 1);
  }
  decimal_at = static_cast<double>(detail::js_index_of(text, p.decimal));
  if (detail::js_index_of(pic.picture, p.decimal) == -1 ||
      decimal_at == static_cast<double>(text.size()) - 1) {
    if (!text.empty()) text.pop_back();
  }
  if (exponent.has_value()) {
    U16 digits = make_string(*exponent, 0, p);
    const double pad = pic.min_exponent - static_cast<double>(digits.size());
    if (pad > 0) digits = repeat(p.zero, pad) + digits;
    text += p.exponent + (*exponent < 0 ? p.minus : U16()) + digits;
  }
  text = pic.prefix + text + pic.suffix;
  if (text.size() > kMaxOutput) return detail::out_of_range(value);
  return detail::to_u8(text);
}

}  // namespace scl::jsonata::pictures
