#include "engine/model/java_regex.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace scl::model {
namespace {

// Character-class bodies (the part between [ and ]) in ECMAScript syntax over UTF-8 bytes.
// Punctuation is written as \xHH so it never needs context-dependent escaping inside a class.
constexpr std::string_view kNonAscii = "\\x80-\\xFF";
constexpr std::string_view kAsciiPunct = "\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E";
// Unicode P (punctuation) vs S (symbols) restricted to ASCII.
constexpr std::string_view kAsciiP =
    "\\x21-\\x23\\x25-\\x2A\\x2C-\\x2F\\x3A\\x3B\\x3F\\x40\\x5B-\\x5D\\x5F\\x7B\\x7D";
constexpr std::string_view kAsciiS = "\\x24\\x2B\\x3C-\\x3E\\x5E\\x60\\x7C\\x7E";

struct ClassBody {
  std::string_view name;
  std::string_view ascii;
  bool non_ascii;  // approximate the Unicode category by "every byte >= 0x80"
};

// Java property names. POSIX-style names (Alpha, Digit, ...) are US-ASCII only in Java
// unless UNICODE_CHARACTER_CLASS is set, which the models never do.
constexpr std::array<ClassBody, 28> kClasses{{
    {"L", "A-Za-z", true},
    {"IsL", "A-Za-z", true},
    {"IsLetter", "A-Za-z", true},
    {"IsAlphabetic", "A-Za-z", true},
    {"Lu", "A-Z", true},
    {"IsLu", "A-Z", true},
    {"Ll", "a-z", true},
    {"IsLl", "a-z", true},
    {"N", "0-9", true},
    {"IsN", "0-9", true},
    {"Nd", "0-9", true},
    {"IsDigit", "0-9", true},
    {"Z", "\\x20", true},
    {"IsZ", "\\x20", true},
    {"Zs", "\\x20", true},
    {"IsWhite_Space", "\\x09-\\x0D\\x20", true},
    {"P", kAsciiP, true},
    {"IsPunctuation", kAsciiP, true},
    {"S", kAsciiS, true},
    {"Alpha", "A-Za-z", false},
    {"Digit", "0-9", false},
    {"Alnum", "A-Za-z0-9", false},
    {"Upper", "A-Z", false},
    {"Lower", "a-z", false},
    {"Punct", kAsciiPunct, false},
    {"Graph", "\\x21-\\x7E", false},
    {"Print", "\\x20-\\x7E", false},
    {"ASCII", "\\x00-\\x7F", false},
}};
constexpr std::array<ClassBody, 3> kMoreClasses{{
    {"Space", "\\x09-\\x0D\\x20", false},
    {"XDigit", "0-9A-Fa-f", false},
    {"Cntrl", "\\x00-\\x1F\\x7F", false},
}};

std::optional<std::string> class_body(std::string_view name) {
  auto build = [](const ClassBody& c) {
    std::string out(c.ascii);
    if (c.non_ascii) out += kNonAscii;
    return out;
  };
  for (const auto& c : kClasses) {
    if (c.name == name) return build(c);
  }
  for (const auto& c : kMoreClasses) {
    if (c.name == name) return build(c);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> java_regex_to_ecmascript(std::string_view java) {
  std::string out;
  out.reserve(java.size() + 16);
  bool in_class = false;
  bool prev_quantifier = false;  // the last token emitted was a quantifier
  bool in_brace_quantifier = false;
  const std::size_t n = java.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = java[i];
    const bool was_quantifier = prev_quantifier;
    prev_quantifier = false;
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
        auto body = class_body(name);
        if (!body && name.starts_with("Is")) body = class_body(name.substr(2));
        if (!body) return std::nullopt;
        if (in_class) {
          if (e == 'P') return std::nullopt;
          out += *body;
        } else {
          out += e == 'P' ? "[^" : "[";
          out += *body;
          out += ']';
        }
        continue;
      }
      switch (e) {
        case 'A':
          if (in_class) return std::nullopt;
          out += '^';
          continue;
        case 'z':
        case 'Z':
          if (in_class) return std::nullopt;
          out += '$';
          continue;
        case 'h':
          out += in_class ? "\\x09\\x20" : "[\\x09\\x20]";
          continue;
        case 'e':
          out += "\\x1B";
          continue;
        case 'a':
          out += "\\x07";
          continue;
        case 'Q':
        case 'E':
        case 'G':
        case 'R':
        case 'X':
        case 'H':
        case 'V':
        case 'v':
        case 'k':
        case 'N':
          return std::nullopt;
        default:
          if (e == '0') return std::nullopt;  // Java octal escape
          out += '\\';
          out += e;
          continue;
      }
    }
    if (in_class) {
      if (c == '[') return std::nullopt;                                     // nested class / union
      if (c == '&' && i + 1 < n && java[i + 1] == '&') return std::nullopt;  // intersection
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    switch (c) {
      case '[':
        in_class = true;
        out += c;
        // A leading ']' (or '^]') is a literal in Java.
        if (i + 1 < n && java[i + 1] == '^') {
          out += '^';
          ++i;
        }
        if (i + 1 < n && java[i + 1] == ']') {
          out += "\\x5D";
          ++i;
        }
        break;
      case '(':
        out += c;
        if (i + 1 < n && java[i + 1] == '?') {
          if (i + 2 >= n) return std::nullopt;
          const char g = java[i + 2];
          if (g != ':' && g != '=' && g != '!')
            return std::nullopt;  // flags, named, atomic, lookbehind
          out += '?';
          out += g;
          i += 2;
        }
        break;
      case '*':
      case '+':
      case '?':
        if (was_quantifier) {
          if (c == '+') break;  // possessive: drop, greedy is the closest ECMAScript form
          if (c == '?') {       // lazy
            out += c;
            break;
          }
        }
        out += c;
        prev_quantifier = true;
        break;
      case '{':
        in_brace_quantifier = true;
        out += c;
        break;
      case '}':
        out += c;
        if (in_brace_quantifier) {
          in_brace_quantifier = false;
          prev_quantifier = true;
        }
        break;
      default:
        out += c;
        break;
    }
  }
  if (in_class) return std::nullopt;
  return out;
}

std::optional<RepeatedClass> as_repeated_class(std::string_view ecma) {
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
      return std::nullopt;  // [:alpha:] and friends: leave to std::regex
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
