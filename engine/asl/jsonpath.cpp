#include "engine/asl/jsonpath.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <utility>

#include "engine/asl/nesting.hpp"

namespace scl::asl {

// ---- filter expression tree --------------------------------------------------------------------

struct FilterOperand {
  enum class Kind { kRelative, kRoot, kLiteral, kRegex };
  Kind kind = Kind::kLiteral;
  std::optional<JsonPath> path;  // kRelative (root '@') / kRoot
  Json literal;
  std::shared_ptr<const std::regex> regex;
};

struct FilterExpr {
  enum class Kind { kOr, kAnd, kNot, kCompare, kTest };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kMatch, kIn, kNin };
  Kind kind = Kind::kTest;
  std::vector<std::shared_ptr<const FilterExpr>> children;  // kOr/kAnd/kNot
  Op op = Op::kEq;
  FilterOperand lhs, rhs;  // kCompare; kTest uses lhs
};

// ---- parser ------------------------------------------------------------------------------------

namespace {
#if defined(__GLIBCXX__)
constexpr auto kPolynomial = std::regex_constants::__polynomial;
#else
constexpr auto kPolynomial = std::regex_constants::syntax_option_type{};
#endif
constexpr std::size_t kMaxRegexLength = 1000;  // characters of a filter's /regex/

// libstdc++'s regex compiler reads the digits of a back-reference (\N) or of a {n,m} count into a
// long without an overflow check (undefined behaviour; found by fuzz_jsonpath). No usable
// pattern of kMaxRegexLength characters has such a number with more than 6 digits.
bool has_long_regex_number(std::string_view pat) {
  bool brace = false;
  for (std::size_t i = 0; i < pat.size(); ++i) {
    const char c = pat[i];
    if (c == '\\' || c == '{' || (brace && c == ',')) {
      std::size_t j = i + 1;
      while (j < pat.size() && std::isdigit(static_cast<unsigned char>(pat[j])) != 0) ++j;
      if (j - i - 1 > 6) return true;
    }
    if (c == '\\') {
      ++i;  // an escaped character is not syntax
    } else if (c == '{') {
      brace = true;
    } else if (c == '}') {
      brace = false;
    }
  }
  return false;
}
}  // namespace

class JsonPathParser {
 public:
  explicit JsonPathParser(std::string_view text) : s_(text) {}

  JsonPath parse_top() {
    JsonPath p = parse_path_at_cursor(false);
    if (pos_ != s_.size()) fail("unexpected character '" + std::string(1, s_[pos_]) + "'");
    p.text_ = std::string(s_);
    return p;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  bool in_filter_ = false;
  int depth_ = 0;  // filter sub-expressions and list literals being parsed (they recurse)

  // Bounds the recursion of the filter grammar (nested parentheses, '!', filters inside filter
  // paths, list literals): deeper input is an error, not a stack overflow.
  struct Nest {
    explicit Nest(JsonPathParser& p) : p_(p) {
      if (++p_.depth_ > kMaxNesting) {
        p_.fail("filter expression nests deeper than " + std::to_string(kMaxNesting) + " levels");
      }
    }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    JsonPathParser& p_;
  };

  [[noreturn]] void fail(const std::string& why) const {
    throw JsonPathError("Invalid JSONPath '" + std::string(s_) + "': " + why + " at position " +
                        std::to_string(pos_));
  }
  [[nodiscard]] bool eof() const { return pos_ >= s_.size(); }
  [[nodiscard]] char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }
  void skip_ws() {
    while (!eof() && std::isspace(static_cast<unsigned char>(s_[pos_])) != 0) ++pos_;
  }
  bool consume(char c) {
    if (peek() == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    skip_ws();
    if (!consume(c)) fail(std::string("expected '") + c + "'");
  }

  // Parses `$...`, `$$...` or (inside filters) `@...` starting at the cursor.
  JsonPath parse_path_at_cursor(bool relative) {
    JsonPath p;
    const std::size_t begin = pos_;
    if (relative) {
      if (!consume('@')) fail("expected '@'");
    } else {
      if (!consume('$')) fail("a path must start with '$'");
      if (consume('$')) p.context_ = true;
    }
    while (!eof()) {
      const char c = peek();
      if (c == '.') {
        ++pos_;
        bool recursive = false;
        if (consume('.')) recursive = true;
        if (peek() == '[') {
          if (!recursive) fail("unexpected '[' after '.'");
          JsonPath::Segment seg = parse_bracket();
          seg.recursive = true;
          p.segments_.push_back(std::move(seg));
          continue;
        }
        JsonPath::Segment seg;
        seg.recursive = recursive;
        if (consume('*')) {
          seg.kind = JsonPath::Segment::Kind::kWildcard;
        } else {
          seg.kind = JsonPath::Segment::Kind::kName;
          seg.name = parse_dot_name();
        }
        p.segments_.push_back(std::move(seg));
      } else if (c == '[') {
        p.segments_.push_back(parse_bracket());
      } else {
        break;
      }
    }
    p.text_ = std::string(s_.substr(begin, pos_ - begin));
    return p;
  }

  std::string parse_dot_name() {
    const std::size_t begin = pos_;
    while (!eof()) {
      const char c = peek();
      if (c == '.' || c == '[') break;
      if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        if (in_filter_) break;
        fail("use bracket notation ['my prop'] for names with blanks");
      }
      if (in_filter_ && std::string_view("=!<>&|)],").find(c) != std::string_view::npos) break;
      ++pos_;
    }
    if (pos_ == begin) fail("empty member name");
    return std::string(s_.substr(begin, pos_ - begin));
  }

  std::string parse_quoted() {
    const char q = peek();
    ++pos_;
    std::string out;
    while (true) {
      if (eof()) fail("unterminated string");
      char c = s_[pos_++];
      if (c == q) break;
      if (c == '\\') {
        if (eof()) fail("unterminated escape");
        c = s_[pos_++];
      }
      out.push_back(c);
    }
    return out;
  }

  std::optional<std::int64_t> parse_opt_int() {
    skip_ws();
    const std::size_t begin = pos_;
    if (peek() == '-' || peek() == '+') ++pos_;
    while (std::isdigit(static_cast<unsigned char>(peek())) != 0) ++pos_;
    if (pos_ == begin) return std::nullopt;
    const std::string t(s_.substr(begin, pos_ - begin));
    if (t == "-" || t == "+") fail("expected a number");
    try {
      return std::stoll(t);
    } catch (const std::exception&) {
      fail("number out of range");
    }
  }

  JsonPath::Segment parse_bracket() {
    JsonPath::Segment seg;
    ++pos_;  // '['
    skip_ws();
    const char c = peek();
    if (c == '\'' || c == '"') {
      std::vector<std::string> names;
      names.push_back(parse_quoted());
      skip_ws();
      while (consume(',')) {
        skip_ws();
        if (peek() != '\'' && peek() != '"') fail("expected a quoted name");
        names.push_back(parse_quoted());
        skip_ws();
      }
      if (names.size() == 1) {
        seg.kind = JsonPath::Segment::Kind::kName;
        seg.name = std::move(names[0]);
      } else {
        seg.kind = JsonPath::Segment::Kind::kNames;
        seg.names = std::move(names);
      }
    } else if (c == '*') {
      ++pos_;
      seg.kind = JsonPath::Segment::Kind::kWildcard;
    } else if (c == '?') {
      ++pos_;
      expect('(');
      const bool saved = in_filter_;
      in_filter_ = true;
      seg.kind = JsonPath::Segment::Kind::kFilter;
      seg.filter = parse_or();
      in_filter_ = saved;
      expect(')');
    } else {
      auto first = parse_opt_int();
      skip_ws();
      if (peek() == ':') {
        seg.kind = JsonPath::Segment::Kind::kSlice;
        seg.start = first;
        ++pos_;
        seg.end = parse_opt_int();
        skip_ws();
        if (consume(':')) {
          auto st = parse_opt_int();
          if (st) {
            if (*st <= 0) fail("slice step must be positive");
            seg.step = *st;
          }
        }
      } else {
        if (!first) fail("expected a name, index, '*', slice or filter");
        std::vector<std::int64_t> idx{*first};
        skip_ws();
        while (consume(',')) {
          auto n = parse_opt_int();
          if (!n) fail("expected an index");
          idx.push_back(*n);
          skip_ws();
        }
        if (idx.size() == 1) {
          seg.kind = JsonPath::Segment::Kind::kIndex;
          seg.index = idx[0];
        } else {
          seg.kind = JsonPath::Segment::Kind::kIndexes;
          seg.indexes = std::move(idx);
        }
      }
    }
    expect(']');
    return seg;
  }

  // filter grammar: or := and ('||' and)* ; and := unary ('&&' unary)* ;
  // unary := '!' unary | '(' or ')' | comparison
  std::shared_ptr<const FilterExpr> parse_or() {
    auto first = parse_and();
    skip_ws();
    if (!(peek() == '|' && peek(1) == '|')) return first;
    auto node = std::make_shared<FilterExpr>();
    node->kind = FilterExpr::Kind::kOr;
    node->children.push_back(first);
    while (peek() == '|' && peek(1) == '|') {
      pos_ += 2;
      node->children.push_back(parse_and());
      skip_ws();
    }
    return node;
  }

  std::shared_ptr<const FilterExpr> parse_and() {
    auto first = parse_unary();
    skip_ws();
    if (!(peek() == '&' && peek(1) == '&')) return first;
    auto node = std::make_shared<FilterExpr>();
    node->kind = FilterExpr::Kind::kAnd;
    node->children.push_back(first);
    while (peek() == '&' && peek(1) == '&') {
      pos_ += 2;
      node->children.push_back(parse_unary());
      skip_ws();
    }
    return node;
  }

  std::shared_ptr<const FilterExpr> parse_unary() {
    const Nest nest(*this);
    skip_ws();
    if (peek() == '!' && peek(1) != '=') {
      ++pos_;
      auto node = std::make_shared<FilterExpr>();
      node->kind = FilterExpr::Kind::kNot;
      node->children.push_back(parse_unary());
      return node;
    }
    if (peek() == '(') {
      ++pos_;
      auto inner = parse_or();
      expect(')');
      return inner;
    }
    return parse_comparison();
  }

  std::shared_ptr<const FilterExpr> parse_comparison() {
    auto node = std::make_shared<FilterExpr>();
    node->lhs = parse_operand();
    skip_ws();
    std::optional<FilterExpr::Op> op;
    auto starts = [&](std::string_view w) { return s_.substr(pos_, w.size()) == w; };
    auto word = [&](std::string_view w) {
      return starts(w) && (pos_ + w.size() >= s_.size() ||
                           std::isalnum(static_cast<unsigned char>(s_[pos_ + w.size()])) == 0);
    };
    if (starts("==")) op = FilterExpr::Op::kEq, pos_ += 2;
    else if (starts("!=")) op = FilterExpr::Op::kNe, pos_ += 2;
    else if (starts("<=")) op = FilterExpr::Op::kLe, pos_ += 2;
    else if (starts(">=")) op = FilterExpr::Op::kGe, pos_ += 2;
    else if (starts("=~")) op = FilterExpr::Op::kMatch, pos_ += 2;
    else if (starts("<")) op = FilterExpr::Op::kLt, pos_ += 1;
    else if (starts(">")) op = FilterExpr::Op::kGt, pos_ += 1;
    else if (word("nin")) op = FilterExpr::Op::kNin, pos_ += 3;
    else if (word("in")) op = FilterExpr::Op::kIn, pos_ += 2;
    if (!op) {
      node->kind = FilterExpr::Kind::kTest;
      return node;
    }
    node->kind = FilterExpr::Kind::kCompare;
    node->op = *op;
    node->rhs = parse_operand();
    if (*op == FilterExpr::Op::kMatch && node->rhs.kind != FilterOperand::Kind::kRegex) {
      fail("'=~' needs a /regex/ on the right");
    }
    return node;
  }

  FilterOperand parse_operand() {
    const Nest nest(*this);
    skip_ws();
    FilterOperand o;
    const char c = peek();
    if (c == '@' || c == '$') {
      o.kind = c == '@' ? FilterOperand::Kind::kRelative : FilterOperand::Kind::kRoot;
      o.path = parse_path_at_cursor(c == '@');
      return o;
    }
    o.kind = FilterOperand::Kind::kLiteral;
    if (c == '\'' || c == '"') {
      o.literal = parse_quoted();
      return o;
    }
    if (c == '/') {
      ++pos_;
      std::string pat;
      while (true) {
        if (eof()) fail("unterminated regex");
        char ch = s_[pos_++];
        if (ch == '/') break;
        if (ch == '\\' && peek() == '/') {
          ch = '/';
          ++pos_;
        } else if (ch == '\\') {
          pat.push_back(ch);
          if (eof()) fail("unterminated regex");
          ch = s_[pos_++];
        }
        pat.push_back(ch);
      }
      auto flags = std::regex::ECMAScript;
      while (std::isalpha(static_cast<unsigned char>(peek())) != 0) {
        if (peek() == 'i') flags |= std::regex::icase;
        ++pos_;
      }
      // std::regex compiles and matches recursively: a long pattern overflows the stack when
      // compiled, and the default (backtracking) matcher recurses once per character of the
      // subject (a 30 KB string overflowed it) and can take exponential time. Patterns are
      // capped, and libstdc++'s polynomial (breadth-first, iterative) matcher is used unless
      // the pattern needs back-references; regex_match's result is the same.
      if (pat.size() > kMaxRegexLength) {
        fail("regular expression longer than " + std::to_string(kMaxRegexLength) + " characters");
      }
      if (has_long_regex_number(pat)) fail("invalid regular expression");
      try {
        try {
          o.regex = std::make_shared<const std::regex>(pat, flags | kPolynomial);
        } catch (const std::regex_error&) {
          o.regex = std::make_shared<const std::regex>(pat, flags);  // back-references
        }
      } catch (const std::regex_error&) {
        fail("invalid regular expression");
      }
      o.kind = FilterOperand::Kind::kRegex;
      return o;
    }
    if (c == '[') {
      ++pos_;
      Json arr = Json::array();
      skip_ws();
      if (!consume(']')) {
        while (true) {
          FilterOperand item = parse_operand();
          if (item.kind != FilterOperand::Kind::kLiteral) fail("list items must be literals");
          arr.push_back(std::move(item.literal));
          skip_ws();
          if (consume(']')) break;
          if (!consume(',')) fail("expected ',' or ']'");
        }
      }
      o.literal = std::move(arr);
      return o;
    }
    auto word = [&](std::string_view w) { return s_.substr(pos_, w.size()) == w; };
    if (word("true")) {
      pos_ += 4;
      o.literal = true;
      return o;
    }
    if (word("false")) {
      pos_ += 5;
      o.literal = false;
      return o;
    }
    if (word("null")) {
      pos_ += 4;
      o.literal = nullptr;
      return o;
    }
    const std::size_t begin = pos_;
    if (peek() == '-' || peek() == '+') ++pos_;
    bool is_float = false;
    while (!eof()) {
      const char d = peek();
      if (std::isdigit(static_cast<unsigned char>(d)) != 0) {
        ++pos_;
      } else if (d == '.' || d == 'e' || d == 'E' ||
                 ((d == '-' || d == '+') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E'))) {
        is_float = true;
        ++pos_;
      } else {
        break;
      }
    }
    const std::string num(s_.substr(begin, pos_ - begin));
    if (num.empty() || num == "-" || num == "+") fail("expected an operand");
    try {
      if (is_float) {
        o.literal = std::stod(num);
      } else {
        o.literal = std::stoll(num);
      }
    } catch (const std::exception&) {
      fail("invalid number");
    }
    return o;
  }
};

JsonPath JsonPath::parse(std::string_view text) {
  JsonPathParser p(text);
  return p.parse_top();
}

std::optional<JsonPath> JsonPath::try_parse(std::string_view text, std::string* error) {
  try {
    return parse(text);
  } catch (const JsonPathError& e) {
    if (error != nullptr) *error = e.what();
    return std::nullopt;
  }
}

bool JsonPath::is_definite() const {
  return std::all_of(segments_.begin(), segments_.end(), [](const Segment& s) {
    return !s.recursive && (s.kind == Segment::Kind::kName || s.kind == Segment::Kind::kIndex);
  });
}

// ---- evaluation --------------------------------------------------------------------------------

namespace {

std::optional<std::size_t> resolve_index(std::int64_t i, std::size_t size) {
  const auto n = static_cast<std::int64_t>(size);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return std::nullopt;
  return static_cast<std::size_t>(i);
}

void collect_descendants(const Json* node, std::vector<const Json*>& out) {
  out.push_back(node);
  if (node->is_object() || node->is_array()) {
    for (const auto& child : *node) collect_descendants(&child, out);
  }
}

bool eval_filter(const FilterExpr& f, const Json& item, const Json& root);

void apply_selector(const JsonPath::Segment& seg, const Json* node, const Json& root,
                    std::vector<const Json*>& out) {
  using K = JsonPath::Segment::Kind;
  switch (seg.kind) {
    case K::kName:
      if (node->is_object()) {
        auto it = node->find(seg.name);
        if (it != node->end()) out.push_back(&*it);
      }
      break;
    case K::kNames:
      if (node->is_object()) {
        for (const auto& n : seg.names) {
          auto it = node->find(n);
          if (it != node->end()) out.push_back(&*it);
        }
      }
      break;
    case K::kIndex:
      if (node->is_array()) {
        if (auto i = resolve_index(seg.index, node->size())) out.push_back(&(*node)[*i]);
      }
      break;
    case K::kIndexes:
      if (node->is_array()) {
        for (auto idx : seg.indexes) {
          if (auto i = resolve_index(idx, node->size())) out.push_back(&(*node)[*i]);
        }
      }
      break;
    case K::kWildcard:
      if (node->is_object() || node->is_array()) {
        for (const auto& child : *node) out.push_back(&child);
      }
      break;
    case K::kSlice:
      if (node->is_array()) {
        const auto n = static_cast<std::int64_t>(node->size());
        std::int64_t b = seg.start.value_or(0);
        std::int64_t e = seg.end.value_or(n);
        if (b < 0) b = std::max<std::int64_t>(0, b + n);
        if (e < 0) e = std::max<std::int64_t>(0, e + n);
        b = std::min(b, n);
        e = std::min(e, n);
        for (std::int64_t i = b; i < e; i += seg.step) {
          out.push_back(&(*node)[static_cast<std::size_t>(i)]);
        }
      }
      break;
    case K::kFilter:
      if (node->is_array()) {
        for (const auto& child : *node) {
          if (eval_filter(*seg.filter, child, root)) out.push_back(&child);
        }
      } else if (node->is_object()) {
        if (eval_filter(*seg.filter, *node, root)) out.push_back(node);
      }
      break;
  }
}

std::vector<const Json*> run_segments(const std::vector<JsonPath::Segment>& segs, const Json& start,
                                      const Json& root) {
  std::vector<const Json*> cur{&start};
  for (const auto& seg : segs) {
    std::vector<const Json*> next;
    for (const Json* node : cur) {
      if (seg.recursive) {
        std::vector<const Json*> all;
        collect_descendants(node, all);
        for (const Json* d : all) apply_selector(seg, d, root, next);
      } else {
        apply_selector(seg, node, root, next);
      }
    }
    cur = std::move(next);
  }
  return cur;
}

// Value of an operand for one item: nullopt = "undefined" (path did not match).
std::optional<Json> operand_value(const FilterOperand& o, const Json& item, const Json& root) {
  switch (o.kind) {
    case FilterOperand::Kind::kLiteral:
      return o.literal;
    case FilterOperand::Kind::kRegex:
      return std::nullopt;
    case FilterOperand::Kind::kRelative:
    case FilterOperand::Kind::kRoot: {
      const Json& base = o.kind == FilterOperand::Kind::kRelative ? item : root;
      auto hits = run_segments(o.path->segments(), base, root);
      if (o.path->is_definite()) {
        if (hits.empty()) return std::nullopt;
        return *hits.front();
      }
      Json arr = Json::array();
      for (const Json* h : hits) arr.push_back(*h);
      return arr;
    }
  }
  return std::nullopt;
}

bool json_equal(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  return a == b;
}

std::optional<int> json_order(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool eval_filter(const FilterExpr& f, const Json& item, const Json& root) {
  using K = FilterExpr::Kind;
  using Op = FilterExpr::Op;
  switch (f.kind) {
    case K::kOr:
      return std::any_of(f.children.begin(), f.children.end(),
                         [&](const auto& c) { return eval_filter(*c, item, root); });
    case K::kAnd:
      return std::all_of(f.children.begin(), f.children.end(),
                         [&](const auto& c) { return eval_filter(*c, item, root); });
    case K::kNot:
      return !eval_filter(*f.children.front(), item, root);
    case K::kTest: {
      auto v = operand_value(f.lhs, item, root);
      if (f.lhs.kind == FilterOperand::Kind::kLiteral) return v && v->is_boolean() && v->get<bool>();
      if (!v) return false;
      if (!f.lhs.path->is_definite()) return !v->empty();
      return true;
    }
    case K::kCompare: {
      auto l = operand_value(f.lhs, item, root);
      if (f.op == Op::kMatch) {
        if (!l || !l->is_string()) return false;
        return std::regex_match(l->get_ref<const std::string&>(), *f.rhs.regex);
      }
      auto r = operand_value(f.rhs, item, root);
      switch (f.op) {
        case Op::kEq:
          return l && r && json_equal(*l, *r);
        case Op::kNe:
          return !(l && r && json_equal(*l, *r));
        case Op::kLt:
        case Op::kLe:
        case Op::kGt:
        case Op::kGe: {
          if (!l || !r) return false;
          auto c = json_order(*l, *r);
          if (!c) return false;
          if (f.op == Op::kLt) return *c < 0;
          if (f.op == Op::kLe) return *c <= 0;
          if (f.op == Op::kGt) return *c > 0;
          return *c >= 0;
        }
        case Op::kIn:
        case Op::kNin: {
          bool found = false;
          if (l && r && r->is_array()) {
            found = std::any_of(r->begin(), r->end(),
                                [&](const Json& e) { return json_equal(*l, e); });
          }
          return f.op == Op::kIn ? found : !found;
        }
        case Op::kMatch:
          break;
      }
      return false;
    }
  }
  return false;
}

}  // namespace

std::vector<const Json*> JsonPath::select(const Json& root) const {
  return run_segments(segments_, root, root);
}

std::optional<Json> JsonPath::find(const Json& root) const {
  auto hits = select(root);
  if (is_definite()) {
    if (hits.empty()) return std::nullopt;
    return *hits.front();
  }
  Json arr = Json::array();
  for (const Json* h : hits) arr.push_back(*h);
  return arr;
}

bool JsonPath::assign(Json& root, Json value) const {
  if (!is_definite()) return false;
  Json* node = &root;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const Segment& seg = segments_[i];
    const bool last = i + 1 == segments_.size();
    if (seg.kind == Segment::Kind::kName) {
      if (!node->is_object()) return false;
      if (last) {
        (*node)[seg.name] = std::move(value);
        return true;
      }
      auto it = node->find(seg.name);
      if (it == node->end()) {
        (*node)[seg.name] = Json::object();
        node = &(*node)[seg.name];
      } else {
        node = &*it;
      }
    } else {
      if (!node->is_array()) return false;
      auto idx = resolve_index(seg.index, node->size());
      if (!idx) return false;
      if (last) {
        (*node)[*idx] = std::move(value);
        return true;
      }
      node = &(*node)[*idx];
    }
  }
  root = std::move(value);
  return true;
}

}  // namespace scl::asl
