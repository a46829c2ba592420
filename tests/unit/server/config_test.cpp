#include "server/config.hpp"

#include <doctest/doctest.h>

using namespace scl::server;

// Why: every flag in README parses, and bad values get a message instead of a crash.
TEST_CASE("flags") {
  auto c = parse_args({"--host", "0.0.0.0", "--port=0", "--data-dir", "/tmp/x", "--clock", "manual",
                       "--time-scale", "60", "--phase-seconds", "BUILD=30", "--finalize-seconds", "1.5",
                       "--threads", "4", "--account-id", "000000000001", "--region", "eu-west-1",
                       "--log-level", "warn", "--max-body-bytes", "2048", "--rules-file", "r.json"});
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 0);
  CHECK(c.manual_clock);
  CHECK(c.time_scale == 60.0);
  CHECK(c.simulation.duration_ms[static_cast<std::size_t>(scl::codebuild::Phase::kBuild)] == 30'000);
  CHECK(c.simulation.stop_finalize_ms == 1'500);
  CHECK(c.threads == 4);
  CHECK(c.account_id == "000000000001");
  CHECK(c.max_body_bytes == 2048);
  CHECK(c.rules_file == "r.json");
  CHECK_THROWS_AS(parse_args({"--port", "70000"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_args({"--clock", "fast"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_args({"--time-scale", "0"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_args({"--bogus"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_args({"--port"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_args({"--account-id", "12"}), std::invalid_argument);
  CHECK_THROWS_AS(parse_args({"--phase-seconds", "NOPE=1"}), std::invalid_argument);
}
