#pragma once
// Function values (lambdas/closures, built-ins, partial applications, regexes, `~>`
// compositions, transform expressions) and the variable frames closures capture.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/regex.hpp"
#include "engine/jsonata/jsonata.hpp"
#include "engine/jsonata/signature.hpp"
#include "engine/jsonata/value.hpp"

namespace scl::jsonata {

struct Node;

/// A scope: variables bound by blocks, lambdas' parameters, tuple steps; parents up to the
/// evaluation's root (host bindings and `$`).
struct Frame {
  std::shared_ptr<const Frame> parent;
  std::vector<std::pair<std::string, Value>> vars;

  [[nodiscard]] const Value* lookup(std::string_view name) const {
    for (const Frame* f = this; f != nullptr; f = f->parent.get()) {
      for (auto it = f->vars.rbegin(); it != f->vars.rend(); ++it) {
        if (it->first == name) return &it->second;
      }
    }
    return nullptr;
  }
  void bind(std::string name, Value v) {
    for (auto& [k, old] : vars) {
      if (k == name) {
        old = std::move(v);
        return;
      }
    }
    vars.emplace_back(std::move(name), std::move(v));
  }
};
using FramePtr = std::shared_ptr<Frame>;

/// What a native implementation gets besides its arguments.
struct CallContext {
  Evaluator& ev;
  const Value& input;  // the context value of the call
  const FramePtr& env;
};

using NativeImpl = Value (*)(CallContext& ctx, std::vector<Value>& args);

struct NativeDef {
  std::string name;
  Signature signature;
  int arity = 0;  // the reference implementation's declared parameters (what HOFs pass)
  NativeImpl impl = nullptr;
};

struct Function {
  enum class Type { kLambda, kNative, kPartialNative, kRegex, kCompose, kTransform };
  Type type = Type::kLambda;

  // kLambda: a closure (node = the lambda; params may be fewer after partial application).
  const Node* node = nullptr;
  std::vector<std::string> params;
  const Signature* signature = nullptr;
  Value input;
  FramePtr env;
  bool thunk = false;

  // kNative / kPartialNative
  const NativeDef* native = nullptr;
  std::shared_ptr<const NativeDef> native_owner;  // extension functions
  std::vector<Value> bound;                       // partial: arguments, holes undefined
  std::vector<bool> hole;

  // kRegex
  std::shared_ptr<const core::Regex> regex;

  // kCompose: g(f(x))
  Value first, second;

  [[nodiscard]] int arity() const {
    switch (type) {
      case Type::kLambda:
        return static_cast<int>(params.size());
      case Type::kNative:
        return native->arity;
      case Type::kPartialNative: {
        int n = 0;
        for (bool h : hole) n += h ? 1 : 0;
        return n;
      }
      case Type::kRegex:
        return 2;
      case Type::kCompose:
      case Type::kTransform:
        return 1;
    }
    return 0;
  }
};

/// The built-ins of jsonata 2.0.6 (minus $eval), by name without '$'; nullptr when unknown.
const NativeDef* find_builtin(std::string_view name);
/// The built-in as a (shared, immutable) function value; nullptr when unknown.
const Value* builtin_value(std::string_view name);

}  // namespace scl::jsonata
