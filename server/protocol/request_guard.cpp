#include "server/protocol/request_guard.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "engine/core/echo.hpp"

namespace scl::server {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool loopback_name(const std::string& name) {
  if (name == "localhost" || name.ends_with(".localhost")) return true;  // RFC 6761 6.3
  return is_loopback_address(name);
}

}  // namespace

bool is_loopback_address(const std::string& host) {
  std::array<unsigned char, 16> buf{};
  if (inet_pton(AF_INET, host.c_str(), buf.data()) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), buf.data()) == 1) {
    static constexpr std::array<unsigned char, 16> kLoop{0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0, 1};
    if (buf == kLoop) return true;
    static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(buf.data(), kMapped.data(), kMapped.size()) == 0 && buf[12] == 127;
  }
  return false;
}

std::string host_name_of(const std::string& host_header) {
  std::string h = host_header;
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.pop_back();
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.erase(0, 1);
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    h = close == std::string::npos ? h.substr(1) : h.substr(1, close - 1);
  } else if (const auto colon = h.find(':');
             colon != std::string::npos && h.find(':', colon + 1) == std::string::npos) {
    h.resize(colon);
  }
  h = lower(std::move(h));
  if (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

RequestGuard::RequestGuard(std::string listen_host) : listen_host_(lower(std::move(listen_host))) {
  check_host_ = listen_host_ == "localhost" || is_loopback_address(listen_host_);
}

std::optional<Refusal> RequestGuard::check(const HttpRequest& req) const {
  if (check_host_ && !req.host.empty()) {
    std::string name = host_name_of(req.host);
    if (name.starts_with("sync-")) name.erase(0, 5);
    if (!loopback_name(name) && name != listen_host_) {
      return Refusal{403, "AccessDeniedException",
                     "Host '" + core::echo(req.host) +
                         "' is not allowed: the emulator listens on " + listen_host_ +
                         " and accepts only loopback host names (localhost, 127.0.0.1, [::1]) "
                         "there; start it with --host 0.0.0.0 (or another non-loopback address) "
                         "to accept any Host"};
    }
  }
  if (!req.origin.empty()) {
    const std::string same = "http://" + lower(req.host);
    if (req.host.empty() || lower(req.origin) != same) {
      return Refusal{403, "AccessDeniedException",
                     "Cross-origin request refused: Origin '" + core::echo(req.origin) +
                         "' is not this endpoint (" + (req.host.empty() ? "no Host" : core::echo(same)) +
                         "); AWS SDKs send no Origin, and pages served by the emulator itself "
                         "are same-origin"};
    }
  }
  return std::nullopt;
}

}  // namespace scl::server
