#include "engine/model/java_regex.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace scl::model {
namespace {

// Java's line terminators (Pattern docs, "Line terminators"): what `.` does not match.
constexpr std::string_view kJavaDot = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]";

struct Property {
  std::string_view name;
  std::string_view body;  // the inside of a class: "\p{L}", "[:alpha:]", ...
  std::string_view negated;
};

// Unicode general categories: PCRE2 spells them as Java does.
constexpr std::array<std::string_view, 38> kCategories{
    "L",  "Lu", "Ll", "Lt", "Lm", "Lo", "M",  "Mn", "Mc", "Me", "N",  "Nd", "Nl",
    "No", "P",  "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S",  "Sm", "Sc", "Sk",
    "So", "Z",  "Zs", "Zl", "Zp", "C",  "Cc", "Cf", "Co", "Cn", "LC", "Cs"};

// Java names PCRE2 does not share. POSIX names are US-ASCII in Java unless
// UNICODE_CHARACTER_CLASS, as PCRE2's POSIX classes are without UCP.
constexpr std::array<Property, 20> kProperties{{
    {"Alpha", "[:alpha:]", "[:^alpha:]"},
    {"Digit", "[:digit:]", "[:^digit:]"},
    {"Alnum", "[:alnum:]", "[:^alnum:]"},
    {"Upper", "[:upper:]", "[:^upper:]"},
    {"Lower", "[:lower:]", "[:^lower:]"},
    {"Punct", "[:punct:]", "[:^punct:]"},
    {"Graph", "[:graph:]", "[:^graph:]"},
    {"Print", "[:print:]", "[:^print:]"},
    {"ASCII", "[:ascii:]", "[:^ascii:]"},
    {"Space", "[:space:]", "[:^space:]"},
    {"XDigit", "[:xdigit:]", "[:^xdigit:]"},
    {"Cntrl", "[:cntrl:]", "[:^cntrl:]"},
    {"Blank", "[:blank:]", "[:^blank:]"},
    {"IsAlphabetic", "\\p{L}\\p{Nl}", ""},
    {"IsLetter", "\\p{L}", "\\P{L}"},
    {"IsDigit", "\\p{Nd}", "\\P{Nd}"},
    {"IsPunctuation", "\\p{P}", "\\P{P}"},
    {"IsUppercase", "\\p{Lu}", "\\P{Lu}"},
    {"IsLowercase", "\\p{Ll}", "\\P{Ll}"},
    {"IsWhite_Space", "\\x{09}-\\x{0D}\\x{85}\\p{Zs}\\x{2028}\\x{2029}", ""},
}};

// The class body for \p{name} (or \P{name} when `negated`); nullopt when unknown or when the
// negation cannot be written inside one class.
std::optional<std::string> property_body(std::string_view name, bool negated) {
  for (const auto& p : kProperties) {
    if (p.name == name) {
      if (!negated) return std::string(p.body);
      if (p.negated.empty()) return std::nullopt;
      return std::string(p.negated);
    }
  }
  std::string_view cat = name;
  if (cat.starts_with("Is")) cat.remove_prefix(2);
  if (cat.starts_with("general_category=")) cat.remove_prefix(17);
  if (cat.starts_with("gc=")) cat.remove_prefix(3);
  for (const auto c : kCategories) {
    if (c == cat) return std::string(negated ? "\\P{" : "\\p{") + std::string(c) + "}";
  }
  return std::nullopt;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::optional<std::string> java_regex_to_pcre2(std::string_view java) {
  std::string out;
  out.reserve(java.size() + 16);
  int class_depth = 0;  // 0 or 1: nested classes are refused
  const std::size_t n = java.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = java[i];
    if (c == '\\') {
      if (i + 1 >= n) return std::nullopt;
      const char e = java[++i];
      if (e == 'p' || e == 'P') {
        std::string_view name;
        if (i + 1 < n && java[i + 1] == '{') {
          const std::size_t close = java.find('}', i + 2);
          if (close == std::string_view::npos) return std::nullopt;
          name = java.substr(i + 2, close - (i + 2));
          i = close;
        } else if (i + 1 < n) {
          name = java.substr(i + 1, 1);
          ++i;
        } else {
          return std::nullopt;
        }
        auto body = property_body(name, e == 'P');
        if (!body) return std::nullopt;
        if (class_depth > 0) {
          out += *body;
        } else {
          out += '[';
          out += *body;
          out += ']';
        }
        continue;
      }
      switch (e) {
        case 'Q': {  // literal up to \E (or the end), same in PCRE2
          const std::size_t end = java.find("\\E", i + 1);
          const std::size_t stop = end == std::string_view::npos ? n : end;
          out += "\\Q";
          out += java.substr(i + 1, stop - (i + 1));
          out += "\\E";
          i = end == std::string_view::npos ? n : end + 1;
          continue;
        }
        case 'u': {  // \uhhhh
          if (i + 4 >= n) return std::nullopt;
          for (std::size_t k = 1; k <= 4; ++k)
            if (!is_hex(java[i + k])) return std::nullopt;
          out += "\\x{";
          out += java.substr(i + 1, 4);
          out += '}';
          i += 4;
          continue;
        }
        case '0': {  // \0n, \0nn, \0mnn (m <= 3)
          std::size_t k = i + 1;
          std::string digits;
          while (k < n && digits.size() < 3 && java[k] >= '0' && java[k] <= '7') {
            if (digits.size() == 2 && digits[0] > '3') break;
            digits.push_back(java[k++]);
          }
          if (digits.empty()) return std::nullopt;
          out += "\\o{" + digits + "}";
          i = k - 1;
          continue;
        }
        case 'N':  // Java \N{name}; PCRE2's \N is "not a newline"
          return std::nullopt;
        default:
          out += '\\';
          out += e;
          continue;
      }
    }
    if (class_depth > 0) {
      if (c == '[') return std::nullopt;                                     // union
      if (c == '&' && i + 1 < n && java[i + 1] == '&') return std::nullopt;  // intersection
      if (c == ']') class_depth = 0;
      out += c;
      continue;
    }
    switch (c) {
      case '[':
        class_depth = 1;
        out += c;
        if (i + 1 < n && java[i + 1] == '^') {
          out += '^';
          ++i;
        }
        if (i + 1 < n && java[i + 1] == ']') {  // a leading ']' is a literal
          out += "\\x{5D}";
          ++i;
        }
        break;
      case '.':
        out += kJavaDot;
        break;
      case '(':
        out += c;
        if (i + 1 < n && java[i + 1] == '?') {
          // (?: (?= (?! (?> (?<= (?<! (?<name> are PCRE2 syntax too; flags need a look.
          std::size_t k = i + 2;
          bool flags = false;
          while (k < n && java[k] != ')' && java[k] != ':') {
            const char f = java[k];
            if (f == 'i' || f == 'm' || f == 'x' || f == '-') {
              flags = true;
              ++k;
              continue;
            }
            if (flags || (f != 'd' && f != 'u' && f != 'U' && f != 's')) break;
            return std::nullopt;  // d u U s: no PCRE2 equivalent here
          }
          if (flags && k < n && java[k] != ')' && java[k] != ':') return std::nullopt;
        }
        break;
      default:
        out += c;
        break;
    }
  }
  if (class_depth > 0) return std::nullopt;
  return out;
}

std::optional<RepeatedClass> as_repeated_class(std::string_view pattern) {
  std::string_view ecma = pattern;
  auto eat = [&ecma](char c) {
    if (!ecma.empty() && ecma.front() == c) {
      ecma.remove_prefix(1);
      return true;
    }
    return false;
  };
  auto eat_back = [&ecma](char c) {
    if (!ecma.empty() && ecma.back() == c && !(ecma.size() >= 2 && ecma[ecma.size() - 2] == '\\')) {
      ecma.remove_suffix(1);
      return true;
    }
    return false;
  };
  eat('^');
  eat_back('$');
  if (eat('(')) {
    if (eat('?') && !eat(':')) return std::nullopt;
    if (!eat_back(')')) return std::nullopt;
  }
  if (ecma.size() < 3 || ecma.front() != '[') return std::nullopt;
  // Find the closing ']' of the bracket expression (a ']' right after '[' or '[^' is literal).
  std::size_t i = 1;
  if (i < ecma.size() && ecma[i] == '^') ++i;
  if (i < ecma.size() && ecma[i] == ']') ++i;
  for (; i < ecma.size(); ++i) {
    if (ecma[i] == '\\') {
      ++i;
    } else if (ecma[i] == '[') {
      // [:alpha:] and friends are part of the class; any other '[' is not this shape.
      if (i + 1 >= ecma.size() || ecma[i + 1] != ':') return std::nullopt;
      const std::size_t close = ecma.find(":]", i + 2);
      if (close == std::string_view::npos) return std::nullopt;
      i = close + 1;
    } else if (ecma[i] == ']') {
      break;
    }
  }
  if (i + 2 != ecma.size()) return std::nullopt;  // exactly "]" + quantifier left
  const char q = ecma[i + 1];
  if (q != '*' && q != '+') return std::nullopt;
  return RepeatedClass{std::string(ecma.substr(0, i + 1)), q == '+' ? 1U : 0U};
}

}  // namespace scl::model
