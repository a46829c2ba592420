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

Outcome<Json> eval_node(const Node& n, const EvalScope& scope) {
  switch (n.kind) {
    case Node::Kind::kLiteral:
      return n.literal;
    case Node::Kind::kObject: {
      Json out = Json::object();
      for (const auto& [name, child] : n.members) {
        auto r = eval_node(child, scope);
        if (!r) return r.failure();
        out[name] = std::move(r).value();
      }
      return out;
    }
    case Node::Kind::kArray: {
      Json out = Json::array();
      for (const auto& child : n.items) {
        auto r = eval_node(child, scope);
        if (!r) return r.failure();
        out.push_back(std::move(r).value());
      }
      return out;
    }
    case Node::Kind::kPath: {
      const Json& data = n.path->is_context() ? scope.context.get() : scope.input;
      auto v = n.path->find(data);
      if (!v) return path_not_found(n.path->text(), n.field, data);
      return std::move(*v);
    }
    case Node::Kind::kIntrinsic:
      return evaluate_intrinsic(*n.call, scope, n.field);
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
  return eval_node(*root_, scope);
}

}  // namespace scl::asl
