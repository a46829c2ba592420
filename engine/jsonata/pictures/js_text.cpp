#include "engine/jsonata/pictures/js_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <algorithm>
#include <utility>
#include "engine/core/utf8.hpp"

namespace scl::jsonata::pictures::detail {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

using core::append_utf8;

bool is_high(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

// The message templates of the codes this library reports (jsonata-js 2.0.6's texts, which are
// what a caller sees on the wire).
std::string_view template_for(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kTemplates{{
      {"D1001", "Number out of range: {{value}}"},
      {"D3080", "The picture string must only contain a maximum of two sub-pictures"},
      {"D3081",
       "The sub-picture must not contain more than one instance of the 'decimal-separator' "
       "character"},
      {"D3082", "The sub-picture must not contain more than one instance of the 'percent' character"},
      {"D3083",
       "The sub-picture must not contain more than one instance of the 'per-mille' character"},
      {"D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character"},
      {"D3085",
       "The mantissa part of a sub-picture must contain at least one character that is either an "
       "'optional digit character' or a member of the 'decimal digit family'"},
      {"D3086",
       "The sub-picture must not contain a passive character that is preceded by an active "
       "character and that is followed by another active character"},
      {"D3087",
       "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to "
       "a 'decimal-separator' character"},
      {"D3088",
       "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"},
      {"D3089",
       "The sub-picture must not contain two adjacent instances of the 'grouping-separator' "
       "character"},
      {"D3090",
       "The integer part of the sub-picture must not contain a member of the 'decimal digit "
       "family' that is followed by an instance of the 'optional digit character'"},
      {"D3091",
       "The fractional part of the sub-picture must not contain an instance of the 'optional digit "
       "character' that is followed by a member of the 'decimal digit family'"},
      {"D3092",
       "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a "
       "character treated as an 'exponent-separator'"},
      {"D3093",
       "The exponent part of the sub-picture must comprise only of one or more characters that are "
       "members of the 'decimal digit family'"},
      {"D3110",
       "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given "
       "{{value}}"},
      {"D3130",
       "Formatting or parsing an integer as a sequence starting with {{value}} is not supported by "
       "this implementation"},
      {"D3131", "In a decimal digit pattern, all digits must be from the same decimal group"},
      {"D3132", "Unknown component specifier {{value}} in date/time picture string"},
      {"D3133",
       "The 'name' modifier can only be applied to months and days in the date/time picture "
       "string, not {{value}}"},
      {"D3134", "The timezone integer format specifier cannot have more than four digits"},
      {"D3135", "No matching closing bracket ']' in date/time picture string"},
      {"D3136",
       "The date/time picture string is missing specifiers required to parse the timestamp"},
      {"D3137", "{{value}}"},
  }};
  for (const auto& [c, text] : kTemplates) {
    if (c == code) return text;
  }
  return "{{value}}";
}

}  // namespace

U16 to_u16(std::string_view text) {
  U16 out;
  out.reserve(text.size());
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < text.size()) {
    const unsigned char b0 = byte(i);
    char32_t cp = kReplacement;
    std::size_t len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xC2 && b0 <= 0xF4) {
      const std::size_t need = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
      char32_t value = b0 & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
      std::size_t k = 1;
      for (; k < need && i + k < text.size(); ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) break;
        // Reject overlong forms, surrogates and values past U+10FFFF at the second byte.
        if (k == 1) {
          if (b0 == 0xE0 && b < 0xA0) break;
          if (b0 == 0xED && b > 0x9F) break;
          if (b0 == 0xF0 && b < 0x90) break;
          if (b0 == 0xF4 && b > 0x8F) break;
        }
        value = (value << 6) | (b & 0x3F);
      }
      if (k == need) {
        cp = value;
        len = need;
      } else {
        len = k;  // the maximal ill-formed prefix is one U+FFFD
      }
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

std::string to_u8(U16View text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char16_t u = text[i];
    if (is_high(u) && i + 1 < text.size() && is_low(text[i + 1])) {
      append_utf8(out, 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) +
                           (static_cast<char32_t>(text[i + 1]) - 0xDC00));
      ++i;
    } else if (is_high(u) || is_low(u)) {
      append_utf8(out, kReplacement);
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

U16 from_code_point(char32_t cp) {
  if (cp >= 0x10000) {
    const char32_t v = cp - 0x10000;
    return U16{static_cast<char16_t>(0xD800 + (v >> 10)), static_cast<char16_t>(0xDC00 + (v & 0x3FF))};
  }
  return U16(1, static_cast<char16_t>(cp));
}

char32_t code_point_at(U16View text, std::size_t i, std::size_t* units) {
  const char16_t u = text[i];
  if (is_high(u) && i + 1 < text.size() && is_low(text[i + 1])) {
    if (units != nullptr) *units = 2;
    return 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) +
           (static_cast<char32_t>(text[i + 1]) - 0xDC00);
  }
  if (units != nullptr) *units = 1;
  return u;
}

std::string js_number_to_string(double x) {
  if (std::isnan(x)) return "NaN";
  if (x == 0) return "0";
  if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
  std::string sign;
  if (x < 0) {
    sign = "-";
    x = -x;
  }
  // Shortest round-trip digits (the same digits JavaScript picks), as d.ddde[+-]x.
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::scientific);
  const std::string sci(buf.data(), res.ptr);
  const std::size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int exp10 = std::atoi(sci.c_str() + e + 1);
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;  // value = 0.digits * 10^n
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  } else {
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += "e";
    out += (n - 1 < 0) ? "-" : "+";
    out += std::to_string(std::abs(n - 1));
  }
  return sign + out;
}

std::string js_to_fixed(double x, int digits) {
  if (std::isnan(x)) return "NaN";
  if (std::abs(x) >= 1e21 || std::isinf(x)) return js_number_to_string(x);
  std::string sign;
  if (x < 0) {
    sign = "-";
    x = -x;
  }
  // glibc prints the exact binary value; 1074 fraction digits hold every double exactly, so the
  // rounding below (ties away from zero: "the larger n") is done on the true value.
  std::array<char, 1200> buf{};
  const int len = std::snprintf(buf.data(), buf.size(), "%.1074f", x);
  std::string exact(buf.data(), static_cast<std::size_t>(len));
  const std::size_t dot = exact.find('.');
  std::string int_part = exact.substr(0, dot);
  std::string frac = exact.substr(dot + 1);
  const bool round_up = frac[static_cast<std::size_t>(digits)] >= '5';
  std::string kept = int_part + frac.substr(0, static_cast<std::size_t>(digits));
  if (round_up) {
    std::size_t i = kept.size();
    while (i > 0) {
      --i;
      if (kept[i] == '9') {
        kept[i] = '0';
      } else {
        ++kept[i];
        break;
      }
      if (i == 0) kept.insert(kept.begin(), '1');
    }
  }
  const std::size_t int_len = kept.size() - static_cast<std::size_t>(digits);
  std::string out = kept.substr(0, int_len);
  if (digits > 0) out += "." + kept.substr(int_len);
  return sign + out;
}

double js_math_round(double x) {
  if (!std::isfinite(x) || x == std::floor(x)) return x;
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1;
  if (r == 0 && x < 0) return -0.0;
  return r;
}

bool js_is_space(char16_t u) {
  switch (u) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return u >= 0x2000 && u <= 0x200A;
  }
}

double js_parse_int(U16View text) {
  std::size_t i = 0;
  while (i < text.size() && js_is_space(text[i])) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == u'+' || text[i] == u'-')) {
    negative = text[i] == u'-';
    ++i;
  }
  int radix = 10;
  if (i + 1 < text.size() && text[i] == u'0' && (text[i + 1] == u'x' || text[i + 1] == u'X')) {
    radix = 16;
    i += 2;
  }
  std::string digits;
  for (; i < text.size(); ++i) {
    const char16_t c = text[i];
    const bool dec = c >= u'0' && c <= u'9';
    const bool hex = radix == 16 && ((c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'));
    if (!dec && !hex) break;
    digits.push_back(static_cast<char>(c));
  }
  if (digits.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::string literal = (radix == 16 ? "0x" : "") + digits;
  const double v = std::strtod(literal.c_str(), nullptr);  // correctly rounded, HUGE_VAL past range
  return negative ? -v : v;
}

double js_mod(double a, double b) { return std::fmod(a, b); }

long js_index_of(U16View text, U16View what, long from) {
  const long size = static_cast<long>(text.size());
  from = std::min(std::max(from, 0L), size);
  const std::size_t at = text.find(what, static_cast<std::size_t>(from));
  return at == U16View::npos ? -1 : static_cast<long>(at);
}

long js_last_index_of(U16View text, U16View what) {
  const std::size_t at = text.rfind(what);
  return at == U16View::npos ? -1 : static_cast<long>(at);
}

namespace {
double clamp_index(double i, double size) {
  if (std::isnan(i)) return 0;
  return std::min(std::max(std::trunc(i), 0.0), size);
}
}  // namespace

U16 js_substring(U16View text, double start, std::optional<double> end) {
  const auto size = static_cast<double>(text.size());
  double a = clamp_index(start, size);
  double b = end.has_value() ? clamp_index(*end, size) : size;
  if (a > b) std::swap(a, b);
  return U16(text.substr(static_cast<std::size_t>(a), static_cast<std::size_t>(b - a)));
}

U16 js_slice(U16View text, double start, std::optional<double> end) {
  const auto size = static_cast<double>(text.size());
  const auto rel = [size](double i) {
    if (std::isnan(i)) return 0.0;
    i = std::trunc(i);
    return i < 0 ? std::max(size + i, 0.0) : std::min(i, size);
  };
  const double a = rel(start);
  const double b = end.has_value() ? rel(*end) : size;
  if (b <= a) return U16();
  return U16(text.substr(static_cast<std::size_t>(a), static_cast<std::size_t>(b - a)));
}

U16 js_char_at(U16View text, double index) {
  if (index < 0 || index >= static_cast<double>(text.size()) || std::isnan(index)) return U16();
  return U16(1, text[static_cast<std::size_t>(index)]);
}

std::vector<U16> js_split(U16View text, U16View separator) {
  std::vector<U16> out;
  if (separator.empty()) {
    for (const char16_t u : text) out.emplace_back(1, u);
    return out;
  }
  std::size_t p = 0;
  while (true) {
    const std::size_t q = text.find(separator, p);
    if (q == U16View::npos) break;
    out.emplace_back(text.substr(p, q - p));
    p = q + separator.size();
  }
  out.emplace_back(text.substr(p));
  return out;
}

double js_string_to_number(const std::string& text) {
  // Only the forms this library builds: [-]digits[.digits][e[+-]digits].
  if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string::npos) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::numeric_limits<double>::quiet_NaN();
  return v;
}

std::string json_quote(U16View text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char16_t u = text[i];
    switch (u) {
      case u'"': out += "\\\""; continue;
      case u'\\': out += "\\\\"; continue;
      case u'\b': out += "\\b"; continue;
      case u'\f': out += "\\f"; continue;
      case u'\n': out += "\\n"; continue;
      case u'\r': out += "\\r"; continue;
      case u'\t': out += "\\t"; continue;
      default: break;
    }
    if (u < 0x20 || ((is_high(u) || is_low(u)) &&
                     !(is_high(u) && i + 1 < text.size() && is_low(text[i + 1])))) {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\u%04x", static_cast<unsigned>(u));
      out += hex.data();
      continue;
    }
    if (is_high(u)) {
      out += to_u8(text.substr(i, 2));
      ++i;
      continue;
    }
    out += to_u8(text.substr(i, 1));
  }
  return out + "\"";
}

std::string json_quote(std::string_view utf8) { return json_quote(to_u16(utf8)); }

PictureError picture_error(std::string_view code, std::string_view value_json) {
  std::string message(template_for(code));
  const std::size_t slot = message.find("{{value}}");
  if (slot != std::string::npos) {
    message.replace(slot, 9, value_json.empty() ? std::string_view("undefined") : value_json);
  }
  return PictureError{std::string(code), std::move(message)};
}

PictureError out_of_range(double value) {
  return picture_error("D1001", std::isfinite(value) ? js_number_to_string(value) : "null");
}

}  // namespace scl::jsonata::pictures::detail
