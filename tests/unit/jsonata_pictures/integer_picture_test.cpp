#include "engine/jsonata/pictures/pictures.hpp"

#include <doctest/doctest.h>

namespace p = scl::jsonata::pictures;

// Why: a smoke test that the library links and formats the simplest picture.
TEST_CASE("format_integer smoke") {
  auto r = p::format_integer(123, "000");
  REQUIRE(std::holds_alternative<std::string>(r));
  CHECK(std::get<std::string>(r) == "123");
}
