// The AST post-pass: the raw Pratt tree → explicit steps. Paths become one node with a list
// of steps; predicates become stages on the step they filter; `@$v` / `#$i` mark tuple steps;
// `%` is resolved to the step whose context it names (a labelled slot bound in the tuple);
// order-by becomes a sort step; lambda bodies get tail calls marked as thunks.
// Semantics follow jsonata 2.0.6's processAST (same error codes at the same places).

#include <string>
#include <utility>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/parser.hpp"

namespace scl::jsonata {

namespace {

const char* type_name(NodeType t) {
  switch (t) {
    case NodeType::kString: return "string";
    case NodeType::kNumber: return "number";
    case NodeType::kValue: return "value";
    case NodeType::kName: return "name";
    case NodeType::kVariable: return "variable";
    case NodeType::kRegex: return "regex";
    case NodeType::kWildcard: return "wildcard";
    case NodeType::kDescendant: return "descendant";
    case NodeType::kParent: return "parent";
    case NodeType::kOperator: return "operator";
    case NodeType::kBinary: return "binary";
    case NodeType::kNegate: return "unary";
    case NodeType::kArray: return "unary";
    case NodeType::kObject: return "unary";
    case NodeType::kCondition: return "condition";
    case NodeType::kBlock: return "block";
    case NodeType::kFunction: return "function";
    case NodeType::kPartial: return "partial";
    case NodeType::kLambda: return "lambda";
    case NodeType::kTransform: return "transform";
    case NodeType::kSortRaw: return "binary";
    case NodeType::kEnd: return "(end)";
    case NodeType::kPath: return "path";
    case NodeType::kBind: return "bind";
    case NodeType::kApply: return "apply";
    case NodeType::kSort: return "sort";
  }
  return "unknown";
}

class PostPass {
 public:
  NodePtr process(NodePtr expr) {
    const bool keep_array = expr->keep_array;
    NodePtr result = process_inner(std::move(expr));
    if (keep_array) result->keep_array = true;
    return result;
  }

 private:
  static NodePtr make_path(NodePtr first) {
    auto path = std::make_unique<Node>();
    path->type = NodeType::kPath;
    path->position = first->position;
    path->items.push_back(std::move(first));
    return path;
  }

  static void push_ancestry(Node& result, const Node& value) {
    if (value.seeking_parent.empty() && value.type != NodeType::kParent) return;
    for (const SlotPtr& s : value.seeking_parent) result.seeking_parent.push_back(s);
    if (value.type == NodeType::kParent) result.seeking_parent.push_back(value.slot);
  }

  SlotPtr seek_parent(Node& node, SlotPtr slot) {
    switch (node.type) {
      case NodeType::kName:
      case NodeType::kWildcard:
        --slot->level;
        if (slot->level == 0) {
          if (node.ancestor) {
            ancestry_[static_cast<std::size_t>(slot->index)]->label = node.ancestor->label;
          }
          node.ancestor = slot;
          node.tuple = true;
        }
        break;
      case NodeType::kParent:
        ++slot->level;
        break;
      case NodeType::kBlock:
        if (!node.items.empty()) {
          node.tuple = true;
          slot = seek_parent(*node.items.back(), slot);
        }
        break;
      case NodeType::kPath: {
        node.tuple = true;
        std::size_t index = node.items.size();
        slot = seek_parent(*node.items[--index], slot);
        while (slot->level > 0 && index > 0) slot = seek_parent(*node.items[--index], slot);
        break;
      }
      default:
        throw_error("S0217", node.position, type_name(node.type));
    }
    return slot;
  }

  void resolve_ancestry(Node& path) {
    Node& last = *path.items.back();
    std::vector<SlotPtr> slots = last.seeking_parent;
    if (last.type == NodeType::kParent) slots.push_back(last.slot);
    for (SlotPtr slot : slots) {
      std::ptrdiff_t index = static_cast<std::ptrdiff_t>(path.items.size()) - 2;
      while (slot->level > 0) {
        if (index < 0) {
          path.seeking_parent.push_back(slot);
          break;
        }
        Node* step = path.items[static_cast<std::size_t>(index--)].get();
        while (index >= 0 && step->has_focus &&
               path.items[static_cast<std::size_t>(index)]->has_focus) {
          step = path.items[static_cast<std::size_t>(index--)].get();
        }
        slot = seek_parent(*step, slot);
      }
    }
  }

  static NodePtr tail_call_optimize(NodePtr expr) {
    if (expr->type == NodeType::kFunction && expr->predicate.empty()) {
      auto thunk = std::make_unique<Node>();
      thunk->type = NodeType::kLambda;
      thunk->thunk = true;
      thunk->position = expr->position;
      thunk->body = std::move(expr);
      return thunk;
    }
    if (expr->type == NodeType::kCondition) {
      expr->then = tail_call_optimize(std::move(expr->then));
      if (expr->otherwise) expr->otherwise = tail_call_optimize(std::move(expr->otherwise));
      return expr;
    }
    if (expr->type == NodeType::kBlock && !expr->items.empty()) {
      expr->items.back() = tail_call_optimize(std::move(expr->items.back()));
      return expr;
    }
    return expr;
  }

  NodePtr process_path(NodePtr expr) {
    NodePtr lstep = process(std::move(expr->lhs));
    NodePtr result;
    const bool lstep_parent = lstep->type == NodeType::kParent;
    SlotPtr lstep_slot = lstep->slot;
    if (lstep->type == NodeType::kPath) {
      result = std::move(lstep);
    } else {
      result = make_path(std::move(lstep));
    }
    if (lstep_parent) result->seeking_parent = {lstep_slot};
    NodePtr rest = process(std::move(expr->rhs));
    if (rest->type == NodeType::kPath) {
      for (auto& s : rest->items) result->items.push_back(std::move(s));
    } else {
      if (!rest->predicate.empty()) {
        rest->stages = std::move(rest->predicate);
        rest->predicate.clear();
      }
      result->items.push_back(std::move(rest));
    }
    for (auto& step : result->items) {
      if (step->type == NodeType::kNumber || step->type == NodeType::kValue) {
        JsonataException e;
        e.info.code = "S0213";
        e.info.position = step->position;
        e.info.value = step->literal;
        e.info.has_value = true;
        throw e;
      }
      if (step->type == NodeType::kString) step->type = NodeType::kName;
    }
    for (const auto& step : result->items) {
      if (step->keep_array) result->keep_singleton_array = true;
    }
    if (result->items.front()->type == NodeType::kArray) result->items.front()->cons_array = true;
    if (result->items.back()->type == NodeType::kArray) result->items.back()->cons_array = true;
    resolve_ancestry(*result);
    return result;
  }

  NodePtr process_binary(NodePtr expr) {
    const std::string& op = expr->value;
    if (op == ".") return process_path(std::move(expr));
    if (op == "[") {
      NodePtr result = process(std::move(expr->lhs));
      Node* step = result.get();
      bool stages = false;
      if (result->type == NodeType::kPath) {
        step = result->items.back().get();
        stages = true;
      }
      if (step->group) throw_error("S0209", expr->position);
      NodePtr predicate = process(std::move(expr->rhs));
      if (!predicate->seeking_parent.empty()) {
        for (const SlotPtr& slot : predicate->seeking_parent) {
          if (slot->level == 1) {
            seek_parent(*step, slot);
          } else {
            --slot->level;
          }
        }
        push_ancestry(*step, *predicate);
      }
      Stage stage;
      stage.type = Stage::kFilter;
      stage.expr = std::move(predicate);
      stage.position = expr->position;
      (stages ? step->stages : step->predicate).push_back(std::move(stage));
      return result;
    }
    if (op == ":=") {
      auto result = std::make_unique<Node>();
      result->type = NodeType::kBind;
      result->value = op;
      result->position = expr->position;
      result->lhs = process(std::move(expr->lhs));
      result->rhs = process(std::move(expr->rhs));
      push_ancestry(*result, *result->rhs);
      return result;
    }
    if (op == "@") {
      NodePtr result = process(std::move(expr->lhs));
      Node* step = result.get();
      if (result->type == NodeType::kPath) step = result->items.back().get();
      if (!step->stages.empty() || !step->predicate.empty()) throw_error("S0215", expr->position);
      if (step->type == NodeType::kSort) throw_error("S0216", expr->position);
      if (expr->keep_array) step->keep_array = true;
      step->has_focus = true;
      step->focus = expr->rhs->value;
      step->tuple = true;
      return result;
    }
    if (op == "#") {
      NodePtr result = process(std::move(expr->lhs));
      Node* step = result.get();
      if (result->type == NodeType::kPath) {
        step = result->items.back().get();
      } else {
        result = make_path(std::move(result));
        step = result->items.back().get();
        if (!step->predicate.empty()) {
          step->stages = std::move(step->predicate);
          step->predicate.clear();
        }
      }
      if (step->stages.empty()) {
        step->has_index = true;
        step->index = expr->rhs->value;
      } else {
        Stage stage;
        stage.type = Stage::kIndex;
        stage.var = expr->rhs->value;
        stage.position = expr->position;
        step->stages.push_back(std::move(stage));
      }
      step->tuple = true;
      return result;
    }
    if (op == "~>") {
      auto result = std::make_unique<Node>();
      result->type = NodeType::kApply;
      result->value = op;
      result->position = expr->position;
      result->lhs = process(std::move(expr->lhs));
      result->rhs = process(std::move(expr->rhs));
      result->keep_array = result->lhs->keep_array || result->rhs->keep_array;
      return result;
    }
    auto result = std::make_unique<Node>();
    result->type = NodeType::kBinary;
    result->value = op;
    result->position = expr->position;
    result->lhs = process(std::move(expr->lhs));
    result->rhs = process(std::move(expr->rhs));
    push_ancestry(*result, *result->lhs);
    push_ancestry(*result, *result->rhs);
    return result;
  }

  NodePtr process_inner(NodePtr expr) {
    switch (expr->type) {
      case NodeType::kBinary:
        return process_binary(std::move(expr));
      case NodeType::kSortRaw: {
        NodePtr result = process(std::move(expr->lhs));
        if (result->type != NodeType::kPath) result = make_path(std::move(result));
        auto sort = std::make_unique<Node>();
        sort->type = NodeType::kSort;
        sort->position = expr->position;
        for (auto& term : expr->terms) {
          SortTerm t;
          t.descending = term.descending;
          t.expression = process(std::move(term.expression));
          push_ancestry(*sort, *t.expression);
          sort->terms.push_back(std::move(t));
        }
        result->items.push_back(std::move(sort));
        resolve_ancestry(*result);
        return result;
      }
      case NodeType::kObject: {
        if (expr->lhs) {
          // grouping: lhs{ k: v }
          NodePtr result = process(std::move(expr->lhs));
          if (result->group) throw_error("S0210", expr->position);
          auto group = std::make_unique<Group>();
          group->position = expr->position;
          for (auto& [k, v] : expr->pairs) group->pairs.emplace_back(process(std::move(k)), process(std::move(v)));
          result->group = std::move(group);
          return result;
        }
        auto result = std::make_unique<Node>();
        result->type = NodeType::kObject;
        result->position = expr->position;
        for (auto& [k, v] : expr->pairs) {
          NodePtr key = process(std::move(k));
          push_ancestry(*result, *key);
          NodePtr value = process(std::move(v));
          push_ancestry(*result, *value);
          result->pairs.emplace_back(std::move(key), std::move(value));
        }
        return result;
      }
      case NodeType::kArray: {
        auto result = std::make_unique<Node>();
        result->type = NodeType::kArray;
        result->position = expr->position;
        for (auto& item : expr->items) {
          NodePtr v = process(std::move(item));
          push_ancestry(*result, *v);
          result->items.push_back(std::move(v));
        }
        return result;
      }
      case NodeType::kNegate: {
        NodePtr inner = process(std::move(expr->expression));
        if (inner->type == NodeType::kNumber) {
          inner->number = -inner->number;
          inner->literal = Value::number(inner->number);
          return inner;
        }
        auto result = std::make_unique<Node>();
        result->type = NodeType::kNegate;
        result->position = expr->position;
        result->value = "-";
        push_ancestry(*result, *inner);
        result->expression = std::move(inner);
        return result;
      }
      case NodeType::kFunction:
      case NodeType::kPartial: {
        auto result = std::make_unique<Node>();
        result->type = expr->type;
        result->position = expr->position;
        result->value = expr->value;
        for (auto& arg : expr->items) {
          NodePtr a = process(std::move(arg));
          push_ancestry(*result, *a);
          result->items.push_back(std::move(a));
        }
        result->procedure = process(std::move(expr->procedure));
        return result;
      }
      case NodeType::kLambda: {
        auto result = std::make_unique<Node>();
        result->type = NodeType::kLambda;
        result->position = expr->position;
        result->params = std::move(expr->params);
        result->signature = std::move(expr->signature);
        result->body = tail_call_optimize(process(std::move(expr->body)));
        return result;
      }
      case NodeType::kCondition: {
        auto result = std::make_unique<Node>();
        result->type = NodeType::kCondition;
        result->position = expr->position;
        result->condition = process(std::move(expr->condition));
        push_ancestry(*result, *result->condition);
        result->then = process(std::move(expr->then));
        push_ancestry(*result, *result->then);
        if (expr->otherwise) {
          result->otherwise = process(std::move(expr->otherwise));
          push_ancestry(*result, *result->otherwise);
        }
        return result;
      }
      case NodeType::kTransform: {
        auto result = std::make_unique<Node>();
        result->type = NodeType::kTransform;
        result->position = expr->position;
        result->pattern = process(std::move(expr->pattern));
        result->update = process(std::move(expr->update));
        if (expr->remove) result->remove = process(std::move(expr->remove));
        return result;
      }
      case NodeType::kBlock: {
        auto result = std::make_unique<Node>();
        result->type = NodeType::kBlock;
        result->position = expr->position;
        for (auto& item : expr->items) {
          NodePtr part = process(std::move(item));
          push_ancestry(*result, *part);
          if (part->cons_array ||
              (part->type == NodeType::kPath && part->items.front()->cons_array)) {
            result->cons_array = true;
          }
          result->items.push_back(std::move(part));
        }
        return result;
      }
      case NodeType::kName: {
        const bool keep = expr->keep_array;
        NodePtr path = make_path(std::move(expr));
        if (keep) path->keep_singleton_array = true;
        return path;
      }
      case NodeType::kParent: {
        expr->slot = std::make_shared<Slot>();
        expr->slot->label = "!" + std::to_string(ancestor_label_++);
        expr->slot->level = 1;
        expr->slot->index = ancestor_index_++;
        ancestry_.push_back(expr->slot);
        return expr;
      }
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kValue:
      case NodeType::kWildcard:
      case NodeType::kDescendant:
      case NodeType::kVariable:
      case NodeType::kRegex:
        return expr;
      case NodeType::kOperator:
        if (expr->value == "and" || expr->value == "or" || expr->value == "in") {
          expr->type = NodeType::kName;
          return process(std::move(expr));
        }
        if (expr->value == "?") return expr;
        throw_error("S0201", expr->position, expr->value);
      case NodeType::kEnd:
        throw_error("S0207", expr->position, "(end)");
      default:
        throw_error("S0206", expr->position, expr->value);
    }
  }

  int ancestor_label_ = 0;
  int ancestor_index_ = 0;
  std::vector<SlotPtr> ancestry_;
};

}  // namespace

namespace {

bool plain_step(const Node& n) {
  return n.stages.empty() && n.predicate.empty() && !n.group && !n.keep_array && !n.tuple &&
         !n.has_focus && !n.has_index && !n.ancestor;
}

// Marks paths the evaluator may walk directly (Evaluator::eval_path's fast route).
void mark_simple_paths(Node& n) {
  if (n.type == NodeType::kPath && !n.items.empty() && !n.keep_singleton_array && !n.group &&
      !n.tuple && n.predicate.empty() && n.seeking_parent.empty() && plain_step(n)) {
    bool simple = n.items.front()->type == NodeType::kVariable || n.items.front()->type == NodeType::kName;
    for (std::size_t i = 0; simple && i < n.items.size(); ++i) {
      const Node& step = *n.items[i];
      simple = plain_step(step) && (i == 0 || step.type == NodeType::kName);
    }
    n.simple_path = simple;
  }
  auto each = [](NodePtr& p) {
    if (p) mark_simple_paths(*p);
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
  for (auto& i : n.items) each(i);
  for (auto& [k, v] : n.pairs) {
    each(k);
    each(v);
  }
  for (auto& t : n.terms) each(t.expression);
  for (auto& st : n.stages) each(st.expr);
  for (auto& st : n.predicate) each(st.expr);
  if (n.group) {
    for (auto& [k, v] : n.group->pairs) {
      each(k);
      each(v);
    }
  }
}

}  // namespace

NodePtr post_process(NodePtr raw) {
  NodePtr ast = PostPass().process(std::move(raw));
  mark_simple_paths(*ast);
  if (ast->type == NodeType::kParent || !ast->seeking_parent.empty()) {
    // a parent reference with no step left to derive it from
    throw_error("S0217", ast->position, type_name(ast->type));
  }
  return ast;
}

}  // namespace scl::jsonata
