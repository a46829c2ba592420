// Numeric and aggregation built-ins: $number, $floor, $ceil, $round (half to even, as the
// reference), $abs, $sqrt, $power, $random, $formatBase, $sum, $count, $max, $min, $average,
// and the number pictures ($formatNumber, $formatInteger, $parseInteger) through the pictures
// library when it is built in.

#include <cmath>
#include <cstdlib>
#include <string>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/evaluator.hpp"
#include "engine/jsonata/format.hpp"
#include "engine/jsonata/functions.hpp"

#ifdef SCL_JSONATA_PICTURES
#include "engine/jsonata/pictures/pictures.hpp"
#endif

namespace scl::jsonata::builtins {

namespace {

double js_round(double x) {
  if (!std::isfinite(x)) return x;
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1;
  return r;
}

// jsonata's round: half to even, with the decimal shift done on the number's text.
double jsonata_round(double arg, double precision) {
  auto shift = [](double v, double by) {
    const std::string text = format_number(v);
    const std::size_t e = text.find('e');
    double exp = by;
    std::string mantissa = text;
    if (e != std::string::npos) {
      mantissa = text.substr(0, e);
      exp += std::strtod(text.c_str() + e + 1, nullptr);
    }
    // Number(text): the whole text must be a number ("1.5e0.3" is NaN)
    const std::string shifted = mantissa + "e" + format_number(exp);
    char* end = nullptr;
    const double d = std::strtod(shifted.c_str(), &end);
    return end != nullptr && *end == '\0' ? d : std::nan("");
  };
  const bool shifted = precision != 0 && !std::isnan(precision);
  if (shifted) arg = shift(arg, precision);
  double result = js_round(arg);
  const double diff = result - arg;
  if (std::fabs(diff) == 0.5 && std::fabs(std::fmod(result, 2)) == 1) result -= 1;
  if (shifted) result = shift(result, -precision);
  if (result == 0) result = 0;  // no -0 in JSON
  return result;
}

[[maybe_unused, noreturn]] void not_available(const char* function) {
  JsonataException e;
  e.info.code = "D3150";
  e.info.message = std::string("$") + function +
                   "() is not available in this build: the date/time and number picture "
                   "library is not linked";
  throw e;
}

}  // namespace

Value fn_number(CallContext&, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  if (v.is_undefined()) return {};
  if (v.is_number()) return v;
  if (v.is_bool()) return Value::number(v.as_bool() ? 1 : 0);
  if (v.is_string()) {
    const std::string& s = v.as_string();
    // ^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$
    std::size_t i = 0;
    auto digits = [&]() {
      const std::size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      return i > start;
    };
    bool ok = true;
    if (i < s.size() && s[i] == '-') ++i;
    ok = digits();
    if (ok && i < s.size() && s[i] == '.') {
      ++i;
      ok = digits();
    }
    if (ok && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      ok = digits();
    }
    if (ok && i == s.size()) {
      const double d = std::strtod(s.c_str(), nullptr);
      if (std::isfinite(d)) return Value::number(d);
    }
    if (s.size() > 2 && s[0] == '0') {
      const char p = static_cast<char>(s[1] | 0x20);
      const int base = p == 'x' ? 16 : (p == 'o' ? 8 : (p == 'b' ? 2 : 0));
      if (base != 0) {
        double value = 0;
        bool valid = true;
        for (std::size_t k = 2; k < s.size(); ++k) {
          const char c = s[k];
          int d = -1;
          if (c >= '0' && c <= '9') d = c - '0';
          else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
          else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
          if (d < 0 || d >= base) {
            valid = false;
            break;
          }
          value = value * base + d;
        }
        const char first = s[2];
        const bool prefix_ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(first)) != 0
                                          : (first >= '0' && first < (base == 8 ? '8' : '2'));
        if (prefix_ok) return Value::number(valid ? value : std::nan(""));
      }
    }
  }
  JsonataException e;
  e.info.code = "D3030";
  e.info.value = v;
  e.info.has_value = true;
  e.info.index = 1;
  throw e;
}

Value fn_floor(CallContext&, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
  return Value::number(std::floor(arg(args, 0).as_number()));
}

Value fn_ceil(CallContext&, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
  return Value::number(std::ceil(arg(args, 0).as_number()));
}

Value fn_round(CallContext&, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
  const double precision = arg(args, 1).is_number() ? arg(args, 1).as_number() : 0;
  return Value::number(jsonata_round(arg(args, 0).as_number(), precision));
}

Value fn_abs(CallContext&, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
  return Value::number(std::fabs(arg(args, 0).as_number()));
}

Value fn_sqrt(CallContext&, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  if (v.is_undefined()) return {};
  if (v.as_number() < 0) {
    JsonataException e;
    e.info.code = "D3060";
    e.info.value = v;
    e.info.has_value = true;
    e.info.index = 1;
    throw e;
  }
  return Value::number(std::sqrt(v.as_number()));
}

Value fn_power(CallContext&, std::vector<Value>& args) {
  const Value& base = arg(args, 0);
  if (base.is_undefined()) return {};
  const double exp = arg(args, 1).as_number();
  double result = std::pow(base.as_number(), exp);
  if (std::isnan(exp) || (std::fabs(base.as_number()) == 1 && std::isinf(exp))) result = std::nan("");
  if (!std::isfinite(result)) {
    JsonataException e;
    e.info.code = "D3061";
    e.info.value = base;
    e.info.has_value = true;
    e.info.exp = exp;
    e.info.index = 1;
    throw e;
  }
  return Value::number(result);
}

Value fn_random(CallContext& ctx, std::vector<Value>&) { return Value::number(ctx.ev.random()); }

Value fn_formatBase(CallContext& ctx, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  if (v.is_undefined()) return {};
  double value = jsonata_round(v.as_number(), 0);
  double radix = 10;
  if (!arg(args, 1).is_undefined()) radix = arg(args, 1).as_number();
  if (radix < 2 || radix > 36 || std::isnan(radix)) {
    JsonataException e;
    e.info.code = "D3100";
    e.info.value = arg(args, 1);
    e.info.has_value = true;
    throw e;
  }
  const auto r = static_cast<int>(std::trunc(radix));
  // Number.prototype.toString(10) is the ordinary number text ("1e+21")
  if (!std::isfinite(value) || r == 10) return Value::string(format_number(value));
  const bool negative = value < 0;
  value = std::fabs(value);
  std::string digits;
  if (value == 0) digits = "0";
  while (value >= 1) {
    const auto d = static_cast<int>(std::fmod(value, r));
    digits.insert(digits.begin(), static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10));
    value = std::floor(value / r);
  }
  if (negative) digits.insert(digits.begin(), '-');
  ctx.ev.charge_memory(digits.size());
  return Value::string(std::move(digits));
}

Value fn_sum(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  double total = 0;
  const std::size_t n = a.array_size();
  ctx.ev.charge_steps(n);
  for (std::size_t i = 0; i < n; ++i) total += a.at(i).as_number();
  return Value::number(total);
}

Value fn_count(CallContext&, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return Value::number(0);
  return Value::number(static_cast<double>(a.array_size()));
}

Value fn_max(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined() || a.array_size() == 0) return {};
  ctx.ev.charge_steps(a.array_size());
  double m = -INFINITY;
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    const double d = a.at(i).as_number();
    if (std::isnan(d)) return Value::number(d);
    if (d > m) m = d;
  }
  return Value::number(m);
}

Value fn_min(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined() || a.array_size() == 0) return {};
  ctx.ev.charge_steps(a.array_size());
  double m = INFINITY;
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    const double d = a.at(i).as_number();
    if (std::isnan(d)) return Value::number(d);
    if (d < m) m = d;
  }
  return Value::number(m);
}

Value fn_average(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined() || a.array_size() == 0) return {};
  ctx.ev.charge_steps(a.array_size());
  double total = 0;
  for (std::size_t i = 0; i < a.array_size(); ++i) total += a.at(i).as_number();
  return Value::number(total / static_cast<double>(a.array_size()));
}

#ifdef SCL_JSONATA_PICTURES
namespace {
template <class T>
T picture_value(pictures::Result<T> r) {  // by value: callers pass a temporary
  if (const auto* err = std::get_if<pictures::PictureError>(&r)) {
    JsonataException e;
    e.info.code = err->code;
    e.info.message = err->message;
    throw e;
  }
  return std::get<T>(std::move(r));
}
}  // namespace
#endif

Value fn_formatNumber(CallContext& ctx, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
#ifdef SCL_JSONATA_PICTURES
  pictures::DecimalFormat format;
  const Value& options = arg(args, 2);
  auto option = [&](const char* key, std::string& field) {
    const Value v = options.get(key);
    if (v.is_string()) field = v.as_string();
  };
  if (options.is_object()) {
    option("decimal-separator", format.decimal_separator);
    option("grouping-separator", format.grouping_separator);
    option("exponent-separator", format.exponent_separator);
    option("minus-sign", format.minus_sign);
    option("infinity", format.infinity);
    option("NaN", format.nan);
    option("percent", format.percent);
    option("per-mille", format.per_mille);
    option("zero-digit", format.zero_digit);
    option("digit", format.digit);
    option("pattern-separator", format.pattern_separator);
  }
  std::string out = picture_value(
      pictures::format_number(arg(args, 0).as_number(), arg(args, 1).as_string(), format));
  ctx.ev.charge_memory(out.size());
  return Value::string(std::move(out));
#else
  (void)ctx;
  not_available("formatNumber");
#endif
}

Value fn_formatInteger(CallContext& ctx, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
#ifdef SCL_JSONATA_PICTURES
  std::string out = picture_value(pictures::format_integer(arg(args, 0).as_number(), arg(args, 1).as_string()));
  ctx.ev.charge_memory(out.size());
  return Value::string(std::move(out));
#else
  (void)ctx;
  not_available("formatInteger");
#endif
}

Value fn_parseInteger(CallContext&, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
#ifdef SCL_JSONATA_PICTURES
  const auto out = picture_value(pictures::parse_integer(arg(args, 0).as_string(), arg(args, 1).as_string()));
  if (!out) return {};
  return Value::number(*out);
#else
  not_available("parseInteger");
#endif
}

// ----- date/time -----

Value fn_millis(CallContext& ctx, std::vector<Value>&) {
  return Value::number(static_cast<double>(ctx.ev.now_ms()));
}

#ifdef SCL_JSONATA_PICTURES
namespace {
std::optional<std::string> opt_string(const Value& v) {
  if (v.is_string()) return v.as_string();
  return std::nullopt;
}
}  // namespace
#endif

Value fn_fromMillis(CallContext& ctx, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
#ifdef SCL_JSONATA_PICTURES
  const double ms = arg(args, 0).as_number();
  // JavaScript dates end at ±8.64e15 ms; beyond, the reference's Date is invalid (RangeError).
  if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15) throw_error_value("D1001", arg(args, 0));
  std::string out = picture_value(pictures::format_datetime(static_cast<std::int64_t>(std::trunc(ms)),
                                                            opt_string(arg(args, 1)),
                                                            opt_string(arg(args, 2))));
  ctx.ev.charge_memory(out.size());
  return Value::string(std::move(out));
#else
  (void)ctx;
  not_available("fromMillis");
#endif
}

Value fn_toMillis(CallContext& ctx, std::vector<Value>& args) {
  if (arg(args, 0).is_undefined()) return {};
#ifdef SCL_JSONATA_PICTURES
  // The reference fills the components left of the picture's first from the current time.
  CallContext& c = ctx;
  const auto out = picture_value(
      pictures::parse_datetime_number(arg(args, 0).as_string(), opt_string(arg(args, 1)), c.ev.now_ms()));
  if (!out) return {};
  return Value::number(*out);
#else
  (void)ctx;
  not_available("toMillis");
#endif
}

Value fn_now(CallContext& ctx, std::vector<Value>& args) {
#ifdef SCL_JSONATA_PICTURES
  std::string out = picture_value(
      pictures::format_datetime(ctx.ev.now_ms(), opt_string(arg(args, 0)), opt_string(arg(args, 1))));
  return Value::string(std::move(out));
#else
  (void)ctx;
  (void)args;
  not_available("now");
#endif
}

}  // namespace scl::jsonata::builtins
