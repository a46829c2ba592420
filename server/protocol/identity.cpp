#include "server/protocol/identity.hpp"

#include <algorithm>
#include <vector>

namespace scl::server {
namespace {
bool valid_region(std::string_view r) {
  return !r.empty() && r.size() <= 32 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}
bool is_account(std::string_view k) {
  return k.size() == 12 && std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

Identity identify(std::string_view auth, const IdentityDefaults& defaults) {
  Identity id{core::Scope{defaults.account, defaults.region}, ""};
  auto pos = auth.find("Credential=");
  if (pos == std::string_view::npos) return id;
  auto cred = auth.substr(pos + 11);
  cred = cred.substr(0, std::min(cred.find(','), cred.find(' ')));
  std::vector<std::string_view> parts;
  while (true) {
    auto slash = cred.find('/');
    parts.push_back(cred.substr(0, slash));
    if (slash == std::string_view::npos) break;
    cred = cred.substr(slash + 1);
  }
  if (parts.size() < 5) return id;
  // Credential=<key>/<date>/<region>/<service>/aws4_request; keys may not contain '/'.
  id.access_key = std::string(parts[0]);
  if (is_account(parts[0])) id.scope.account = std::string(parts[0]);
  if (valid_region(parts[2])) id.scope.region = std::string(parts[2]);
  return id;
}

}  // namespace scl::server
