#pragma once
// Compact JSON text, byte for byte what nlohmann's dump(-1, ' ', false, replace) prints, written
// without its per-character serializer for the common case. Every payload in a Step Functions
// history is a JSON text inside a JSON string, so strings full of quotes dominate what the
// emulator serializes; nlohmann escapes them one UTF-8-decoded code point at a time.
//
// Strings with a byte >= 0x80 and floating-point numbers are handed to nlohmann as they are,
// so UTF-8 validation (invalid bytes become U+FFFD) and number formatting stay its own.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace scl::core {
namespace json_text_detail {

// 0: copied as is; 1: escaped; 2: a byte >= 0x80 (the string goes to nlohmann).
struct ByteClass {
  unsigned char c[256]{};
  constexpr ByteClass() {
    for (int i = 0; i < 0x20; ++i) c[i] = 1;
    c[static_cast<unsigned char>('"')] = 1;
    c[static_cast<unsigned char>('\\')] = 1;
    for (int i = 0x80; i < 0x100; ++i) c[i] = 2;
  }
};
inline constexpr ByteClass kByteClass{};

/// Appends the quoted, escaped ASCII string; false (and `out` unchanged) at a byte >= 0x80.
inline bool put_ascii(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t mark = out.size();
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t run = i;
    while (run < n && kByteClass.c[p[run]] == 0) ++run;
    out.append(s.data() + i, run - i);
    if (run == n) break;
    const unsigned char c = p[run];
    if (kByteClass.c[c] == 2) {
      out.resize(mark);
      return false;
    }
    switch (c) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\b': out.append("\\b", 2); break;
      case '\f': out.append("\\f", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      default: {
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(u, 6);
      }
    }
    i = run + 1;
  }
  out += '"';
  return true;
}

template <class BasicJson>
void put_string(std::string& out, const std::string& s) {
  if (!put_ascii(out, s)) out += BasicJson(s).dump(-1, ' ', false, BasicJson::error_handler_t::replace);
}

template <class BasicJson>
void put(std::string& out, const BasicJson& j) {
  using V = typename BasicJson::value_t;
  switch (j.type()) {
    case V::null: out += "null"; return;
    case V::boolean: out += j.template get<bool>() ? "true" : "false"; return;
    case V::number_integer: out += std::to_string(j.template get<std::int64_t>()); return;
    case V::number_unsigned: out += std::to_string(j.template get<std::uint64_t>()); return;
    case V::string: put_string<BasicJson>(out, j.template get_ref<const std::string&>()); return;
    case V::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        put_string<BasicJson>(out, it.key());
        out += ':';
        put(out, it.value());
      }
      out += '}';
      return;
    }
    case V::array: {
      out += '[';
      bool first = true;
      for (const auto& v : j) {
        if (!first) out += ',';
        first = false;
        put(out, v);
      }
      out += ']';
      return;
    }
    default:  // floats, binary, discarded
      out += j.dump(-1, ' ', false, BasicJson::error_handler_t::replace);
  }
}

}  // namespace json_text_detail

/// Compact text of `j`, as j.dump(-1, ' ', false, error_handler_t::replace) prints it.
template <class BasicJson>
std::string json_text(const BasicJson& j) {
  std::string out;
  json_text_detail::put(out, j);
  return out;
}

/// Appends the text of `j` to `out`.
template <class BasicJson>
void append_json_text(std::string& out, const BasicJson& j) {
  json_text_detail::put(out, j);
}

}  // namespace scl::core
