#include "engine/jsonata/jsonata.hpp"

#include <algorithm>
#include <functional>
#include <new>

#include "engine/jsonata/ast.hpp"
#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/evaluator.hpp"
#include "engine/jsonata/format.hpp"
#include "engine/jsonata/parser.hpp"

namespace scl::jsonata {

struct CompiledExpression {
  std::string text;
  NodePtr ast;
  bool bare = false;
  std::vector<std::string> variables;
  std::vector<std::vector<std::string>> variable_paths;
};

namespace {

void visit(const Node& n, const std::function<void(const Node&)>& f) {
  f(n);
  auto each = [&](const NodePtr& p) {
    if (p) visit(*p, f);
  };
  each(n.lhs);
  each(n.rhs);
  each(n.expression);
  each(n.condition);
  each(n.then);
  each(n.otherwise);
  each(n.pattern);
  each(n.update);
  each(n.remove);
  each(n.procedure);
  each(n.body);
  for (const auto& i : n.items) each(i);
  for (const auto& [k, v] : n.pairs) {
    each(k);
    each(v);
  }
  for (const auto& t : n.terms) each(t.expression);
  for (const auto& s : n.stages) each(s.expr);
  for (const auto& s : n.predicate) each(s.expr);
  if (n.group) {
    for (const auto& [k, v] : n.group->pairs) {
      each(k);
      each(v);
    }
  }
}

Error to_error(const ErrorInfo& info, std::string_view text) {
  Error e;
  e.code = info.code;
  e.message = render_message(info);
  if (info.position) e.position = utf16_length(text, *info.position);
  e.token = info.token;
  e.concurrent_codes = info.concurrent_codes;
  return e;
}

}  // namespace

const std::string& Expression::text() const { return impl_->text; }
bool Expression::is_bare_reference() const { return impl_->bare; }
const std::vector<std::string>& Expression::variables() const { return impl_->variables; }
const std::vector<std::vector<std::string>>& Expression::variable_paths() const {
  return impl_->variable_paths;
}

bool FunctionSet::add(const NativeFunction& f) {
  try {
    auto def = std::make_shared<NativeDef>();
    def->name = f.name;
    def->signature = Signature::parse(f.signature);
    def->arity = f.arity;
    def->impl = f.impl;
    if (def->impl == nullptr) return false;
    defs_.push_back(std::move(def));
    return true;
  } catch (const JsonataException&) {
    return false;
  }
}

std::variant<Expression, Error> compile(std::string_view text) {
  try {
    auto c = std::make_shared<CompiledExpression>();
    c->text = std::string(text);
    c->ast = parse(c->text);
    const Node& root = *c->ast;
    if (root.type == NodeType::kVariable && root.predicate.empty() && !root.group) {
      c->bare = true;
    } else if (root.type == NodeType::kPath && root.items.size() == 1 && !root.group &&
               root.items[0]->stages.empty() &&
               (root.items[0]->type == NodeType::kName || root.items[0]->type == NodeType::kVariable)) {
      c->bare = true;
    }
    visit(root, [&](const Node& n) {
      if (n.type == NodeType::kVariable) {
        if (std::find(c->variables.begin(), c->variables.end(), n.value) == c->variables.end()) {
          c->variables.push_back(n.value);
        }
      }
      if (n.type == NodeType::kPath && !n.items.empty() && n.items[0]->type == NodeType::kVariable) {
        std::vector<std::string> path{n.items[0]->value};
        for (std::size_t i = 1; i < n.items.size() && n.items[i]->type == NodeType::kName; ++i) {
          path.push_back(n.items[i]->value);
        }
        c->variable_paths.push_back(std::move(path));
      } else if (n.type == NodeType::kVariable) {
        // a variable that is not the head of a path (heads were recorded above)
      }
    });
    // Variables that head no path (e.g. `$x + 1`) have a one-element path too.
    std::vector<std::vector<std::string>> extra;
    visit(root, [&](const Node& n) {
      if (n.type != NodeType::kVariable) return;
      bool in_path = false;
      for (const auto& p : c->variable_paths) {
        if (p.size() > 0 && p[0] == n.value) in_path = true;
      }
      if (!in_path) extra.push_back({n.value});
    });
    for (auto& p : extra) c->variable_paths.push_back(std::move(p));
    return Expression(std::move(c));
  } catch (const JsonataException& e) {
    return to_error(e.info, text);
  } catch (const std::bad_alloc&) {
    return Error{"U1002", "Memory limit exceeded", std::nullopt, std::nullopt, {}};
  }
}

std::variant<std::optional<Json>, Error> evaluate(const Expression& expr, const Json* input,
                                                  const Bindings& bindings, const Limits& limits,
                                                  const Environment& environment,
                                                  const FunctionSet* extensions) {
  const CompiledExpression& c = expr.compiled();
  try {
    // The root frame lives on this stack (an owner-less shared_ptr): nothing made in the
    // evaluation outlives it (results leave as JSON, closures are cleared by ~Evaluator, which
    // runs first: it is declared after the frame).
    Frame root_frame;
    const FramePtr root(std::shared_ptr<Frame>(), &root_frame);
    Evaluator ev(limits, environment, extensions);
    Value in = input != nullptr ? Value::from_json(*input) : Value();
    ev.set_root(&bindings, in);
    if (in.is_array()) {
      auto wrapper = make_sequence();
      wrapper->outer_wrapper = true;
      wrapper->items.push_back(in);
      in = Value::array(std::move(wrapper));
    }
    // JSON has no infinities: the reference's JSON.stringify prints null (eval_to_json does).
    return ev.eval_to_json(*c.ast, in, root);
  } catch (const JsonataException& e) {
    return to_error(e.info, c.text);
  } catch (const std::bad_alloc&) {
    return Error{"U1002", "Memory limit exceeded", std::nullopt, std::nullopt, {}};
  }
}

std::variant<std::optional<Json>, Error> evaluate(std::string_view text, const Json* input,
                                                  const Bindings& bindings, const Limits& limits,
                                                  const Environment& environment,
                                                  const FunctionSet* extensions) {
  auto compiled = compile(text);
  if (auto* err = std::get_if<Error>(&compiled)) return *err;
  return evaluate(std::get<Expression>(compiled), input, bindings, limits, environment, extensions);
}

}  // namespace scl::jsonata
