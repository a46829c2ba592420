#include "engine/jsonata/tokenizer.hpp"

#include <cmath>
#include <cstdlib>
#include <utility>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/format.hpp"

namespace scl::jsonata {

namespace {

// The binding powers of jsonata 2.0.6's operators: the one table the Pratt parser uses.
constexpr std::pair<std::string_view, int> kOperators[] = {
    {".", 75},  {"[", 80},  {"]", 0},   {"{", 70},  {"}", 0},   {"(", 80},  {")", 0},
    {",", 0},   {"@", 80},  {"#", 80},  {";", 80},  {":", 80},  {"?", 20},  {"+", 50},
    {"-", 50},  {"*", 60},  {"/", 60},  {"%", 60},  {"|", 20},  {"=", 40},  {"<", 40},
    {">", 40},  {"^", 40},  {"**", 60}, {"..", 20}, {":=", 10}, {"!=", 40}, {"<=", 40},
    {">=", 40}, {"~>", 40}, {"and", 30}, {"or", 25}, {"in", 40}, {"&", 50}, {"!", 0},
    {"~", 0},
};

bool is_single_operator(char c) {
  switch (c) {
    case '.': case '[': case ']': case '{': case '}': case '(': case ')': case ',': case '@':
    case '#': case ';': case ':': case '?': case '+': case '-': case '*': case '/': case '%':
    case '|': case '=': case '<': case '>': case '^': case '&': case '!': case '~':
      return true;
    default:
      return false;
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int binding_power(std::string_view op) {
  for (const auto& [name, bp] : kOperators) {
    if (name == op) return bp;
  }
  return -1;
}

Token Tokenizer::scan_regex() {
  // pos_ is just past the opening '/'.
  const std::size_t start = pos_;
  int depth = 0;
  auto closing = [&](std::size_t p) {
    if (text_[p] != '/' || depth != 0) return false;
    std::size_t backslashes = 0;
    while (p >= start + backslashes + 1 && text_[p - backslashes - 1] == '\\') ++backslashes;
    return backslashes % 2 == 0;
  };
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (closing(pos_)) {
      Token t;
      t.type = TokenType::kRegex;
      t.value = std::string(text_.substr(start, pos_ - start));
      if (t.value.empty()) throw_error("S0301", pos_);
      ++pos_;
      while (pos_ < text_.size() && (text_[pos_] == 'i' || text_[pos_] == 'm')) t.flags += text_[pos_++];
      t.position = pos_;
      return t;
    }
    const bool escaped = pos_ > 0 && text_[pos_ - 1] == '\\';
    if ((c == '(' || c == '[' || c == '{') && !escaped) ++depth;
    if ((c == ')' || c == ']' || c == '}') && !escaped) --depth;
    ++pos_;
  }
  throw_error("S0302", pos_);
}

Token Tokenizer::next(bool prefix) {
  for (;;) {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '/' && text_[pos_ + 1] == '*') {
      const std::size_t comment_start = pos_;
      const std::size_t end = text_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) throw_error("S0106", comment_start);
      pos_ = end + 2;
      continue;
    }
    break;
  }
  Token t;
  if (pos_ >= text_.size()) {
    t.type = TokenType::kEnd;
    t.position = pos_;
    return t;
  }
  const char c = text_[pos_];
  if (prefix && c == '/') {
    ++pos_;
    return scan_regex();
  }
  if (pos_ + 1 < text_.size()) {
    const std::string_view two = text_.substr(pos_, 2);
    if (two == ".." || two == ":=" || two == "!=" || two == ">=" || two == "<=" || two == "**" ||
        two == "~>") {
      pos_ += 2;
      t.type = TokenType::kOperator;
      t.value = std::string(two);
      t.position = pos_;
      return t;
    }
  }
  if (is_single_operator(c)) {
    ++pos_;
    t.type = TokenType::kOperator;
    t.value = std::string(1, c);
    t.position = pos_;
    return t;
  }
  if (c == '"' || c == '\'') {
    const char quote = c;
    ++pos_;
    std::string s;
    while (pos_ < text_.size()) {
      char ch = text_[pos_];
      if (ch == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) break;
        ch = text_[pos_];
        switch (ch) {
          case '"': s += '"'; break;
          case '\\': s += '\\'; break;
          case '/': s += '/'; break;
          case 'b': s += '\b'; break;
          case 'f': s += '\f'; break;
          case 'n': s += '\n'; break;
          case 'r': s += '\r'; break;
          case 't': s += '\t'; break;
          case 'u': {
            auto read4 = [&](std::size_t at) -> int {
              if (at + 4 > text_.size()) return -1;
              int v = 0;
              for (std::size_t k = 0; k < 4; ++k) {
                const int h = hex_value(text_[at + k]);
                if (h < 0) return -1;
                v = v * 16 + h;
              }
              return v;
            };
            const int unit = read4(pos_ + 1);
            if (unit < 0) throw_error("S0104", pos_);
            pos_ += 4;
            char32_t cp = static_cast<char32_t>(unit);
            if (unit >= 0xD800 && unit <= 0xDBFF && pos_ + 2 < text_.size() &&
                text_[pos_ + 1] == '\\' && text_[pos_ + 2] == 'u') {
              const int low = read4(pos_ + 3);
              if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) +
                     (static_cast<char32_t>(low) - 0xDC00);
                pos_ += 6;
              }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
            append_utf8(s, cp);
            break;
          }
          default:
            throw_error("S0103", pos_, std::string(1, ch));
        }
        ++pos_;
        continue;
      }
      if (ch == quote) {
        ++pos_;
        t.type = TokenType::kString;
        t.value = std::move(s);
        t.position = pos_;
        return t;
      }
      s += ch;
      ++pos_;
    }
    throw_error("S0101", pos_);
  }
  if (is_digit(c)) {
    std::size_t p = pos_;
    if (text_[p] == '0') {
      ++p;
    } else {
      while (p < text_.size() && is_digit(text_[p])) ++p;
    }
    if (p + 1 < text_.size() && text_[p] == '.' && is_digit(text_[p + 1])) {
      ++p;
      while (p < text_.size() && is_digit(text_[p])) ++p;
    }
    if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
      std::size_t q = p + 1;
      if (q < text_.size() && (text_[q] == '+' || text_[q] == '-')) ++q;
      if (q < text_.size() && is_digit(text_[q])) {
        while (q < text_.size() && is_digit(text_[q])) ++q;
        p = q;
      }
    }
    const std::string literal(text_.substr(pos_, p - pos_));
    const double d = std::strtod(literal.c_str(), nullptr);
    pos_ = p;
    if (!std::isfinite(d)) throw_error("S0102", pos_, literal);
    t.type = TokenType::kNumber;
    t.number = d;
    t.value = literal;
    t.position = pos_;
    return t;
  }
  if (c == '`') {
    ++pos_;
    const std::size_t end = text_.find('`', pos_);
    if (end == std::string_view::npos) {
      pos_ = text_.size();
      throw_error("S0105", pos_);
    }
    t.type = TokenType::kName;
    t.value = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    t.position = pos_;
    return t;
  }
  std::size_t i = pos_;
  while (i < text_.size() && !is_space(text_[i]) && !is_single_operator(text_[i])) ++i;
  if (c == '$') {
    t.type = TokenType::kVariable;
    t.value = std::string(text_.substr(pos_ + 1, i - pos_ - 1));
    pos_ = i;
    t.position = pos_;
    return t;
  }
  std::string name(text_.substr(pos_, i - pos_));
  pos_ = i;
  t.position = pos_;
  if (name == "or" || name == "in" || name == "and") {
    t.type = TokenType::kOperator;
  } else if (name == "true" || name == "false" || name == "null") {
    t.type = TokenType::kValue;
    t.literal = name == "null" ? 0 : (name == "true" ? 1 : 2);
  } else {
    t.type = TokenType::kName;
  }
  t.value = std::move(name);
  return t;
}

}  // namespace scl::jsonata
