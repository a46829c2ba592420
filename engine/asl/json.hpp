#pragma once
// The JSON value type of the ASL engine.
//
// Step Functions keeps object members in the order they were written (Jackson under the hood), and
// users see that order in every input/output string of the history. nlohmann::ordered_json keeps
// insertion order, so the whole engine uses it. The host only ever sees JSON *text* or this type.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/core/json_text.hpp"

namespace scl::asl {

using Json = nlohmann::ordered_json;

/// Compact JSON text as Step Functions prints payloads (no spaces, UTF-8 kept as is).
/// Never throws for a valid Json (invalid UTF-8 in strings is replaced, not thrown).
inline std::string to_text(const Json& j) { return core::json_text(j); }

/// A JSON value made on first use: the context object (`$$`) is only built when a path or an
/// intrinsic asks for it, which most states never do. Implicitly made from a ready value, so
/// callers with a Json at hand pass it as is. Not copyable: it may own the value it made.
class LazyJson {
 public:
  LazyJson(const Json& ready) : ready_(&ready) {}  // NOLINT(google-explicit-constructor)
  explicit LazyJson(std::function<Json()> make) : make_(std::move(make)) {}
  LazyJson(const LazyJson&) = delete;
  LazyJson& operator=(const LazyJson&) = delete;
  ~LazyJson() = default;

  [[nodiscard]] const Json& get() const {
    if (ready_ == nullptr) {
      made_ = make_();
      ready_ = &*made_;
    }
    return *ready_;
  }

 private:
  mutable const Json* ready_ = nullptr;
  std::function<Json()> make_;
  mutable std::optional<Json> made_;
};

}  // namespace scl::asl
