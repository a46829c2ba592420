#include "engine/codebuild/wire.hpp"

namespace scl::codebuild {

std::string project_arn(const core::Scope& s, const std::string& name) {
  return "arn:aws:codebuild:" + s.region + ":" + s.account + ":project/" + name;
}

std::string build_arn(const core::Scope& s, const std::string& build_id) {
  return "arn:aws:codebuild:" + s.region + ":" + s.account + ":build/" + build_id;
}

}  // namespace scl::codebuild
