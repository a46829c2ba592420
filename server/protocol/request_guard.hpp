#pragma once
// Refuses requests that a web page could have sent (issue 11, finding 11): cross-site requests
// (a foreign Origin) and DNS rebinding (a Host that is not this endpoint's name). AWS SDKs and
// the CLI send no Origin and a Host naming the endpoint, so they are never refused.
//
//   Origin: absent, or exactly "http://<the request's Host>" (a page served by the emulator
//           itself, e.g. a dashboard under /_emulator/ui/). Anything else, "null" included: 403.
//   Host:   when the listen address is loopback (the default 127.0.0.1), the Host name must be a
//           loopback name or address (localhost, *.localhost, 127.0.0.0/8, [::1]) or the
//           --host value, optionally with a port and with the `sync-` prefix SDKs put before
//           StartSyncExecution's host (README "StartSyncExecution"); absent is allowed
//           (HTTP/1.0 tools). When listening beyond loopback (--host 0.0.0.0, a LAN address),
//           any Host: the emulator cannot know the names it is reached by there.
// Thread-safe (immutable after construction).

#include <optional>
#include <string>

#include "server/net/http_server.hpp"

namespace scl::server {

struct Refusal {
  unsigned status = 403;
  std::string type;
  std::string message;
};

class RequestGuard {
 public:
  /// `listen_host`: the --host address the server listens on.
  explicit RequestGuard(std::string listen_host = "127.0.0.1");
  /// nullopt when the request may proceed.
  [[nodiscard]] std::optional<Refusal> check(const HttpRequest& req) const;
  [[nodiscard]] bool checks_host() const { return check_host_; }

 private:
  std::string listen_host_;  // lower case
  bool check_host_ = true;
};

/// True for 127.0.0.0/8, ::1 and IPv4-mapped 127/8 (address literals, no brackets).
bool is_loopback_address(const std::string& host);
/// The host part of a Host header value ("[::1]:80" -> "::1", "Example.com.:80" -> "example.com"),
/// lower case, without a trailing dot.
std::string host_name_of(const std::string& host_header);

}  // namespace scl::server
