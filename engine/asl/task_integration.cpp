#include "engine/asl/task_integration.hpp"

namespace scl::asl {

void IntegrationRegistry::add(std::string service, std::string action, IntegrationPattern pattern,
                              std::shared_ptr<TaskIntegration> integration, bool aws_sdk) {
  entries_[Key{aws_sdk, std::move(service), std::move(action), pattern}] = std::move(integration);
}

TaskIntegration* IntegrationRegistry::find(const ResourceRef& r) const {
  if (r.kind != ResourceRef::Kind::kOptimized && r.kind != ResourceRef::Kind::kAwsSdk) {
    return nullptr;
  }
  auto it = entries_.find(Key{r.kind == ResourceRef::Kind::kAwsSdk, r.service, r.action, r.pattern});
  return it == entries_.end() ? nullptr : it->second.get();
}

ResourceValidator IntegrationRegistry::validator(bool express) const {
  return [this, express](const ResourceRef& r) -> std::optional<Diagnostic> {
    if (express) {
      if (auto d = express_resource_rule(r)) return d;
    }
    if (find(r) == nullptr) return unrecognized_resource(r.arn);
    return std::nullopt;
  };
}

}  // namespace scl::asl
