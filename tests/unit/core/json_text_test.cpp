#include "engine/core/json_text.hpp"

#include <doctest/doctest.h>

#include <random>

namespace {
using scl::core::json_text;

template <class J>
std::string reference(const J& j) {
  return j.dump(-1, ' ', false, J::error_handler_t::replace);
}

// A random value with the awkward parts: control bytes, quotes, backslashes, DEL, UTF-8 (valid
// and broken), negative/unsigned/huge integers, floats, nesting, duplicate-looking keys.
template <class J>
J random_value(std::mt19937_64& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 3 ? 5 : 7);
  auto text = [&] {
    static const char* pieces[] = {"a", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "\b", "\f",
                                   "\r", "/", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                   "\xff", "\xc3", "{\"k\":[1,2]}", " ", "0"};
    std::string s;
    const int n = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int i = 0; i < n; ++i)
      s += pieces[std::uniform_int_distribution<int>(0, std::size(pieces) - 1)(rng)];
    return s;
  };
  switch (kind(rng)) {
    case 0: return J(nullptr);
    case 1: return J(std::uniform_int_distribution<int>(0, 1)(rng) == 1);
    case 2: return J(static_cast<std::int64_t>(rng()));
    case 3: return J(static_cast<std::uint64_t>(rng()));
    case 4: return J(std::uniform_real_distribution<double>(-1e20, 1e20)(rng));
    case 5: return J(text());
    case 6: {
      J a = J::array();
      const int n = std::uniform_int_distribution<int>(0, 5)(rng);
      for (int i = 0; i < n; ++i) a.push_back(random_value<J>(rng, depth + 1));
      return a;
    }
    default: {
      J o = J::object();
      const int n = std::uniform_int_distribution<int>(0, 5)(rng);
      for (int i = 0; i < n; ++i) o[text()] = random_value<J>(rng, depth + 1);
      return o;
    }
  }
}
}  // namespace

// Why: json_text replaces nlohmann's dump for every stored history event and every response
// body; a single differing byte would change what users see on the wire.
TEST_CASE("json_text prints exactly what dump(replace) prints") {
  std::mt19937_64 rng(20261122);
  for (int i = 0; i < 3000; ++i) {
    const auto o = random_value<nlohmann::ordered_json>(rng, 0);
    REQUIRE(json_text(o) == reference(o));
    const auto m = random_value<nlohmann::json>(rng, 0);
    REQUIRE(json_text(m) == reference(m));
  }
  CHECK(json_text(nlohmann::json::parse(R"({"b":[1,-2,3.5,"x\"y"],"a":null})")) ==
        R"({"a":null,"b":[1,-2,3.5,"x\"y"]})");
  CHECK(json_text(nlohmann::json(std::string("\x01\x7f", 2))) == "\"\\u0001\x7f\"");
  CHECK(json_text(nlohmann::json(std::string("bad \xff byte"))) == "\"bad \xef\xbf\xbd byte\"");
}
