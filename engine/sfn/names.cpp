#include "engine/sfn/names.hpp"

#include "engine/core/echo.hpp"

#include <vector>

#include "engine/sfn/errors.hpp"

namespace scl::sfn {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  std::size_t code_points = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if ((c & 0xC0) != 0x80) ++code_points;
    if (c < 0x20 || c == 0x7F || c == ' ' || c == '\t') return false;
    if (std::string_view("<>{}[]?*\"#%\\^|~`$&,;:/").find(static_cast<char>(c)) !=
        std::string_view::npos)
      return false;
    // U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < name.size()) {
      const auto n = static_cast<unsigned char>(name[i + 1]);
      if (n >= 0x80 && n <= 0x9F) return false;
      if (n == 0xA0) return false;  // no-break space
    }
  }
  return code_points <= 80;
}

std::string state_machine_arn(const core::Scope& s, const std::string& name) {
  return "arn:aws:states:" + s.region + ":" + s.account + ":stateMachine:" + name;
}

std::string execution_arn(const core::Scope& s, const std::string& sm, const std::string& name) {
  return "arn:aws:states:" + s.region + ":" + s.account + ":execution:" + sm + ":" + name;
}

std::string express_execution_arn(const core::Scope& s, const std::string& sm,
                                  const std::string& name, const std::string& uuid) {
  return "arn:aws:states:" + s.region + ":" + s.account + ":express:" + sm + ":" + name + ":" +
         uuid;
}

ParsedArn parse_states_arn(const std::string& arn, std::string_view expected_types) {
  if (arn.rfind("arn:", 0) != 0) throw errors::invalid_arn("Invalid ARN prefix: " + core::echo(arn));
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 6; ++i) {
    auto colon = arn.find(':', start);
    if (colon == std::string::npos) throw errors::invalid_arn(arn);
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  // parts: arn, partition, service, region, account, type
  if (parts[2] != "states" || parts[3].empty() || parts[4].empty())
    throw errors::invalid_arn(arn);
  ParsedArn out{core::Scope{parts[4], parts[3]}, parts[5], arn.substr(start)};
  bool ok = false;
  std::string_view types = expected_types;
  while (!types.empty()) {
    auto bar = types.find('|');
    if (types.substr(0, bar) == out.resource_type) ok = true;
    types = bar == std::string_view::npos ? std::string_view() : types.substr(bar + 1);
  }
  if (!ok) throw errors::invalid_arn("Resource type not valid in this context: " + core::echo(out.resource_type));
  if (out.rest.empty()) throw errors::invalid_arn(arn);
  return out;
}

std::string state_machine_of_execution(const ParsedArn& e) {
  const std::string sm = e.rest.substr(0, e.rest.find(':'));
  return state_machine_arn(e.scope, sm);
}

}  // namespace scl::sfn
