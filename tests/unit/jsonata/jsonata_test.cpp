#include "engine/jsonata/jsonata.hpp"

#include <doctest/doctest.h>

using scl::jsonata::Json;

// Why: the smallest end-to-end check that compile + evaluate work at all.
TEST_CASE("a path over an object") {
  const Json input = Json::parse(R"({"a":{"b":[1,2,3]}})");
  auto out = scl::jsonata::evaluate("$sum(a.b)", &input);
  REQUIRE(std::holds_alternative<std::optional<Json>>(out));
  CHECK(*std::get<std::optional<Json>>(out) == Json(6));
}
