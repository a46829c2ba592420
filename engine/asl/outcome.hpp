#pragma once
// Outcome<T>: a value or an asl::Failure (C++20 has no std::expected). Evaluation functions of the
// engine return this instead of throwing: language errors are values (STYLE.md "Errors").

#include <utility>
#include <variant>

#include "engine/asl/failure.hpp"

namespace scl::asl {

template <class T>
class Outcome {
 public:
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(implicit)
  Outcome(Failure failure) : v_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  /// Precondition: ok().
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  /// Precondition: !ok().
  [[nodiscard]] const Failure& failure() const { return std::get<1>(v_); }

 private:
  std::variant<T, Failure> v_;
};

}  // namespace scl::asl
