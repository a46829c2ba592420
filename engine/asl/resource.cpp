#include "engine/asl/resource.hpp"

#include <vector>

namespace scl::asl {
namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
}

bool valid_token(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view to_suffix(IntegrationPattern p) {
  switch (p) {
    case IntegrationPattern::kRequestResponse: return "";
    case IntegrationPattern::kSync: return ".sync";
    case IntegrationPattern::kWaitForTaskToken: return ".waitForTaskToken";
  }
  return "";
}

std::string ResourceRef::history_resource_type() const {
  switch (kind) {
    case Kind::kOptimized: return service;
    case Kind::kAwsSdk: return "aws-sdk:" + service;
    case Kind::kActivity: return "activity";
    case Kind::kLambda: return "lambda";
  }
  return service;
}

std::string ResourceRef::history_resource() const { return action + pattern_suffix; }

std::optional<ResourceRef> parse_resource_arn(std::string_view arn) {
  auto parts = split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[1].empty()) return std::nullopt;
  ResourceRef r;
  r.arn = std::string(arn);
  if (parts[2] == "lambda") {
    if (parts.size() < 7 || parts[5] != "function" || !valid_token(parts[6])) return std::nullopt;
    r.kind = ResourceRef::Kind::kLambda;
    r.service = "lambda";
    r.action = parts[6];
    return r;
  }
  if (parts[2] != "states") return std::nullopt;
  if (!parts[3].empty() || !parts[4].empty()) {
    if (parts.size() != 7 || parts[5] != "activity" || parts[6].empty()) return std::nullopt;
    r.kind = ResourceRef::Kind::kActivity;
    r.service = "activity";
    r.action = parts[6];
    return r;
  }
  // arn:aws:states:::<service>:<action>[.pattern]   or   :::aws-sdk:<service>:<action>[.pattern]
  std::size_t i = 5;
  if (parts[5] == "aws-sdk") {
    r.kind = ResourceRef::Kind::kAwsSdk;
    i = 6;
  }
  if (parts.size() < i + 2) return std::nullopt;
  r.service = parts[i];
  std::string action = parts[i + 1];
  // ".sync:2" splits into "...sync" + "2".
  if (parts.size() == i + 3) {
    if (parts[i + 2] != "2") return std::nullopt;
    action += ":2";
  } else if (parts.size() != i + 2) {
    return std::nullopt;
  }
  const auto dot = action.find('.');
  if (dot != std::string::npos) {
    r.pattern_suffix = action.substr(dot);
    action.resize(dot);
    if (r.pattern_suffix == ".sync" || r.pattern_suffix == ".sync:2") {
      r.pattern = IntegrationPattern::kSync;
    } else if (r.pattern_suffix == ".waitForTaskToken") {
      r.pattern = IntegrationPattern::kWaitForTaskToken;
    } else {
      return std::nullopt;
    }
  }
  if (!valid_token(r.service) || !valid_token(action)) return std::nullopt;
  r.action = action;
  return r;
}

}  // namespace scl::asl
