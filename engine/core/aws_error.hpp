#pragma once
// The one error type of the request path: an AWS wire error. Thrown by services, caught in
// exactly one place (the router), rendered as {"__type": type, "message": message}.

#include <stdexcept>
#include <string>

namespace scl::core {

class AwsError : public std::runtime_error {
 public:
  AwsError(std::string type, const std::string& message, int http_status = 400)
      : std::runtime_error(message), type_(std::move(type)), http_status_(http_status) {}
  [[nodiscard]] const std::string& type() const { return type_; }
  [[nodiscard]] int http_status() const { return http_status_; }

 private:
  std::string type_;
  int http_status_;
};

}  // namespace scl::core
