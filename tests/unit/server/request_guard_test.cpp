// Issue 11, findings 11, 12, 14, 15 in the server layer: Host/Origin refusals, the admin routes'
// content type and clock bound, the message backstop, the new flags.
#include "server/protocol/request_guard.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "engine/core/clock.hpp"
#include "engine/core/scheduler.hpp"
#include "server/api/admin_api.hpp"
#include "server/config.hpp"
#include "server/net/http_server.hpp"
#include "server/protocol/router.hpp"

using namespace scl;
using server::HttpRequest;
using server::RequestGuard;

namespace {
HttpRequest request(const std::string& host, const std::string& origin = "") {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.host = host;
  r.origin = origin;
  return r;
}
}  // namespace

// Why: DNS rebinding sends the attacker's name as Host; loopback names must keep working.
TEST_CASE("Host on a loopback listener") {
  const RequestGuard g("127.0.0.1");
  CHECK(g.checks_host());
  for (const char* ok : {"", "localhost", "localhost:8083", "LocalHost.", "a.b.localhost:1",
                         "127.0.0.1", "127.9.9.9:80", "[::1]", "[::1]:8083", "sync-localhost:8083",
                         "sync-127.0.0.1:1", "[::ffff:127.0.0.1]:1"}) {
    CAPTURE(ok);
    CHECK_FALSE(g.check(request(ok)).has_value());
  }
  for (const char* bad : {"evil.example", "evil.example:8083", "localhost.evil.example",
                          "127.0.0.1.nip.io", "10.0.0.1", "[::2]", "sync-evil.example",
                          "0.0.0.0", "x"}) {
    CAPTURE(bad);
    const auto r = g.check(request(bad));
    REQUIRE(r.has_value());
    CHECK(r->status == 403);
    CHECK(r->type == "AccessDeniedException");
    CHECK(r->message.find("--host 0.0.0.0") != std::string::npos);
  }
}

// Why: --host ::1 or 127.0.0.2 is loopback too; --host 0.0.0.0 cannot know its names.
TEST_CASE("Host policy follows --host") {
  CHECK(RequestGuard("::1").checks_host());
  CHECK(RequestGuard("127.0.0.2").checks_host());
  CHECK_FALSE(RequestGuard("127.0.0.2").check(request("127.0.0.2:9")).has_value());
  CHECK_FALSE(RequestGuard("0.0.0.0").checks_host());
  CHECK_FALSE(RequestGuard("0.0.0.0").check(request("build-box.lan")).has_value());
  CHECK_FALSE(RequestGuard("192.168.1.5").check(request("anything")).has_value());
}

// Why: a web page's cross-site request carries its Origin; SDKs send none.
TEST_CASE("Origin must be this endpoint") {
  const RequestGuard open("0.0.0.0");
  CHECK_FALSE(open.check(request("h:1", "")).has_value());
  CHECK_FALSE(open.check(request("h:1", "http://h:1")).has_value());
  CHECK_FALSE(open.check(request("H:1", "HTTP://h:1")).has_value());
  CHECK(open.check(request("h:1", "http://h:2")).has_value());
  CHECK(open.check(request("h:1", "https://h:1")).has_value());
  CHECK(open.check(request("h:1", "null")).has_value());
  CHECK(open.check(request("", "http://h:1")).has_value());
  const auto r = RequestGuard().check(request("127.0.0.1:1", "http://evil.example"));
  REQUIRE(r.has_value());
  CHECK(r->message.find("Cross-origin") != std::string::npos);
}

TEST_CASE("host_name_of") {
  CHECK(server::host_name_of("Example.COM.:80") == "example.com");
  CHECK(server::host_name_of("[::1]:8083") == "::1");
  CHECK(server::host_name_of("::1") == "::1");
  CHECK(server::host_name_of(" localhost ") == "localhost");
}

namespace {
struct Admin {
  core::ManualClock clock{1'700'000'000'000};
  core::ManualScheduler scheduler{clock};
  int resets = 0;
  server::AdminContext ctx{&clock, &scheduler, &scheduler, 1.0, [this] { ++resets; }, nullptr, nullptr};
  server::HttpResponse post(const std::string& path, const std::string& body,
                            const std::string& ct = "application/json") {
    HttpRequest r;
    r.method = "POST";
    r.target = path;
    r.body = body;
    r.content_type = ct;
    return server::handle_admin(ctx, r);
  }
};
}  // namespace

// Why: text/plain (and no Content-Type) is what a page can POST without a preflight.
TEST_CASE("admin POSTs need application/json") {
  Admin a;
  for (const char* ct : {"", "text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", "application/jsonx"}) {
    CAPTURE(ct);
    const auto r = a.post("/_emulator/reset", "{}", ct);
    CHECK(r.status == 415);
    CHECK(nlohmann::json::parse(r.body)["__type"] == "UnsupportedMediaType");
  }
  CHECK(a.resets == 0);
  CHECK(a.post("/_emulator/reset", "{}", "Application/JSON; charset=utf-8").status == 200);
  CHECK(a.resets == 1);
  CHECK(a.post("/_emulator/clock/advance", R"({"seconds": 5})", "text/plain").status == 415);
  CHECK(a.clock.now_ms() == 1'700'000'000'000);
}

// Why: past year 9999 timestamps have five digits and the engine rejects its own StartTime.
TEST_CASE("the admin clock stops at 9999-12-31T23:59:59.999Z") {
  Admin a;
  CHECK(a.post("/_emulator/clock/set", R"({"now": 253402300800})").status == 400);
  CHECK(a.post("/_emulator/clock/set", R"({"now": 1e300})").status == 400);
  CHECK(a.clock.now_ms() == 1'700'000'000'000);
  CHECK(a.post("/_emulator/clock/set", R"({"now": 253402300799.998})").status == 200);
  CHECK(a.clock.now_ms() == core::kMaxTimeMs - 1);
  CHECK(a.post("/_emulator/clock/advance", R"({"seconds": 0.002})").status == 400);
  CHECK(a.clock.now_ms() == core::kMaxTimeMs - 1);
  CHECK(a.post("/_emulator/clock/advance", R"({"seconds": 0.001})").status == 200);
  CHECK(a.clock.now_ms() == core::kMaxTimeMs);
  const auto r = a.post("/_emulator/clock/advance", R"({"seconds": 1e9})");
  CHECK(r.status == 400);
  CHECK(nlohmann::json::parse(r.body)["message"].get<std::string>().find("9999-12-31") !=
        std::string::npos);
}

// Why: a message built without core::echo (another module's) must still be bounded.
TEST_CASE("error messages are bounded whoever built them") {
  const std::string huge(100000, 'm');
  const auto r = server::Router::error_response(400, "application/x-amz-json-1.1", "", "X", huge,
                                                "rid");
  CHECK(r.body.size() < 8300);
  CHECK(r.body.find("\xE2\x80\xA6") != std::string::npos);
}

// Why: the new flags parse and the report root default follows the listen address.
TEST_CASE("--max-connections and --report-root") {
  auto c = server::parse_args({"--max-connections", "100", "--report-root", "/srv/reports"});
  CHECK(c.max_connections == 100);
  CHECK(server::effective_report_root(c) == "/srv/reports");
  CHECK_THROWS_AS(server::parse_args({"--max-connections", "0"}), std::invalid_argument);
  CHECK_THROWS_AS(server::parse_args({"--report-root", ""}), std::invalid_argument);
  CHECK(server::effective_report_root(server::parse_args({})) == "");
  CHECK(server::effective_report_root(server::parse_args({"--host", "::1"})) == "");
  CHECK(server::effective_report_root(server::parse_args({"--host", "0.0.0.0", "--data-dir",
                                                          "/d"})) == "/d");
  CHECK(server::default_max_connections() >= 1);
}
