// $fromMillis / $now with a picture, and $toMillis with one: the format-dateTime picture
// (F&O 3.1 §9.8.4) as jsonata-js 2.0.6 analyses, formats and parses it. Components Y M D d F W w
// X x H h P m s f Z z C E (X and x are the reference's ISO week-numbering year and month);
// English month and day names; width modifiers; [[ and ]] for literal brackets.
//
// Parsing builds one regular expression from the picture, as the reference does, and reads each
// component from its group; so which text belongs to which component follows the same
// backtracking. NOTE(emulator): the expression runs on PCRE2 (caseless, Unicode case folding)
// where the reference uses a JavaScript /i expression; they differ only on characters whose
// JavaScript upper case is ASCII (the long s, the Kelvin sign).

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/regex.hpp"
#include "engine/jsonata/pictures/calendar.hpp"
#include "engine/jsonata/pictures/integer_picture.hpp"
#include "engine/jsonata/pictures/iso8601.hpp"
#include "engine/jsonata/pictures/js_text.hpp"
#include "engine/jsonata/pictures/pictures.hpp"

namespace scl::jsonata::pictures {
namespace {

using detail::IntegerPicture;
using detail::TextCase;
using detail::U16;
using detail::U16View;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr std::u16string_view kIntegerComponents = u"YMDdFWwXxHhmsf";
constexpr std::u16string_view kDefaultPicture = u"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

constexpr const char16_t* kMonths[12] = {u"January", u"February", u"March",     u"April",
                                         u"May",     u"June",     u"July",      u"August",
                                         u"September", u"October", u"November", u"December"};
constexpr const char16_t* kDays[8] = {u"",         u"Monday", u"Tuesday",  u"Wednesday",
                                      u"Thursday", u"Friday", u"Saturday", u"Sunday"};

bool contains(std::u16string_view set, U16View unit) {
  return unit.size() == 1 && set.find(unit[0]) != std::u16string_view::npos;
}

struct Width {
  std::optional<double> min, max;  // absent for "*" or no value; NaN for what parseInt rejects
};

struct Marker {
  U16 component;  // one unit, or empty for "[]"
  std::optional<Width> width;
  U16 presentation1;
  std::optional<char16_t> presentation2;
  std::optional<TextCase> names;
  std::optional<IntegerPicture> integer;
  std::optional<double> n;  // Y, M, D: digits kept (year) / expected (parsing); -1 = any
};

struct Part {
  bool literal = true;
  U16 text;
  Marker marker;
};

U16 default_presentation(U16View component, bool* known) {
  *known = true;
  if (component.size() == 1) {
    switch (component[0]) {
      case u'Y': case u'M': case u'D': case u'd': case u'W': case u'w': case u'X': case u'x':
      case u'H': case u'h': case u'f':
        return u"1";
      case u'F': case u'P': case u'C': case u'E':
        return u"n";
      case u'm': case u's':
        return u"01";
      case u'Z': case u'z':
        return u"01:01";
      default:
        break;
    }
  }
  *known = false;
  return U16();
}

std::optional<double> parse_width(const std::optional<U16>& text) {
  if (!text.has_value() || *text == u"*") return std::nullopt;
  return detail::js_parse_int(*text);
}

// §9.8.4.1: literals and variable markers.
Result<std::vector<Part>> analyse_picture(U16View picture) {
  std::vector<Part> spec;
  const auto add_literal = [&](std::size_t start, std::size_t end) {
    if (end <= start) return;
    U16 literal(picture.substr(start, end - start));
    const std::vector<U16> pieces = detail::js_split(literal, u"]]");
    U16 joined;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) joined += u']';
      joined += pieces[i];
    }
    spec.push_back(Part{true, joined, {}});
  };
  std::size_t start = 0;
  std::size_t pos = 0;
  while (pos < picture.size()) {
    if (picture[pos] == u'[') {
      if (pos + 1 < picture.size() && picture[pos + 1] == u'[') {
        add_literal(start, pos);
        spec.push_back(Part{true, u"[", {}});
        pos += 2;
        start = pos;
        continue;
      }
      add_literal(start, pos);
      start = pos;
      const std::size_t close = picture.find(u']', start);
      if (close == U16View::npos) return detail::picture_error("D3135");
      pos = close;
      U16 marker_text;
      for (const char16_t u : picture.substr(start + 1, pos - start - 1)) {
        if (!detail::js_is_space(u)) marker_text.push_back(u);
      }
      Marker def;
      def.component = detail::js_char_at(marker_text, 0);
      const long comma = detail::js_last_index_of(marker_text, u",");
      U16 pres;
      if (comma != -1) {
        const U16 width_text = detail::js_substring(marker_text, static_cast<double>(comma) + 1);
        const long dash = detail::js_index_of(width_text, u"-");
        std::optional<U16> min_text;
        std::optional<U16> max_text;
        if (dash == -1) {
          min_text = width_text;
        } else {
          min_text = detail::js_substring(width_text, 0, static_cast<double>(dash));
          max_text = detail::js_substring(width_text, static_cast<double>(dash) + 1);
        }
        def.width = Width{parse_width(min_text), parse_width(max_text)};
        pres = detail::js_substring(marker_text, 1, static_cast<double>(comma));
      } else {
        pres = detail::js_substring(marker_text, 1);
      }
      bool known = true;
      if (pres.size() == 1) {
        def.presentation1 = pres;
      } else if (pres.size() > 1) {
        const char16_t last = pres.back();
        if (last == u'a' || last == u't' || last == u'c' || last == u'o') {
          def.presentation2 = last;
          def.presentation1 = pres.substr(0, pres.size() - 1);
        } else {
          def.presentation1 = pres;
        }
      } else {
        def.presentation1 = default_presentation(def.component, &known);
      }
      if (!known) return detail::picture_error("D3132", detail::json_quote(def.component));
      if (def.presentation1[0] == u'n') {
        def.names = TextCase::kLower;
      } else if (def.presentation1[0] == u'N') {
        def.names = def.presentation1.size() > 1 && def.presentation1[1] == u'n' ? TextCase::kTitle
                                                                                 : TextCase::kUpper;
      } else if (contains(kIntegerComponents, def.component)) {
        U16 pattern = def.presentation1;
        if (def.presentation2) {
          pattern += u';';
          pattern += *def.presentation2;
        }
        auto integer = detail::analyse_integer_picture(pattern);
        if (auto* error = std::get_if<PictureError>(&integer)) return *error;
        def.integer = std::get<IntegerPicture>(std::move(integer));
        if (def.width && def.width->min.has_value()) {
          if (def.integer->mandatory_digits < *def.width->min) {
            def.integer->mandatory_digits = *def.width->min;
          }
        }
        if (contains(u"YMD", def.component)) {
          def.n = -1;
          if (def.width && def.width->max.has_value()) {
            def.n = *def.width->max;
            def.integer->mandatory_digits = *def.n;
          } else {
            const double w = def.integer->mandatory_digits + def.integer->optional_digits;
            if (w >= 2) def.n = w;
          }
        }
      }
      if (def.component == u"Z" || def.component == u"z") {
        auto integer = detail::analyse_integer_picture(def.presentation1);
        if (auto* error = std::get_if<PictureError>(&integer)) return *error;
        def.integer = std::get<IntegerPicture>(std::move(integer));
      }
      spec.push_back(Part{false, U16(), std::move(def)});
      start = pos + 1;
    }
    ++pos;
  }
  add_literal(start, pos);
  return spec;
}

// A component's value: a number (NaN for an invalid date), a text (am/pm, ISO), or nothing.
struct Fragment {
  enum Kind { kNumber, kText, kNone } kind = kNone;
  double number = 0;
  U16 text;
  static Fragment of(double v) { return Fragment{kNumber, v, {}}; }
  static Fragment of(U16 t) { return Fragment{kText, 0, std::move(t)}; }
};

// ISO 8601: week 1 is the one holding the first Thursday (of the year, or by F&O's extension
// of the month); weeks start on Monday.
double start_of_first_week(double year, double month0) {
  const double jan1 = detail::date_utc(year, month0);
  double day = detail::utc_fields(jan1).weekday;
  if (day == 0) day = 7;
  return day > 4 ? jan1 + (8 - day) * detail::kMsPerDay : jan1 - (day - 1) * detail::kMsPerDay;
}

double delta_weeks(double start, double end) {
  return (end - start) / (detail::kMsPerDay * 7) + 1;
}

Fragment fragment(double t, char16_t component) {
  const detail::Fields f = detail::utc_fields(t);
  switch (component) {
    case u'Y': return Fragment::of(f.year);
    case u'M': return Fragment::of(f.month0 + 1);
    case u'D': return Fragment::of(f.day);
    case u'd': {
      const double today = detail::date_utc(f.year, f.month0, f.day);
      const double first = detail::date_utc(f.year, 0);
      return Fragment::of((today - first) / detail::kMsPerDay + 1);
    }
    case u'F': return Fragment::of(f.weekday == 0 ? 7 : f.weekday);
    case u'W': {
      const double start = start_of_first_week(f.year, 0);
      const double today = detail::date_utc(f.year, f.month0, f.day);
      double week = delta_weeks(start, today);
      if (week > 52) {
        if (today >= start_of_first_week(f.year + 1, 0)) week = 1;
      } else if (week < 1) {
        week = delta_weeks(start_of_first_week(f.year - 1, 0), today);
      }
      return Fragment::of(std::floor(week));
    }
    case u'w': {
      const double start = start_of_first_week(f.year, f.month0);
      const double today = detail::date_utc(f.year, f.month0, f.day);
      double week = delta_weeks(start, today);
      const double next_year = f.month0 == 11 ? f.year + 1 : f.year;
      const double next_month = f.month0 == 11 ? 0 : f.month0 + 1;
      const double prev_year = f.month0 == 0 ? f.year - 1 : f.year;
      const double prev_month = f.month0 == 0 ? 11 : f.month0 - 1;
      if (week > 4) {
        if (today >= start_of_first_week(next_year, next_month)) week = 1;
      } else if (week < 1) {
        week = delta_weeks(start_of_first_week(prev_year, prev_month), today);
      }
      return Fragment::of(std::floor(week));
    }
    case u'X': {
      const double start = start_of_first_week(f.year, 0);
      const double end = start_of_first_week(f.year + 1, 0);
      if (t < start) return Fragment::of(f.year - 1);
      if (t >= end) return Fragment::of(f.year + 1);
      return Fragment::of(f.year);
    }
    case u'x': {
      const double start = start_of_first_week(f.year, f.month0);
      const double next_year = f.month0 == 11 ? f.year + 1 : f.year;
      const double next_month = f.month0 == 11 ? 0 : f.month0 + 1;
      const double end = start_of_first_week(next_year, next_month);
      if (t < start) return Fragment::of(f.month0 == 0 ? 12 : f.month0);
      if (t >= end) return Fragment::of(next_month + 1);
      return Fragment::of(f.month0 + 1);
    }
    case u'H': return Fragment::of(f.hours);
    case u'h': {
      const double h = detail::js_mod(f.hours, 12);
      return Fragment::of(h == 0 ? 12 : h);
    }
    case u'P': return Fragment::of(U16(f.hours >= 12 ? u"pm" : u"am"));
    case u'm': return Fragment::of(f.minutes);
    case u's': return Fragment::of(f.seconds);
    case u'f': return Fragment::of(f.ms);
    case u'C':
    case u'E': return Fragment::of(U16(u"ISO"));
    default: return Fragment{};
  }
}

U16 fragment_text(const Fragment& f) {
  if (f.kind == Fragment::kText) return f.text;
  if (f.kind == Fragment::kNumber) return detail::to_u16(detail::js_number_to_string(f.number));
  return u"undefined";
}

U16 apply_case(U16 text, TextCase c) {
  for (char16_t& u : text) {
    if (c == TextCase::kUpper && u >= u'a' && u <= u'z') u = static_cast<char16_t>(u - 32);
    if (c == TextCase::kLower && u >= u'A' && u <= u'Z') u = static_cast<char16_t>(u + 32);
  }
  return text;
}

Result<U16> format_component(double t, const Marker& m, double offset_hours,
                             double offset_minutes) {
  const char16_t c = m.component.empty() ? u'\0' : m.component[0];
  Fragment value = m.component.size() == 1 ? fragment(t, c) : Fragment{};
  if (m.component.size() == 1 && contains(u"YMDdFWwXxHhms", m.component)) {
    if (c == u'Y' && m.n.has_value() && *m.n != -1) {
      value.number = detail::js_mod(value.number, std::pow(10.0, *m.n));
    }
    if (m.names) {
      U16 name;
      const double v = value.number;
      const bool month = c == u'M' || c == u'x';
      if (!month && c != u'F') return detail::picture_error("D3133", detail::json_quote(m.component));
      // NOTE(emulator): an invalid date has no name; the reference fails with a TypeError.
      if (std::isnan(v)) return detail::out_of_range(v);
      name = month ? kMonths[static_cast<int>(v) - 1] : kDays[static_cast<int>(v)];
      if (*m.names != TextCase::kTitle) name = apply_case(name, *m.names);
      if (m.width && m.width->max.has_value() && static_cast<double>(name.size()) > *m.width->max) {
        name = detail::js_substring(name, 0, *m.width->max);
      }
      return name;
    }
    return detail::format_integer_value(value.number, *m.integer);
  }
  if (c == u'f' && m.component.size() == 1) {
    // NOTE(emulator): [fN] has no integer format; the reference fails with a TypeError.
    if (!m.integer) return detail::picture_error("D3133", detail::json_quote(m.component));
    return detail::format_integer_value(value.number, *m.integer);
  }
  if ((c == u'Z' || c == u'z') && m.component.size() == 1) {
    const double offset = offset_hours * 100 + offset_minutes;
    U16 text;
    if (m.integer->regular) {
      auto r = detail::format_integer_value(offset, *m.integer);
      if (auto* e = std::get_if<PictureError>(&r)) return *e;
      text = std::get<U16>(std::move(r));
    } else {
      const double digits = m.integer->style == detail::IntegerStyle::kDecimal
                                ? m.integer->mandatory_digits
                                : kNaN;  // the reference reads an absent count
      if (digits == 1 || digits == 2) {
        auto r = detail::format_integer_value(offset_hours, *m.integer);
        if (auto* e = std::get_if<PictureError>(&r)) return *e;
        text = std::get<U16>(std::move(r));
        if (offset_minutes != 0) {
          auto minutes = format_integer(offset_minutes, "00");
          text += u':';
          text += detail::to_u16(std::get<std::string>(minutes));
        }
      } else if (digits == 3 || digits == 4) {
        auto r = detail::format_integer_value(offset, *m.integer);
        if (auto* e = std::get_if<PictureError>(&r)) return *e;
        text = std::get<U16>(std::move(r));
      } else {
        return detail::picture_error("D3134");
      }
    }
    if (offset >= 0) text = u"+" + text;
    if (c == u'z') text = u"GMT" + text;
    if (offset == 0 && m.presentation2 == u't') text = u"Z";
    return text;
  }
  if (c == u'P' && m.component.size() == 1) {
    if (m.names == TextCase::kUpper) return apply_case(value.text, TextCase::kUpper);
    return value.text;
  }
  return fragment_text(value);  // C, E: "ISO"; an unknown component given a modifier: undefined
}

// ---- parsing ----

struct Matcher {
  std::string regex;  // UTF-8 PCRE2 source for this part
  char16_t component = 0;
  enum Kind { kLiteral, kZone, kInteger, kName } kind = kLiteral;
  IntegerPicture integer;
  std::optional<U16> zone_separator;
  bool zone_gmt = false;
  std::map<U16, double> names;
};

std::string escape_literal(U16View text) {
  std::string out;
  for (const char16_t u : text) {
    switch (u) {
      case u'.': case u'*': case u'+': case u'?': case u'^': case u'$': case u'{': case u'}':
      case u'(': case u')': case u'|': case u'[': case u']': case u'\\':
        out += '\\';
        break;
      default:
        break;
    }
    out += detail::to_u8(U16View(&u, 1));
  }
  // Re-encode surrogate pairs whole (escaping went unit by unit).
  return detail::to_u8(detail::to_u16(out));
}

std::string integer_regex(const IntegerPicture& f, std::optional<double> n) {
  std::string occurrences = "+";
  if (n.has_value() && *n > 0) {
    if (f.optional_digits == 0) {
      occurrences = "{" + detail::js_number_to_string(*n) + "}";
    } else {
      occurrences = "{" + detail::js_number_to_string(*n - f.optional_digits) + "," +
                    detail::js_number_to_string(*n) + "}";
    }
  }
  const bool upper = f.text_case == TextCase::kUpper;
  switch (f.style) {
    case detail::IntegerStyle::kLetters: return upper ? "[A-Z]+" : "[a-z]+";
    case detail::IntegerStyle::kRoman: return upper ? "[MDCLXVI]+" : "[mdclxvi]+";
    case detail::IntegerStyle::kWords: {
      std::string r = "(?:";
      for (const std::string& w : detail::number_words()) r += w + "|";
      return r + "and|[\\-, ])+";
    }
    case detail::IntegerStyle::kDecimal:
      return "[0-9]" + occurrences + (f.ordinal ? "(?:th|st|nd|rd)" : "");
    case detail::IntegerStyle::kSequence: break;
  }
  return {};
}

Result<std::vector<Matcher>> build_matchers(const std::vector<Part>& spec) {
  std::vector<Matcher> out;
  for (const Part& part : spec) {
    Matcher m;
    if (part.literal) {
      m.regex = escape_literal(part.text);
      out.push_back(std::move(m));
      continue;
    }
    const Marker& mk = part.marker;
    m.component = mk.component.empty() ? u'\0' : mk.component[0];
    if (mk.component == u"Z" || mk.component == u"z") {
      m.kind = Matcher::kZone;
      m.zone_gmt = mk.component == u"z";
      if (mk.integer->style != detail::IntegerStyle::kDecimal || mk.integer->regular) {
        // The reference takes the regular separator, and also "a separator" of a picture that is
        // not a digit pattern (whose separator is then absent).
        if (mk.integer->regular) m.zone_separator = mk.integer->regular_character;
      }
      m.regex = m.zone_gmt ? "GMT" : "";
      m.regex += "[-+][0-9]+";
      if (m.zone_separator) m.regex += detail::to_u8(*m.zone_separator) + "[0-9]+";
    } else if (mk.integer) {
      m.kind = Matcher::kInteger;
      m.integer = *mk.integer;
      if (m.integer.style == detail::IntegerStyle::kSequence) {
        return detail::picture_error("D3130", detail::json_quote(m.integer.token));
      }
      m.regex = integer_regex(m.integer, mk.n);
    } else {
      m.kind = Matcher::kName;
      m.regex = "[a-zA-Z]+";
      const bool truncate = mk.width && mk.width->max.has_value() && *mk.width->max != 0 &&
                            !std::isnan(*mk.width->max);
      const auto key = [&](const char16_t* name) {
        U16 n(name);
        return truncate ? detail::js_substring(n, 0, *mk.width->max) : n;
      };
      if (m.component == u'M' || m.component == u'x') {
        for (int i = 0; i < 12; ++i) m.names[key(kMonths[i])] = i + 1;
      } else if (m.component == u'F') {
        for (int i = 1; i < 8; ++i) m.names[key(kDays[i])] = i;
      } else if (m.component == u'P') {
        m.names = {{u"am", 0}, {u"AM", 0}, {u"pm", 1}, {u"PM", 1}};
      } else {
        return detail::picture_error("D3133", detail::json_quote(mk.component));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

// What one group's text means: a number, NaN, or nothing (a name not in the table).
std::optional<double> read_group(const Matcher& m, const U16& text) {
  switch (m.kind) {
    case Matcher::kLiteral: return std::nullopt;
    case Matcher::kName: {
      const auto it = m.names.find(text);
      if (it == m.names.end()) return std::nullopt;
      return it->second;
    }
    case Matcher::kInteger: {
      auto r = detail::parse_integer_value(text, m.integer);
      return std::get<double>(r);
    }
    case Matcher::kZone: {
      U16 v = text;
      if (m.zone_gmt) v = detail::js_substring(v, 3);
      double hours = 0;
      double minutes = 0;
      if (m.zone_separator) {
        const long at = detail::js_index_of(v, *m.zone_separator);
        hours = detail::js_parse_int(detail::js_substring(v, 0, static_cast<double>(at)));
        minutes = detail::js_parse_int(detail::js_substring(v, static_cast<double>(at) + 1));
      } else if (v.size() - 1 <= 2 || v.empty()) {
        hours = detail::js_parse_int(v);
      } else {
        hours = detail::js_parse_int(detail::js_substring(v, 0, 3));
        minutes = detail::js_parse_int(detail::js_substring(v, 3));
      }
      return hours * 60 + minutes;
    }
  }
  return std::nullopt;
}

// A parsed component: absent, or a value (for P possibly the text "am"/"pm" of the default).
struct Component {
  bool present = false;
  double number = 0;
  bool text = false;
  bool truthy() const { return present && !text && number != 0 && !std::isnan(number); }
};

Result<std::optional<double>> parse_with_picture(const std::string& timestamp,
                                                 const std::string& picture_utf8,
                                                 std::int64_t now_millis) {
  auto analysed = analyse_picture(detail::to_u16(picture_utf8));
  if (auto* e = std::get_if<PictureError>(&analysed)) return *e;
  const auto& spec = std::get<std::vector<Part>>(analysed);
  auto built = build_matchers(spec);
  if (auto* e = std::get_if<PictureError>(&built)) return *e;
  const auto& matchers = std::get<std::vector<Matcher>>(built);

  std::string source = "^";
  for (const Matcher& m : matchers) source += "(" + m.regex + ")";
  source += "\\z";
  core::RegexOptions options;
  options.caseless = true;
  options.javascript = true;
  std::string compile_error;
  const auto regex = core::Regex::compile(source, options, &compile_error);
  // NOTE(emulator): the reference's RegExp throws a SyntaxError (no JSONata code) for the few
  // pictures whose timezone separator is a regular-expression operator that cannot stand there.
  if (!regex) {
    return detail::picture_error("D3137", "Invalid regular expression: " + compile_error);
  }
  const std::string subject = detail::to_u8(detail::to_u16(timestamp));
  core::RegexMatch match;
  const auto outcome = regex->search(subject, 0, &match);
  if (outcome == core::Regex::Outcome::kLimit) return detail::out_of_range(0);
  if (outcome != core::Regex::Outcome::kMatch) return std::optional<double>();

  std::map<char16_t, Component> components;
  bool any = false;
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    const Matcher& m = matchers[i];
    if (m.kind == Matcher::kLiteral) continue;
    any = true;
    const auto [begin, end] = match.groups[i + 1];
    const U16 text = detail::to_u16(std::string_view(subject).substr(begin, end - begin));
    const std::optional<double> v = read_group(m, text);
    components[m.component] = v ? Component{true, *v, false} : Component{};
  }
  if (!any) return std::optional<double>();

  const auto get = [&](char16_t c) -> Component& { return components[c]; };
  int mask = 0;
  const auto shift = [&](bool bit) { mask = (mask << 1) + (bit ? 1 : 0); };
  const auto is_type = [&](int type) { return (~type & mask) == 0 && (type & mask) != 0; };
  for (const char16_t c : std::u16string_view(u"YXMxWwdD")) shift(get(c).truthy());
  const bool date_a = is_type(161);
  const bool date_b = !date_a && is_type(130);
  const bool date_c = is_type(84);
  const bool date_d = !date_c && is_type(72);
  mask = 0;
  for (const char16_t c : std::u16string_view(u"PHhmsf")) shift(get(c).truthy());
  const bool time_a = is_type(23);
  const bool time_b = !time_a && is_type(47);

  // Sic: the reference's list for (Y, d) dates is "YD".
  const std::u16string_view date_comps = date_b ? u"YD" : date_c ? u"XxwF" : date_d ? u"XWF" : u"YMD";
  const std::u16string_view time_comps = time_b ? u"Phmsf" : u"Hmsf";
  const auto now = static_cast<double>(now_millis);
  bool start_specified = false;
  bool end_specified = false;
  for (const std::u16string_view comps : {date_comps, time_comps}) {
    for (const char16_t c : comps) {
      Component& comp = get(c);
      if (!comp.present) {
        if (start_specified) {
          comp = Component{true, (c == u'M' || c == u'D' || c == u'd') ? 1.0 : 0.0, false};
          end_specified = true;
        } else {
          const Fragment f = fragment(now, c);
          comp = f.kind == Fragment::kNumber ? Component{true, f.number, false}
                                             : Component{true, 0, true};
        }
      } else {
        start_specified = true;
        if (end_specified) return detail::picture_error("D3136");
      }
    }
  }
  Component& month = get(u'M');
  if (month.present && !month.text && month.number > 0) {
    month.number -= 1;
  } else {
    month = Component{true, 0, false};
  }
  if (date_b) {
    const double first = detail::date_utc(get(u'Y').number, 0);
    const double offset = (get(u'd').number - 1) * detail::kMsPerDay;
    const detail::Fields f = detail::utc_fields(detail::time_clip(first + offset));
    month = Component{true, f.month0, false};
    get(u'D') = Component{true, f.day, false};
  }
  if (date_c || date_d) return detail::picture_error("D3136");
  if (time_b) {
    const Component& h = get(u'h');
    double hours = h.number == 12 ? 0 : h.number;
    if (get(u'P').present && !get(u'P').text && get(u'P').number == 1) hours += 12;
    get(u'H') = Component{true, hours, false};
  }
  const auto num = [&](char16_t c) {
    const Component& comp = get(c);
    return comp.present && !comp.text ? comp.number : kNaN;
  };
  double millis = detail::date_utc(num(u'Y'), num(u'M'), num(u'D'), num(u'H'), num(u'm'),
                                   num(u's'), num(u'f'));
  const Component& zone = get(u'Z').truthy() ? get(u'Z') : get(u'z');
  if (zone.truthy()) millis -= zone.number * 60 * 1000;
  return std::optional<double>(millis);
}

}  // namespace

Result<std::string> format_datetime(std::int64_t millis, const std::optional<std::string>& picture,
                                    const std::optional<std::string>& timezone) {
  double offset_hours = 0;
  double offset_minutes = 0;
  if (timezone.has_value()) {
    const double offset = detail::js_parse_int(detail::to_u16(*timezone));
    offset_hours = std::floor(offset / 100);
    offset_minutes = detail::js_mod(offset, 100);
  }
  auto analysed = analyse_picture(picture ? detail::to_u16(*picture) : U16(kDefaultPicture));
  if (auto* e = std::get_if<PictureError>(&analysed)) return *e;
  const double offset_millis = (60 * offset_hours + offset_minutes) * 60 * 1000;
  const double t = detail::time_clip(static_cast<double>(millis) + offset_millis);
  U16 out;
  for (const Part& part : std::get<std::vector<Part>>(analysed)) {
    if (part.literal) {
      out += part.text;
    } else {
      auto text = format_component(t, part.marker, offset_hours, offset_minutes);
      if (auto* e = std::get_if<PictureError>(&text)) return *e;
      out += std::get<U16>(text);
    }
    if (out.size() > kMaxOutput) return detail::out_of_range(static_cast<double>(millis));
  }
  return detail::to_u8(out);
}

Result<std::optional<double>> parse_datetime_number(const std::string& timestamp,
                                                    const std::optional<std::string>& picture,
                                                    std::int64_t now_millis) {
  if (!picture.has_value()) {
    auto r = detail::parse_iso8601(timestamp);
    if (auto* e = std::get_if<PictureError>(&r)) return *e;
    return std::optional<double>(std::get<double>(r));
  }
  return parse_with_picture(timestamp, *picture, now_millis);
}

Result<std::optional<std::int64_t>> parse_datetime(const std::string& timestamp,
                                                   const std::optional<std::string>& picture,
                                                   std::int64_t now_millis) {
  auto r = parse_datetime_number(timestamp, picture, now_millis);
  if (auto* e = std::get_if<PictureError>(&r)) return *e;
  const auto& v = std::get<std::optional<double>>(r);
  if (!v.has_value() || std::isnan(*v)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(static_cast<std::int64_t>(*v));
}

}  // namespace scl::jsonata::pictures
