#include "server/protocol/router.hpp"


#include "engine/core/aws_error.hpp"
#include "engine/core/echo.hpp"
#include "engine/core/id_source.hpp"
#include "engine/core/json_text.hpp"
#include "engine/core/log.hpp"
#include "engine/model/service_model.hpp"

namespace scl::server {
namespace {
constexpr const char* kAdminPrefix = "/_emulator/";
constexpr int kMaxJsonDepth = 256;
// Backstop for messages that quote input without core::echo (each quoted value is cut to 256
// characters where the message is built; this bounds the whole message, whoever built it).
constexpr std::size_t kMaxMessageChars = 8192;

bool acceptable_content_type(const std::string& ct) {
  if (ct.empty()) return true;
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  return base == "application/x-amz-json-1.1" || base == "application/x-amz-json-1.0" ||
         base == "application/json";
}
}  // namespace

void Router::add_service(ServiceApi api) { services_.push_back(std::move(api)); }

HttpResponse Router::error_response(unsigned status, const std::string& content_type,
                                    const std::string& type_prefix, const std::string& type,
                                    const std::string& message, const std::string& request_id) {
  HttpResponse res;
  res.status = status;
  res.content_type = content_type;
  res.body = nlohmann::json{{"__type", type_prefix + type},
                            {"message", core::echo(message, kMaxMessageChars)}}
                 .dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.headers.emplace_back("x-amzn-RequestId", request_id);
  res.headers.emplace_back("x-amzn-ErrorType", type);
  return res;
}

void Router::handle(HttpRequest&& req, const Respond& respond) const {
  HttpResponse res;
  try {
    auto r = dispatch(req, respond);
    if (!r) return;
    res = std::move(*r);
  } catch (const std::exception& e) {
    core::log_error(std::string("unhandled error: ") + e.what());
    res = error_response(500, "application/x-amz-json-1.1", "", "InternalFailure",
                         "The request processing has failed because of an unknown error",
                         new_request_id());
  }
  respond(std::move(res));
}

std::optional<HttpResponse> Router::dispatch(HttpRequest& req, const Respond& respond) const {
  const bool admin = req.target.rfind(kAdminPrefix, 0) == 0 || req.target == "/_emulator";
  if (auto refusal = guard_.check(req)) {
    core::log_warn("refused " + req.method + " " + core::echo(req.target, 80) + ": " +
                   refusal->message);
    return error_response(refusal->status, admin ? "application/json" : "application/x-amz-json-1.1",
                          "", refusal->type, refusal->message, new_request_id());
  }
  if (admin && admin_) return admin_(req);
  const std::string rid = new_request_id();
  const std::string& target = req.amz_target;
  auto dot = target.rfind('.');
  const ServiceApi* api = nullptr;
  if (dot != std::string::npos) {
    const std::string prefix = target.substr(0, dot);
    for (const auto& s : services_)
      if (s.target_prefix == prefix) api = &s;
  }
  const std::string ct = api != nullptr ? api->content_type : "application/x-amz-json-1.1";
  auto prefix = [api](const std::string& type) {
    return api != nullptr && api->error_prefix ? api->error_prefix(type) : std::string();
  };
  auto fail = [&](const std::string& type, const std::string& msg, unsigned status = 400) {
    return error_response(status, ct, prefix(type), type, msg, rid);
  };
  if (req.method != "POST") {
    return fail("UnknownOperationException",
                "Only POST requests are accepted on this endpoint (got " + core::echo(req.method) +
                    ")");
  }
  if (target.empty()) return fail("UnknownOperationException", "Missing X-Amz-Target header");
  if (api == nullptr)
    return fail("UnknownOperationException", "Unknown target: " + core::echo(target));
  const std::string op = target.substr(dot + 1);
  auto it = api->operations.find(op);
  auto async_it = api->async_operations.find(op);
  if (it == api->operations.end() && async_it == api->async_operations.end()) {
    if (api->model != nullptr && api->model->has_operation(op)) {
      return fail("UnknownOperationException",
                  "Operation " + op + " is not implemented by sfn-codebuild-local");
    }
    return fail("UnknownOperationException", "Unknown operation: " + core::echo(op));
  }
  if (!acceptable_content_type(req.content_type)) {
    return fail("SerializationException", "Unsupported Content-Type '" + core::echo(req.content_type) +
                                              "': expected " + api->content_type);
  }
  nlohmann::json body;
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    body = nlohmann::json::object();
  } else {
    if (json_nesting_depth(req.body, kMaxJsonDepth) >= kMaxJsonDepth) {
      return fail("SerializationException",
                  "Request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      return fail("SerializationException", "Request body is not valid JSON (UTF-8)");
    }
    if (!body.is_object()) {
      return fail("SerializationException",
                  body.is_array() ? "Start of list found where not expected"
                                  : "Request body must be a JSON object");
    }
  }
  if (api->model != nullptr && api->model->has_operation(op)) {
    if (auto problem = api->model->check_input(op, body)) {
      if (problem->kind == model::InputProblem::Kind::kSerialization)
        return fail("SerializationException", problem->message);
      return fail(api->validation_error, problem->message);
    }
  }
  RequestContext ctx{identify(req.authorization, defaults_), rid, op};
  if (async_it != api->async_operations.end()) {
    async_it->second(ctx, body, [respond, rid, ct, prefix](Producer produce) {
      HttpResponse res;
      try {
        res.body = core::json_text(produce());
        res.content_type = ct;
        res.headers.emplace_back("x-amzn-RequestId", rid);
      } catch (const core::AwsError& e) {
        res = error_response(static_cast<unsigned>(e.http_status()), ct, prefix(e.type()), e.type(),
                             e.what(), rid);
      } catch (const std::exception& e) {
        core::log_error(std::string("unhandled error: ") + e.what());
        res = error_response(500, ct, "", "InternalFailure",
                             "The request processing has failed because of an unknown error", rid);
      }
      respond(std::move(res));
    });
    return std::nullopt;
  }
  try {
    nlohmann::json out = it->second(ctx, body);
    HttpResponse res;
    res.content_type = ct;
    res.body = core::json_text(out);
    res.headers.emplace_back("x-amzn-RequestId", rid);
    return res;
  } catch (const core::AwsError& e) {
    return fail(e.type(), e.what(), static_cast<unsigned>(e.http_status()));
  }
}

}  // namespace scl::server
