#include "engine/jsonata/format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/jsonata/errors.hpp"

namespace scl::jsonata {

std::string format_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos)) {
    if (c != '.') digits += c;
  }
  const int exp = std::atoi(std::string(sci.substr(epos + 1)).c_str());
  const int k = static_cast<int>(digits.size());
  const int n = exp + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += (n - 1 >= 0) ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

double round15(double d) {
  if (!std::isfinite(d) || d == 0) return d;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14e", d);
  return std::strtod(buf, nullptr);
}

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

namespace {

void stringify_into(std::string& out, const Value& v, bool pretty, int depth, bool in_array,
                    bool strict) {
  switch (v.kind()) {
    case Kind::kUndefined:
      if (in_array) out += "null";
      return;
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::kNumber: {
      const double d = v.as_number();
      if (std::isnan(d)) {
        out += "null";
        return;
      }
      if (std::isinf(d)) {
        if (strict) throw_error_value("D1001", v);
        out += "null";
        return;
      }
      out += format_number(strict ? round15(d) : d);
      return;
    }
    case Kind::kString:
      append_quoted(out, v.as_string());
      return;
    case Kind::kFunction:
      out += "\"\"";
      return;
    case Kind::kArray: {
      const std::size_t n = v.array_size();
      if (n == 0) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) out += ',';
        if (pretty) {
          out += '\n';
          out.append(static_cast<std::size_t>(depth + 1) * 2, ' ');
        }
        stringify_into(out, v.at(i), pretty, depth + 1, true, strict);
      }
      if (pretty) {
        out += '\n';
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
      }
      out += ']';
      return;
    }
    case Kind::kObject: {
      bool first = true;
      out += '{';
      v.for_each_member([&](const std::string& k, const Value& m) {
        if (m.is_undefined()) return;
        if (!first) out += ',';
        first = false;
        if (pretty) {
          out += '\n';
          out.append(static_cast<std::size_t>(depth + 1) * 2, ' ');
        }
        append_quoted(out, k);
        out += pretty ? ": " : ":";
        stringify_into(out, m, pretty, depth + 1, false, strict);
      });
      if (pretty && !first) {
        out += '\n';
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string stringify(const Value& v, bool pretty, bool strict) {
  std::string out;
  stringify_into(out, v, pretty, 0, false, strict);
  return out;
}

char32_t decode_utf8(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = 0;
  char32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1Fu;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0Fu;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07u;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}


std::size_t code_point_count(std::string_view s) {
  std::size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<std::size_t> code_point_offsets(std::string_view s) {
  std::vector<std::size_t> out;
  out.reserve(s.size() + 1);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

std::size_t utf16_length(std::string_view s, std::size_t bytes) {
  std::size_t n = 0;
  std::size_t i = 0;
  if (bytes > s.size()) return bytes - s.size() + utf16_length(s, s.size());
  while (i < bytes) {
    const char32_t cp = decode_utf8(s, i);
    n += cp >= 0x10000 ? 2 : 1;
  }
  return n;
}

int compare_utf16(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const char32_t ca = decode_utf8(a, i);
    const char32_t cb = decode_utf8(b, j);
    if (ca == cb) continue;
    auto unit = [](char32_t cp, int k) -> std::uint32_t {
      if (cp < 0x10000) return k == 0 ? static_cast<std::uint32_t>(cp) : 0;
      const char32_t v = cp - 0x10000;
      return k == 0 ? static_cast<std::uint32_t>(0xD800 + (v >> 10))
                    : static_cast<std::uint32_t>(0xDC00 + (v & 0x3FF));
    };
    const std::uint32_t a0 = unit(ca, 0);
    const std::uint32_t b0 = unit(cb, 0);
    if (a0 != b0) return a0 < b0 ? -1 : 1;
    return unit(ca, 1) < unit(cb, 1) ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace scl::jsonata
