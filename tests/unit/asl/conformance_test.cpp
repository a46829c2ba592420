// Conformance corpus runner: every fixtures/asl/<case>/ is compiled and run in-process with the
// fake integration and simulated time of harness.hpp; cases listed in fixtures/asl/SKIP are known
// gaps and are skipped (but must exist).

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/asl/stepper.hpp"
#include "harness.hpp"

namespace fs = std::filesystem;
using scl::asl::Json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> skipped(const fs::path& dir) {
  std::set<std::string> out;
  std::istringstream in(slurp(dir / "SKIP"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.insert(line.substr(0, line.find(' ')));
  }
  return out;
}

}  // namespace

// Why: the corpus pins whole-execution behaviour (status, output, error/cause, event sequence)
// across every state type; each step also round-trips the stepper through to_json/from_json.
TEST_CASE("asl conformance corpus") {
  const fs::path dir = SCL_ASL_FIXTURES_DIR;
  const auto skip = skipped(dir);
  std::size_t ran = 0;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  for (const auto& name : skip) {
    CAPTURE(name);
    CHECK_MESSAGE(fs::is_directory(dir / name), "SKIP names a case that does not exist");
  }
  for (const auto& c : cases) {
    const std::string name = c.filename().string();
    if (skip.count(name) != 0) continue;
    CAPTURE(name);
    const Json expected = Json::parse(slurp(c / "expected.json"));
    const Json input = Json::parse(slurp(c / "input.json"));
    auto compiled = scl::asl::compile(slurp(c / "definition.json"));
    REQUIRE_MESSAGE(compiled.ok(), compiled.invalid_definition_message());
    const auto r = scl::asl::testing::run(compiled.machine, input);
    ++ran;
    CHECK(std::string(scl::asl::to_wire(r.status)) == expected.at("status").get<std::string>());
    if (expected.contains("output")) {
      REQUIRE(r.output.has_value());
      CHECK(Json::parse(*r.output) == expected["output"]);
    }
    if (expected.contains("error")) CHECK(r.error == expected["error"].get<std::string>());
    if (expected.contains("cause")) CHECK(r.cause == expected["cause"].get<std::string>());
    if (expected.contains("duration_ms")) {
      CHECK(r.end_time - 1700000000000 == expected["duration_ms"].get<std::int64_t>());
    }
    if (expected.contains("last_event_details")) {
      REQUIRE_FALSE(r.events.empty());
      CHECK(r.events.back().details == expected["last_event_details"]);
    }
    CHECK(Json(r.types()) == expected.at("events"));
    if (expected.contains("previous_event_ids")) {
      Json prev = Json::array();
      for (const auto& e : r.events) prev.push_back(e.previous_event_id);
      CHECK(prev == expected["previous_event_ids"]);
    }
    // Framing invariants (aws-behaviour.md 3.7): consecutive ids, back-pointing previousEventId.
    for (std::size_t i = 0; i < r.events.size(); ++i) {
      CHECK(r.events[i].id == static_cast<std::int64_t>(i + 1));
      CHECK(r.events[i].previous_event_id < r.events[i].id);
    }
  }
  CHECK(ran >= 20);
}
