#include "engine/asl/payload_template.hpp"

#include <utility>
#include <vector>

namespace scl::asl {

struct PayloadTemplate::Node {
  enum class Kind { kLiteral, kObject, kArray, kPath, kIntrinsic };
  Kind kind = Kind::kLiteral;
  Json literal;
  std::vector<std::pair<std::string, Node>> members;  // kObject (output names)
  std::vector<Node> items;                             // kArray
  std::optional<JsonPath> path;                        // kPath
  std::optional<IntrinsicCall> call;                   // kIntrinsic
  std::string field;                                   // kPath/kIntrinsic: the ".$" name
  // Defined out of line: clang with libstdc++ 12 rejects the implicit default constructor
  // (std::pair<std::string, Node> is checked while Node is still incomplete).
  Node();
};
PayloadTemplate::Node::Node() = default;

namespace {

using Node = PayloadTemplate::Node;

bool ends_with_dollar(const std::string& key) {
  return key.size() >= 2 && key.compare(key.size() - 2, 2, ".$") == 0;
}

Node compile_node(const Json& v) {
  Node n;
  if (v.is_object()) {
    n.kind = Node::Kind::kObject;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (ends_with_dollar(key)) {
        const std::string msg = "The value for the field '" + key +
                                "' must be a valid JSONPath or a valid intrinsic function call";
        if (!it.value().is_string()) throw TemplateError(key, msg);
        const std::string& expr = it.value().get_ref<const std::string&>();
        Node leaf;
        leaf.field = key;
        if (!expr.empty() && expr[0] == '$') {
          auto p = JsonPath::try_parse(expr);
          if (!p) throw TemplateError(key, msg);
          leaf.kind = Node::Kind::kPath;
          leaf.path = std::move(p);
        } else if (looks_like_intrinsic(expr)) {
          try {
            leaf.call = parse_intrinsic(expr);
          } catch (const IntrinsicSyntaxError&) {
            throw TemplateError(key, msg);
          }
          leaf.kind = Node::Kind::kIntrinsic;
        } else {
          throw TemplateError(key, msg);
        }
        n.members.emplace_back(key.substr(0, key.size() - 2), std::move(leaf));
      } else {
        n.members.emplace_back(key, compile_node(it.value()));
      }
    }
  } else if (v.is_array()) {
    n.kind = Node::Kind::kArray;
    for (const auto& item : v) n.items.push_back(compile_node(item));
  } else {
    n.literal = v;
  }
  return n;
}

// One template evaluation: the budget, and the size of everything produced so far, which may not
// exceed max_value_bytes (a template with 1000 fields "$" over a 256 KiB input stops at the
// second copy instead of building 256 MB).
struct TemplateEval {
  EvalBudget& budget;
  std::size_t size = 0;

  Outcome<Json> account(Outcome<Json> v, const std::string& field) {
    if (!v) return v;
    if (!add_value_size(v.value(), budget.limits().max_value_bytes, size, budget)) {
      const std::string what = "the payload template field '" + field + "'";
      return budget.exhausted() ? budget.exhausted_failure(what) : budget.too_large_failure(what);
    }
    return v;
  }
};

Outcome<Json> eval_node(const Node& n, const EvalScope& scope, TemplateEval& ev) {
  if (!ev.budget.spend(1)) return ev.budget.exhausted_failure("a payload template");
  switch (n.kind) {
    case Node::Kind::kLiteral:
      return ev.account(n.literal, "(literal)");
    case Node::Kind::kObject: {
      Json out = Json::object();
      for (const auto& [name, child] : n.members) {
        auto r = eval_node(child, scope, ev);
        if (!r) return r.failure();
        out[name] = std::move(r).value();
      }
      return out;
    }
    case Node::Kind::kArray: {
      Json out = Json::array();
      for (const auto& child : n.items) {
        auto r = eval_node(child, scope, ev);
        if (!r) return r.failure();
        out.push_back(std::move(r).value());
      }
      return out;
    }
    case Node::Kind::kPath: {
      const Json& data = n.path->is_context() ? scope.context.get() : scope.input;
      auto v = n.path->evaluate(data, ev.budget);
      if (!v) return v.failure();
      if (!v.value()) return path_not_found(n.path->text(), n.field, data);
      return ev.account(std::move(*v.value()), n.field);
    }
    case Node::Kind::kIntrinsic: {
      EvalScope inner = scope;
      inner.budget = &ev.budget;
      return ev.account(evaluate_intrinsic(*n.call, inner, n.field), n.field);
    }
  }
  return n.literal;
}

}  // namespace

PayloadTemplate PayloadTemplate::compile(const Json& tmpl) {
  PayloadTemplate t;
  t.source_ = tmpl;
  t.root_ = std::make_shared<const Node>(compile_node(tmpl));
  return t;
}

Outcome<Json> PayloadTemplate::evaluate(const EvalScope& scope) const {
  if (scope.budget != nullptr) {
    TemplateEval ev{*scope.budget};
    return eval_node(*root_, scope, ev);
  }
  EvalBudget budget;
  TemplateEval ev{budget};
  return eval_node(*root_, scope, ev);
}

}  // namespace scl::asl
