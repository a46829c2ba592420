#pragma once
// HTTP/1.1 listener (Boost.Beast). The only header of the server that the rest of the code sees;
// Beast itself stays inside http_server.cpp. Model: Beast example/http/server/async (1.81).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/id_source.hpp"

namespace boost::asio {
class io_context;
}

namespace scl::server {

/// A fresh request id: `x-amzn-RequestId` of every answer, including the HTTP layer's own
/// (malformed request, 413). Header-only, so the request fuzzer links without this layer.
inline std::string new_request_id() { return core::thread_uuid_v4(); }

struct HttpRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string amz_target;     // X-Amz-Target
  std::string authorization;  // Authorization
  std::string content_type;   // Content-Type
  std::string host;           // Host
  std::string origin;         // Origin (browsers only)
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Completes a request. May be called from any thread, exactly once.
using Respond = std::function<void(HttpResponse)>;
/// Handles one request; runs on the connection's strand and must not block.
using Handler = std::function<void(HttpRequest&&, Respond)>;

struct HttpLimits {
  std::size_t max_body_bytes = 6 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};  // to receive a whole request once it has begun
  std::chrono::seconds idle_timeout{120};  // keep-alive connection with no request
  /// Open connections at most (0: no cap). At the cap a new connection closes the connection
  /// that has been idle longest (waiting for the first byte of a request); when none is idle,
  /// the new one is answered 503 and closed. Keep it below RLIMIT_NOFILE: see
  /// default_max_connections().
  std::size_t max_connections = 0;
};

/// Descriptors kept back from the connection cap: the database (file, WAL, shared memory,
/// journal), the event loop, the listener, stdio, report and rules files read meanwhile.
inline constexpr std::size_t kReservedDescriptors = 64;
/// RLIMIT_NOFILE's soft limit minus kReservedDescriptors, or minus a quarter of it when that is
/// less (at least 1).
std::size_t default_max_connections();

class HttpServer {
 public:
  /// Binds and listens at once (throws boost::system::system_error, e.g. address in use);
  /// accepts once the io_context runs. `port` 0 picks a free port: see port().
  HttpServer(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port,
             Handler handler, HttpLimits limits);
  ~HttpServer();
  [[nodiscard]] std::uint16_t port() const;
  /// Stops accepting; open connections finish their current request.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace scl::server
