#include "server/api/admin_api.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <nlohmann/json.hpp>

#include "engine/core/echo.hpp"

namespace scl::server {
namespace {
using json = nlohmann::json;

HttpResponse reply(unsigned status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump();
  return r;
}

HttpResponse bad(const std::string& message) {
  return reply(400, {{"__type", "InvalidRequest"}, {"message", message}});
}

// A browser page can POST text/plain, multipart/form-data or x-www-form-urlencoded (or no
// Content-Type at all) to any address without a CORS preflight; application/json needs one,
// which the emulator never grants. So state-changing admin routes take application/json only
// (issue 11, finding 11).
bool is_json_content_type(const std::string& ct) {
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.pop_back();
  std::transform(base.begin(), base.end(), base.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return base == "application/json";
}

// The clock never passes 9999-12-31T23:59:59.999Z (core::kMaxTimeMs, issue 11, finding 15).
HttpResponse past_max_time() {
  return bad("The clock cannot move past 9999-12-31T23:59:59.999Z (" +
             std::to_string(core::kMaxTimeMs / 1000) + ".999 epoch seconds)");
}

double now_s(const AdminContext& ctx) { return static_cast<double>(ctx.clock->now_ms()) / 1000.0; }

json clock_state(const AdminContext& ctx) {
  return {{"mode", ctx.manual != nullptr ? "manual" : "real"},
          {"now", now_s(ctx)},
          {"timeScale", ctx.time_scale},
          {"pendingTimers", ctx.scheduler->pending()}};
}

std::optional<double> number_field(const std::string& body, const char* name) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto it = j.find(name);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

// Moves the manual clock to `target` and lets everything that triggers settle: timers due by
// then run, the steps they post run on the workers, and timers those steps schedule for times up
// to `target` run too.
void move_clock(const AdminContext& ctx, core::TimeMs target) {
  if (ctx.settle) ctx.settle();
  ctx.manual->advance_to(target);
  if (!ctx.settle) return;
  for (int round = 0; round < 100000; ++round) {
    ctx.settle();
    const core::TimeMs next = ctx.manual->next_deadline();
    if (next < 0 || next > target) break;
    ctx.manual->advance_to(target);
  }
}
}  // namespace

HttpResponse handle_admin(const AdminContext& ctx, const HttpRequest& req) {
  std::string path = req.target.substr(0, req.target.find('?'));
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";
  if (post && !is_json_content_type(req.content_type)) {
    return reply(415, {{"__type", "UnsupportedMediaType"},
                       {"message", "POST " + core::echo(path) +
                                       " needs Content-Type: application/json (got " +
                                       (req.content_type.empty()
                                            ? std::string("none")
                                            : "'" + core::echo(req.content_type) + "'") +
                                       ")"}});
  }
  if (path == "/_emulator/health" && get) {
    return reply(200, {{"status", "ok"},
                       {"clock", ctx.manual != nullptr ? "manual" : "real"},
                       {"now", now_s(ctx)}});
  }
  if (path == "/_emulator/reset" && post) {
    if (ctx.settle) ctx.settle();
    ctx.reset();
    return reply(200, json::object());
  }
  if (path == "/_emulator/clock" && get) return reply(200, clock_state(ctx));
  if (path == "/_emulator/clock/advance" && post) {
    if (ctx.manual == nullptr) return bad("The clock is real; start with --clock manual to advance it");
    auto s = number_field(req.body, "seconds");
    if (!s || *s < 0 || *s > 1e9) return bad("Body must be {\"seconds\": <non-negative number>}");
    const auto delta = static_cast<core::TimeMs>(std::llround(*s * 1000.0));
    if (delta > core::kMaxTimeMs - ctx.clock->now_ms()) return past_max_time();
    move_clock(ctx, ctx.clock->now_ms() + delta);
    if (ctx.clock_moved) ctx.clock_moved();
    return reply(200, clock_state(ctx));
  }
  if (path == "/_emulator/clock/set" && post) {
    if (ctx.manual == nullptr) return bad("The clock is real; start with --clock manual to set it");
    auto t = number_field(req.body, "now");
    if (!t || *t < 0) return bad("Body must be {\"now\": <epoch seconds>}");
    if (*t * 1000.0 > static_cast<double>(core::kMaxTimeMs)) return past_max_time();
    const auto target = static_cast<core::TimeMs>(std::llround(*t * 1000.0));
    if (target > core::kMaxTimeMs) return past_max_time();
    if (target < ctx.clock->now_ms()) return bad("The manual clock only moves forward");
    move_clock(ctx, target);
    if (ctx.clock_moved) ctx.clock_moved();
    return reply(200, clock_state(ctx));
  }
  return reply(404, {{"__type", "NotFound"},
                     {"message", "Unknown control route " + core::echo(req.method) + " " +
                                     core::echo(path)}});
}

}  // namespace scl::server
