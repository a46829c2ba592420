#pragma once
// Dispatches AWS JSON requests on X-Amz-Target to operation handlers, and /_emulator/ requests
// to the admin handler. The one place where AwsError becomes a wire error.

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/json_nesting.hpp"
#include "server/net/http_server.hpp"
#include "server/protocol/identity.hpp"
#include "server/protocol/request_guard.hpp"

namespace scl::model {
class ServiceModel;
}

namespace scl::server {

struct RequestContext {
  Identity identity;
  std::string request_id;
  std::string operation;
};

using OperationFn = std::function<nlohmann::json(const RequestContext&, const nlohmann::json&)>;
/// Produces the response body or throws core::AwsError; called on the completing thread.
using Producer = std::function<nlohmann::json()>;
/// An operation that answers later (e.g. StartSyncExecution): calls `complete` exactly once.
using AsyncOperationFn = std::function<void(const RequestContext&, const nlohmann::json&,
                                            std::function<void(Producer)> complete)>;

/// One AWS service on the endpoint.
struct ServiceApi {
  std::string target_prefix;     // "CodeBuild_20161006" (X-Amz-Target is "<prefix>.<Op>")
  std::string content_type;      // "application/x-amz-json-1.1"
  const model::ServiceModel* model = nullptr;  // request validation; may be null
  std::string validation_error;  // __type for model constraint violations
  /// Prefix of __type for an error type ("" for CodeBuild; namespaces for Step Functions).
  std::function<std::string(const std::string& type)> error_prefix;
  std::unordered_map<std::string, OperationFn> operations;
  std::unordered_map<std::string, AsyncOperationFn> async_operations;
};

class Router {
 public:
  using AdminFn = std::function<HttpResponse(const HttpRequest&)>;
  explicit Router(IdentityDefaults defaults) : defaults_(std::move(defaults)) {}
  void add_service(ServiceApi api);
  void set_admin(AdminFn fn) { admin_ = std::move(fn); }
  /// Host/Origin checks run before anything else (default: listening on 127.0.0.1).
  void set_guard(RequestGuard guard) { guard_ = std::move(guard); }
  /// Handles one request and responds exactly once. Never throws.
  void handle(HttpRequest&& req, const Respond& respond) const;

  /// Renders an AWS JSON error response.
  static HttpResponse error_response(unsigned status, const std::string& content_type,
                                     const std::string& type_prefix, const std::string& type,
                                     const std::string& message, const std::string& request_id);

 private:
  /// Returns the response, or nullopt when an async operation will respond itself.
  std::optional<HttpResponse> dispatch(HttpRequest& req, const Respond& respond) const;
  IdentityDefaults defaults_;
  std::vector<ServiceApi> services_;
  AdminFn admin_;
  RequestGuard guard_;
};

using core::json_nesting_depth;  // the HTTP layer's depth check (engine/core/json_nesting.hpp)


}  // namespace scl::server
