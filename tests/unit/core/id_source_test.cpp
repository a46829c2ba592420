#include "engine/core/id_source.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>

// Why: build ids are <project>:<uuid> with a lower-case v4 UUID, as AWS shows them.
TEST_CASE("uuids are lower-case v4 and unique") {
  scl::core::RandomIdSource ids;
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto u = ids.uuid();
    CHECK(std::regex_match(u, v4));
    seen.insert(u);
  }
  CHECK(seen.size() == 1000);
}

// Why: tests rely on deterministic ids.
TEST_CASE("sequential ids are deterministic") {
  scl::core::SequentialIdSource ids;
  CHECK(ids.uuid() == "00000000-0000-4000-8000-000000000001");
  CHECK(ids.uuid() == "00000000-0000-4000-8000-000000000002");
}
