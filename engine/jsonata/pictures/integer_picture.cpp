#include "engine/jsonata/pictures/integer_picture.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>

namespace scl::jsonata::pictures::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The zero of every decimal digit family the reference recognises (all in the BMP: a digit
// outside it, such as U+1D7CE, is a grouping separator to the reference).
constexpr std::array<char32_t, 37> kDecimalFamilies{
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

constexpr std::array<std::string_view, 20> kFew{
    "Zero",    "One",     "Two",       "Three",    "Four",     "Five",    "Six",
    "Seven",   "Eight",   "Nine",      "Ten",      "Eleven",   "Twelve",  "Thirteen",
    "Fourteen", "Fifteen", "Sixteen",  "Seventeen", "Eighteen", "Nineteen"};
constexpr std::array<std::string_view, 20> kOrdinals{
    "Zeroth",     "First",      "Second",     "Third",       "Fourth",     "Fifth",
    "Sixth",      "Seventh",    "Eighth",     "Ninth",       "Tenth",      "Eleventh",
    "Twelfth",    "Thirteenth", "Fourteenth", "Fifteenth",   "Sixteenth",  "Seventeenth",
    "Eighteenth", "Nineteenth"};
// Twenty..Ninety, then Hundred (the reference's list, whose "ieth" form of Hundred is a word too).
constexpr std::array<std::string_view, 9> kDecades{"Twenty", "Thirty",  "Forty",  "Fifty",  "Sixty",
                                                   "Seventy", "Eighty", "Ninety", "Hundred"};
constexpr std::array<std::string_view, 4> kMagnitudes{"Thousand", "Million", "Billion", "Trillion"};

constexpr double kRomanLimit = 1e7;  // the reference's recursion overflows V8's stack about here

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

U16 ascii_case(U16 s, bool upper) {
  for (char16_t& c : s) {
    if (upper && c >= u'a' && c <= u'z') c = static_cast<char16_t>(c - u'a' + u'A');
    if (!upper && c >= u'A' && c <= u'Z') c = static_cast<char16_t>(c - u'A' + u'a');
  }
  return s;
}

U16 u16(std::string_view ascii) { return U16(ascii.begin(), ascii.end()); }

// The words table in the reference's insertion order (that order is the order of the
// alternation the date/time parser builds, so it decides how ambiguous text is split).
struct WordTable {
  std::vector<std::string> words;
  std::map<std::string, double, std::less<>> values;
  WordTable() {
    const auto add = [&](const std::string& w, double v) {
      if (values.emplace(w, v).second) words.push_back(w);
    };
    for (std::size_t i = 0; i < kFew.size(); ++i) add(ascii_lower(kFew[i]), static_cast<double>(i));
    for (std::size_t i = 0; i < kOrdinals.size(); ++i) {
      add(ascii_lower(kOrdinals[i]), static_cast<double>(i));
    }
    for (std::size_t i = 0; i < kDecades.size(); ++i) {
      const std::string w = ascii_lower(kDecades[i]);
      const double v = static_cast<double>((i + 2) * 10);
      add(w, v);
      add(w.substr(0, w.size() - 1) + "ieth", v);
    }
    add("hundredth", 100);
    for (std::size_t i = 0; i < kMagnitudes.size(); ++i) {
      const std::string w = ascii_lower(kMagnitudes[i]);
      const double v = std::pow(10.0, static_cast<double>((i + 1) * 3));
      add(w, v);
      add(w + "th", v);
    }
  }
};

const WordTable& word_table() {
  static const WordTable table;
  return table;
}

// One step of the reference's recursive words builder.
void words_of(double num, bool prev, bool ord, U16& out) {
  if (num <= 19) {
    if (prev) out += u" and ";
    const auto index = static_cast<std::size_t>(num);
    out += u16(ord ? kOrdinals[index] : kFew[index]);
  } else if (num < 100) {
    const double tens = std::floor(num / 10);
    const double remainder = js_mod(num, 10);
    if (prev) out += u" and ";
    const std::string_view decade = kDecades[static_cast<std::size_t>(tens) - 2];
    if (remainder > 0) {
      out += u16(decade);
      out += u'-';
      words_of(remainder, false, ord, out);
    } else if (ord) {
      out += u16(decade.substr(0, decade.size() - 1));
      out += u"ieth";
    } else {
      out += u16(decade);
    }
  } else if (num < 1000) {
    const double hundreds = std::floor(num / 100);
    const double remainder = js_mod(num, 100);
    if (prev) out += u", ";
    out += u16(kFew[static_cast<std::size_t>(hundreds)]);
    out += u" Hundred";
    if (remainder > 0) {
      words_of(remainder, true, ord, out);
    } else if (ord) {
      out += u"th";
    }
  } else {
    double mag = std::floor(std::log10(num) / 3);
    if (mag > static_cast<double>(kMagnitudes.size())) mag = static_cast<double>(kMagnitudes.size());
    const double factor = std::pow(10.0, mag * 3);
    const double mant = std::floor(num / factor);
    const double remainder = num - mant * factor;
    if (prev) out += u", ";
    words_of(mant, false, false, out);
    out += u' ';
    out += u16(kMagnitudes[static_cast<std::size_t>(mag) - 1]);
    if (remainder > 0) {
      words_of(remainder, true, ord, out);
    } else if (ord) {
      out += u"th";
    }
  }
}

bool is_word_separator_at(U16View text, std::size_t p, std::size_t* len) {
  // The reference splits on /,\s|\sand\s|[\s\\-]/, alternatives tried in that order.
  if (text[p] == u',' && p + 1 < text.size() && js_is_space(text[p + 1])) {
    *len = 2;
    return true;
  }
  if (js_is_space(text[p]) && p + 4 < text.size() && text.substr(p + 1, 3) == u"and" &&
      js_is_space(text[p + 4])) {
    *len = 5;
    return true;
  }
  if (js_is_space(text[p]) || text[p] == u'\\' || text[p] == u'-') {
    *len = 1;
    return true;
  }
  return false;
}

U16 remove_all(U16 text, const U16& what) {
  if (what.empty()) return text;
  U16 out;
  std::size_t p = 0;
  while (true) {
    const std::size_t q = text.find(what, p);
    if (q == U16::npos) break;
    out.append(text, p, q - p);
    p = q + what.size();
  }
  out.append(text, p, U16::npos);
  return out;
}

double roman_to_number(U16View roman) {
  double decimal = 0;
  double max = 1;
  for (std::size_t i = roman.size(); i > 0; --i) {
    double value = kNaN;
    switch (roman[i - 1]) {
      case u'M': value = 1000; break;
      case u'D': value = 500; break;
      case u'C': value = 100; break;
      case u'L': value = 50; break;
      case u'X': value = 10; break;
      case u'V': value = 5; break;
      case u'I': value = 1; break;
      default: break;
    }
    if (value < max) {
      decimal -= value;
    } else {
      max = value;  // NaN (an unknown character) poisons the rest, as undefined does in JS
      decimal += value;
    }
  }
  return decimal;
}

U16 number_to_roman(double value) {
  static constexpr std::array<std::pair<int, std::u16string_view>, 13> kNumerals{{
      {1000, u"m"}, {900, u"cm"}, {500, u"d"}, {400, u"cd"}, {100, u"c"}, {90, u"xc"}, {50, u"l"},
      {40, u"xl"}, {10, u"x"}, {9, u"ix"}, {5, u"v"}, {4, u"iv"}, {1, u"i"}}};
  U16 out;
  for (const auto& [n, numeral] : kNumerals) {
    while (value >= n) {
      out += numeral;
      value -= n;
    }
  }
  return out;
}

}  // namespace

U16 js_substr(U16View text, double start, std::optional<double> length) {
  const auto size = static_cast<double>(text.size());
  if (std::isnan(start)) start = 0;
  start = std::trunc(start);
  if (start < 0) start = std::max(size + start, 0.0);
  start = std::min(start, size);
  double len = size - start;
  if (length.has_value()) {
    const double l = std::isnan(*length) ? 0 : std::trunc(*length);
    len = std::min(std::max(l, 0.0), size - start);
  }
  return U16(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(len)));
}

const std::vector<std::string>& number_words() { return word_table().words; }

U16 number_to_words(double value, bool ordinal) {
  U16 out;
  words_of(value, false, ordinal, out);
  return out;
}

double words_to_number(U16View text) {
  std::vector<U16> parts;
  std::size_t p = 0;
  std::size_t q = 0;
  while (q < text.size()) {
    std::size_t len = 0;
    if (is_word_separator_at(text, q, &len)) {
      parts.emplace_back(text.substr(p, q - p));
      q += len;
      p = q;
    } else {
      ++q;
    }
  }
  parts.emplace_back(text.substr(p));
  const WordTable& table = word_table();
  std::vector<double> segs{0};
  for (const U16& part : parts) {
    double value = kNaN;
    const auto it = table.values.find(to_u8(part));
    if (it != table.values.end()) value = it->second;
    if (value < 100) {
      double top = segs.back();
      segs.pop_back();
      if (top >= 1000) {
        segs.push_back(top);
        top = 0;
      }
      segs.push_back(top + value);
    } else {
      const double top = segs.back();
      segs.back() = top * value;
    }
  }
  double result = 0;
  for (const double s : segs) result += s;
  return result;
}

Result<IntegerPicture> analyse_integer_picture(U16View picture) {
  IntegerPicture format;
  U16View primary = picture;
  const std::size_t semicolon = picture.rfind(u';');
  if (semicolon != U16View::npos) {
    primary = picture.substr(0, semicolon);
    const U16View modifier = picture.substr(semicolon + 1);
    format.ordinal = !modifier.empty() && modifier[0] == u'o';
  }
  format.token = U16(primary);
  if (primary == u"A" || primary == u"a") {
    format.style = IntegerStyle::kLetters;
    format.text_case = primary == u"A" ? TextCase::kUpper : TextCase::kLower;
    return format;
  }
  if (primary == u"I" || primary == u"i") {
    format.style = IntegerStyle::kRoman;
    format.text_case = primary == u"I" ? TextCase::kUpper : TextCase::kLower;
    return format;
  }
  if (primary == u"W" || primary == u"Ww" || primary == u"w") {
    format.style = IntegerStyle::kWords;
    format.text_case = primary == u"W"    ? TextCase::kUpper
                       : primary == u"Ww" ? TextCase::kTitle
                                          : TextCase::kLower;
    return format;
  }
  // A decimal digit pattern if it holds a digit of some family; read right to left so each
  // separator knows how many digit places lie to its right.
  std::vector<char32_t> code_points;
  for (std::size_t i = 0; i < primary.size();) {
    std::size_t units = 1;
    code_points.push_back(code_point_at(primary, i, &units));
    i += units;
  }
  std::optional<char32_t> zero;
  double places = 0;
  std::vector<GroupSeparator> right_to_left;
  for (auto it = code_points.rbegin(); it != code_points.rend(); ++it) {
    const char32_t cp = *it;
    bool digit = false;
    for (const char32_t family : kDecimalFamilies) {
      if (cp >= family && cp <= family + 9) {
        digit = true;
        format.mandatory_digits += 1;
        places += 1;
        if (!zero.has_value()) {
          zero = family;
        } else if (*zero != family) {
          return picture_error("D3131");
        }
        break;
      }
    }
    if (digit) continue;
    if (cp == U'#') {
      places += 1;
      format.optional_digits += 1;
    } else {
      right_to_left.push_back(GroupSeparator{places, from_code_point(cp)});
    }
  }
  if (format.mandatory_digits <= 0) {
    format.style = IntegerStyle::kSequence;
    return format;
  }
  format.style = IntegerStyle::kDecimal;
  format.zero = *zero;
  // Regular grouping: one character, and the positions are exactly g, 2g, 3g... for their
  // greatest common divisor g (duplicates allowed, as the reference only checks membership).
  double interval = 0;
  if (!right_to_left.empty()) {
    bool same = true;
    for (const auto& s : right_to_left) same = same && s.character == right_to_left[0].character;
    if (same) {
      const auto gcd = [](double a, double b) {
        while (b != 0) {
          const double t = std::fmod(a, b);
          a = b;
          b = t;
        }
        return a;
      };
      double factor = right_to_left[0].position;
      for (std::size_t i = 1; i < right_to_left.size(); ++i) {
        factor = gcd(factor, right_to_left[i].position);
      }
      interval = factor;
      for (std::size_t k = 1; k <= right_to_left.size() && interval > 0; ++k) {
        bool found = false;
        for (const auto& s : right_to_left) found = found || s.position == static_cast<double>(k) * factor;
        if (!found) interval = 0;
      }
    }
  }
  if (interval > 0) {
    format.regular = true;
    format.interval = interval;
    format.regular_character = right_to_left[0].character;
  } else {
    format.separators.assign(right_to_left.rbegin(), right_to_left.rend());
  }
  return format;
}

Result<U16> format_integer_value(double value, const IntegerPicture& format) {
  const bool negative = value < 0;
  value = std::abs(value);
  U16 out;
  switch (format.style) {
    case IntegerStyle::kSequence:
      return picture_error("D3130", json_quote(format.token));
    case IntegerStyle::kLetters: {
      if (std::isinf(value)) return out_of_range(value);
      const char16_t a = format.text_case == TextCase::kUpper ? u'A' : u'a';
      while (value > 0) {
        const double letter = js_mod(value - 1, 26) + a;
        out.insert(out.begin(), static_cast<char16_t>(static_cast<unsigned>(letter) & 0xFFFF));
        value = std::floor((value - 1) / 26);
      }
      break;
    }
    case IntegerStyle::kRoman:
      if (value >= kRomanLimit) return out_of_range(value);
      out = ascii_case(number_to_roman(value), format.text_case == TextCase::kUpper);
      break;
    case IntegerStyle::kWords:
      if (!std::isfinite(value)) return out_of_range(value);
      out = number_to_words(value, format.ordinal);
      if (format.text_case != TextCase::kTitle) {
        out = ascii_case(out, format.text_case == TextCase::kUpper);
      }
      break;
    case IntegerStyle::kDecimal: {
      const std::string plain = js_number_to_string(value);
      const double pad = format.mandatory_digits - static_cast<double>(plain.size());
      if (pad > static_cast<double>(kMaxOutput)) return out_of_range(format.mandatory_digits);
      std::string digits = (pad > 0 ? std::string(static_cast<std::size_t>(pad), '0') : "") + plain;
      for (const char c : digits) {
        if (format.zero == U'0') {
          out.push_back(static_cast<char16_t>(c));
        } else {
          out += from_code_point(static_cast<char32_t>(c) + format.zero - U'0');
        }
      }
      if (format.regular) {
        const double n = std::floor((static_cast<double>(out.size()) - 1) / format.interval);
        for (double ii = n; ii > 0; --ii) {
          if (out.size() > kMaxOutput) return out_of_range(value);
          const double pos = static_cast<double>(out.size()) - ii * format.interval;
          out = js_substr(out, 0, pos) + format.regular_character + js_substr(out, pos);
        }
      } else {
        for (const auto& sep : format.separators) {
          const double pos = static_cast<double>(out.size()) - sep.position;
          out = js_substr(out, 0, pos) + sep.character + js_substr(out, pos);
        }
      }
      if (format.ordinal) {
        std::u16string_view suffix = u"th";
        const char16_t last = out.empty() ? u'\0' : out.back();
        if (last == u'1') suffix = u"st";
        if (last == u'2') suffix = u"nd";
        if (last == u'3') suffix = u"rd";
        if (out.size() > 1 && out[out.size() - 2] == u'1') suffix = u"th";
        out += suffix;
      }
      break;
    }
  }
  if (out.size() > kMaxOutput) return out_of_range(value);
  if (negative) out.insert(out.begin(), u'-');
  return out;
}

Result<double> parse_integer_value(U16View text, const IntegerPicture& format) {
  switch (format.style) {
    case IntegerStyle::kSequence:
      return picture_error("D3130", json_quote(format.token));
    case IntegerStyle::kLetters: {
      const double a = format.text_case == TextCase::kUpper ? 'A' : 'a';
      double decimal = 0;
      for (std::size_t i = 0; i < text.size(); ++i) {
        decimal += (static_cast<double>(text[text.size() - i - 1]) - a + 1) *
                   std::pow(26.0, static_cast<double>(i));
      }
      return decimal;
    }
    case IntegerStyle::kRoman: {
      if (format.text_case == TextCase::kUpper) return roman_to_number(text);
      U16 upper(text);
      for (char16_t& c : upper) {
        if (c >= u'a' && c <= u'z') c = static_cast<char16_t>(c - u'a' + u'A');
        if (c == 0x0131) c = u'I';  // dotless i upper-cases to I in JavaScript
      }
      return roman_to_number(upper);
    }
    case IntegerStyle::kWords:
      return words_to_number(ascii_case(U16(text), false));
    case IntegerStyle::kDecimal: {
      U16 digits(text);
      if (format.ordinal) digits = digits.substr(0, digits.size() >= 2 ? digits.size() - 2 : 0);
      if (format.regular) {
        digits = remove_all(digits, u",");  // the reference strips ',' whatever the separator
      } else {
        for (const auto& sep : format.separators) digits = remove_all(digits, sep.character);
      }
      if (format.zero != U'0') {
        U16 mapped;
        for (const char16_t unit : digits) {
          const auto cp = static_cast<long>(unit) - static_cast<long>(format.zero) + 0x30;
          // The reference's String.fromCodePoint throws a RangeError ("Invalid code point").
          if (cp < 0) {
            return picture_error("D3137", "Invalid code point " + std::to_string(cp));
          }
          mapped += from_code_point(static_cast<char32_t>(cp));
        }
        digits = mapped;
      }
      return js_parse_int(digits);
    }
  }
  return kNaN;
}

}  // namespace scl::jsonata::pictures::detail
