#include "engine/jsonata/parser.hpp"

#include <string>
#include <utility>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/signature.hpp"
#include "engine/jsonata/tokenizer.hpp"

namespace scl::jsonata {

namespace {

// Operators that have a left denotation (an infix/suffix meaning); every other token binds 0.
bool has_led(std::string_view op) {
  static constexpr std::string_view kInfix[] = {".",  "+",  "-",  "*",  "/",  "%",   "=",  "<",
                                                ">",  "!=", "<=", ">=", "&",  "and", "or", "in",
                                                "~>", "(",  "[",  "{",  "^",  ":=",  "@",  "#",
                                                "?"};
  for (std::string_view s : kInfix) {
    if (s == op) return true;
  }
  return false;
}

// Operators the symbol table knows (others are S0204 "Unknown operator").
bool known_operator(std::string_view op) {
  return has_led(op) || op == "]" || op == ")" || op == "}" || op == "," || op == ":" ||
         op == ";" || op == ".." || op == "**" || op == "|";
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

  NodePtr parse() {
    advance(nullptr, false);
    NodePtr expr = expression(0);
    if (tok_.type != TokenType::kEnd) throw_error("S0201", tok_.position, tok_.value);
    return expr;
  }

 private:
  [[nodiscard]] std::string id() const {
    switch (tok_.type) {
      case TokenType::kEnd:
        return "(end)";
      case TokenType::kOperator:
        return tok_.value;
      case TokenType::kName:
      case TokenType::kVariable:
        return "(name)";
      case TokenType::kString:
      case TokenType::kNumber:
      case TokenType::kValue:
        return "(literal)";
      case TokenType::kRegex:
        return "(regex)";
    }
    return "(end)";
  }

  [[nodiscard]] bool is(std::string_view op) const {
    return tok_.type == TokenType::kOperator && tok_.value == op;
  }

  [[nodiscard]] std::string token_text() const {
    return tok_.type == TokenType::kEnd ? std::string("(end)") : tok_.value;
  }

  void advance(const char* expected, bool infix) {
    if (expected != nullptr && id() != expected) {
      JsonataException e;
      e.info.code = tok_.type == TokenType::kEnd ? "S0203" : "S0202";
      e.info.position = tok_.position;
      e.info.token = token_text();
      e.info.value = Value::string(expected);
      e.info.has_value = true;
      throw e;
    }
    tok_ = lexer_.next(!infix);
    if (tok_.type == TokenType::kEnd) tok_.position = text_.size();
    if (tok_.type == TokenType::kOperator && !known_operator(tok_.value)) {
      throw_error("S0204", tok_.position, tok_.value);
    }
  }

  [[nodiscard]] int lbp() const {
    if (tok_.type != TokenType::kOperator || !has_led(tok_.value)) return 0;
    return binding_power(tok_.value);
  }

  NodePtr expression(int rbp) {
    if (++depth_ > kMaxParseDepth) {
      JsonataException e;
      e.info.code = "U1001";
      e.info.position = tok_.position;
      e.info.message = "Stack overflow error: the expression is nested too deeply";
      throw e;
    }
    Token t = tok_;
    advance(nullptr, true);
    NodePtr left = nud(t);
    while (rbp < lbp()) {
      t = tok_;
      advance(nullptr, false);
      left = led(t, std::move(left));
    }
    --depth_;
    return left;
  }

  static NodePtr make(NodeType type, const Token& t) {
    auto n = std::make_unique<Node>();
    n->type = type;
    n->position = t.position;
    n->value = t.value;
    return n;
  }

  NodePtr nud(const Token& t) {
    switch (t.type) {
      case TokenType::kName:
        return make(NodeType::kName, t);
      case TokenType::kVariable:
        return make(NodeType::kVariable, t);
      case TokenType::kString: {
        auto n = make(NodeType::kString, t);
        n->literal = Value::string(t.value);
        return n;
      }
      case TokenType::kNumber: {
        auto n = make(NodeType::kNumber, t);
        n->number = t.number;
        n->literal = Value::number(t.number);
        return n;
      }
      case TokenType::kValue: {
        auto n = make(NodeType::kValue, t);
        n->literal = t.literal == 0 ? Value::null() : Value::boolean(t.literal == 1);
        return n;
      }
      case TokenType::kRegex: {
        auto n = make(NodeType::kRegex, t);
        n->regex_flags = t.flags;
        core::RegexOptions options;
        options.javascript = true;
        options.caseless = t.flags.find('i') != std::string::npos;
        options.multiline = t.flags.find('m') != std::string::npos;
        std::string error;
        auto re = core::Regex::compile(t.value, options, &error);
        if (!re) {
          // The reference hands the pattern to JavaScript's RegExp, which throws a SyntaxError
          // (no JSONata code); report it as the syntax error it is.
          JsonataException e;
          e.info.code = "S0302";
          e.info.position = t.position;
          e.info.token = t.value;
          throw e;
        }
        n->regex = std::make_shared<const core::Regex>(std::move(*re));
        return n;
      }
      case TokenType::kEnd: {
        // As in the reference, the end "parses" as an operand: a parser expecting more reports
        // S0202/S0203/S0214 first, and the post-pass reports S0207 for one left in the tree.
        auto n = make(NodeType::kEnd, t);
        n->value = "(end)";
        return n;
      }
      case TokenType::kOperator:
        break;
    }
    const std::string& op = t.value;
    if (op == "and" || op == "or" || op == "in") return make(NodeType::kOperator, t);
    if (op == "-") {
      auto n = make(NodeType::kNegate, t);
      n->expression = expression(70);
      return n;
    }
    if (op == "*") return make(NodeType::kWildcard, t);
    if (op == "**") return make(NodeType::kDescendant, t);
    if (op == "%") return make(NodeType::kParent, t);
    if (op == "(") {
      auto n = make(NodeType::kBlock, t);
      while (!is(")")) {
        n->items.push_back(expression(0));
        if (!is(";")) break;
        advance(";", false);
      }
      advance(")", true);
      return n;
    }
    if (op == "[") {
      auto n = make(NodeType::kArray, t);
      if (!is("]")) {
        for (;;) {
          NodePtr item = expression(0);
          if (is("..")) {
            auto range = std::make_unique<Node>();
            range->type = NodeType::kBinary;
            range->value = "..";
            range->position = tok_.position;
            range->lhs = std::move(item);
            advance("..", false);
            range->rhs = expression(0);
            item = std::move(range);
          }
          n->items.push_back(std::move(item));
          if (!is(",")) break;
          advance(",", false);
        }
      }
      advance("]", true);
      return n;
    }
    if (op == "{") return object(t, nullptr);
    if (op == "|") {
      auto n = make(NodeType::kTransform, t);
      n->pattern = expression(0);
      advance("|", false);
      n->update = expression(0);
      if (is(",")) {
        advance(",", false);
        n->remove = expression(0);
      }
      advance("|", false);
      return n;
    }
    throw_error("S0211", t.position, op);
  }

  NodePtr object(const Token& t, NodePtr left) {
    auto n = make(NodeType::kObject, t);
    if (!is("}")) {
      for (;;) {
        NodePtr key = expression(0);
        advance(":", false);
        NodePtr value = expression(0);
        n->pairs.emplace_back(std::move(key), std::move(value));
        if (!is(",")) break;
        advance(",", false);
      }
    }
    advance("}", true);
    n->lhs = std::move(left);
    return n;
  }

  NodePtr led(const Token& t, NodePtr left) {
    const std::string& op = t.value;
    if (op == "(") {
      auto n = make(NodeType::kFunction, t);
      n->procedure = std::move(left);
      if (!is(")")) {
        for (;;) {
          if (tok_.type == TokenType::kOperator && tok_.value == "?") {
            n->type = NodeType::kPartial;
            n->items.push_back(make(NodeType::kOperator, tok_));
            advance("?", false);
          } else {
            n->items.push_back(expression(0));
          }
          if (!is(",")) break;
          advance(",", false);
        }
      }
      advance(")", true);
      const Node& proc = *n->procedure;
      if (proc.type == NodeType::kName && (proc.value == "function" || proc.value == "\xCE\xBB")) {
        for (std::size_t i = 0; i < n->items.size(); ++i) {
          const Node& arg = *n->items[i];
          if (arg.type != NodeType::kVariable) {
            JsonataException e;
            e.info.code = "S0208";
            e.info.position = arg.position;
            e.info.token = arg.value;
            e.info.value = Value::number(static_cast<double>(i + 1));
            e.info.has_value = true;
            throw e;
          }
          n->params.push_back(arg.value);
        }
        n->type = NodeType::kLambda;
        n->items.clear();
        n->procedure.reset();
        if (is("<")) {
          const std::size_t sig_pos = tok_.position;
          int depth = 1;
          std::string sig = "<";
          while (depth > 0 && !is("{") && tok_.type != TokenType::kEnd) {
            advance(nullptr, false);
            if (is(">")) {
              --depth;
            } else if (is("<")) {
              ++depth;
            }
            sig += tok_.type == TokenType::kEnd ? std::string() : tok_.value;
          }
          advance(">", false);
          try {
            n->signature = std::make_shared<const Signature>(Signature::parse(sig));
          } catch (JsonataException& e) {
            e.info.position = sig_pos + e.info.position.value_or(0);
            throw;
          }
        }
        advance("{", false);
        n->body = expression(0);
        advance("}", false);
      }
      return n;
    }
    if (op == "[") {
      if (is("]")) {
        Node* step = left.get();
        while (step != nullptr && step->type == NodeType::kBinary && step->value == "[") {
          step = step->lhs.get();
        }
        if (step != nullptr) step->keep_array = true;
        advance("]", false);
        return left;
      }
      auto n = make(NodeType::kBinary, t);
      n->lhs = std::move(left);
      n->rhs = expression(binding_power("]"));
      advance("]", true);
      return n;
    }
    if (op == "{") return object(t, std::move(left));
    if (op == "^") {
      auto n = make(NodeType::kSortRaw, t);
      advance("(", false);
      for (;;) {
        SortTerm term;
        if (is("<")) {
          advance("<", false);
        } else if (is(">")) {
          term.descending = true;
          advance(">", false);
        }
        term.expression = expression(0);
        n->terms.push_back(std::move(term));
        if (!is(",")) break;
        advance(",", false);
      }
      advance(")", false);
      n->lhs = std::move(left);
      return n;
    }
    if (op == ":=") {
      if (left->type != NodeType::kVariable) throw_error("S0212", left->position, left->value);
      auto n = make(NodeType::kBinary, t);
      n->lhs = std::move(left);
      n->rhs = expression(binding_power(":=") - 1);
      return n;
    }
    if (op == "@" || op == "#") {
      auto n = make(NodeType::kBinary, t);
      n->lhs = std::move(left);
      n->rhs = expression(binding_power(op));
      if (n->rhs->type != NodeType::kVariable) throw_error("S0214", n->rhs->position, op);
      return n;
    }
    if (op == "?") {
      auto n = make(NodeType::kCondition, t);
      n->condition = std::move(left);
      n->then = expression(0);
      if (is(":")) {
        advance(":", false);
        n->otherwise = expression(0);
      }
      return n;
    }
    auto n = make(NodeType::kBinary, t);
    n->lhs = std::move(left);
    n->rhs = expression(binding_power(op));
    return n;
  }

  std::string_view text_;
  Tokenizer lexer_;
  Token tok_;
  int depth_ = 0;
};

}  // namespace

NodePtr parse_raw(std::string_view text) { return Parser(text).parse(); }

NodePtr parse(std::string_view text) { return post_process(parse_raw(text)); }

}  // namespace scl::jsonata
