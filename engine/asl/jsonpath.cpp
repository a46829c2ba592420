#include "engine/asl/jsonpath.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "engine/asl/nesting.hpp"
#include "engine/core/regex.hpp"

namespace scl::asl {

// ---- filter expression tree --------------------------------------------------------------------

struct FilterOperand {
  enum class Kind { kRelative, kRoot, kLiteral, kRegex };
  Kind kind = Kind::kLiteral;
  std::optional<JsonPath> path;  // kRelative (root '@') / kRoot
  Json literal;
  std::shared_ptr<const core::Regex> regex;  // kRegex
  std::string regex_text;                    // kRegex: /pattern/flags as written
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
constexpr std::size_t kMaxRegexLength = 1000;  // characters of a filter's /regex/
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

  // A quoted string. Filter literals ('str', "str") unescape: a backslash takes the next
  // character literally. Bracket names (['name']) keep the backslash, as Jayway JsonPath (which
  // AWS runs) does: "$['Test\\\"\"Name\"']" selects the key Test\""Name" (aws-fidelity-jsonpath.md
  // P3); the backslash only stops the next character from closing the name.
  std::string parse_quoted(bool keep_backslash = false) {
    const char q = peek();
    ++pos_;
    std::string out;
    while (true) {
      if (eof()) fail("unterminated string");
      char c = s_[pos_++];
      if (c == q) break;
      if (c == '\\') {
        if (eof()) fail("unterminated escape");
        if (keep_backslash) out.push_back(c);
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
      names.push_back(parse_quoted(true));
      skip_ws();
      while (consume(',')) {
        skip_ws();
        if (peek() != '\'' && peek() != '"') fail("expected a quoted name");
        names.push_back(parse_quoted(true));
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
      // Flags as Java's Pattern reads them in Jayway (i, m, s, x; others are ignored). Matching
      // is Matcher.matches(): the whole string (Jayway's RegexpEvaluator).
      core::RegexOptions options;
      const std::size_t flags_begin = pos_;
      while (std::isalpha(static_cast<unsigned char>(peek())) != 0) {
        const char fl = peek();
        if (fl == 'i') options.caseless = true;
        if (fl == 'm') options.multiline = true;
        if (fl == 's') options.dotall = true;
        if (fl == 'x') options.extended = true;
        ++pos_;
      }
      if (pat.size() > kMaxRegexLength) {
        fail("regular expression longer than " + std::to_string(kMaxRegexLength) + " characters");
      }
      std::string why;
      auto compiled = core::Regex::compile(pat, options, &why);
      if (!compiled) fail("invalid regular expression (" + why + ")");
      o.regex = std::make_shared<const core::Regex>(std::move(*compiled));
      o.regex_text = "/" + pat + "/" + std::string(s_.substr(flags_begin, pos_ - flags_begin));
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

// One evaluation of a (top-level) path: the budget it draws from and the first failure. Every
// node visited and every match kept costs a unit, so chained recursive descent ($..*..*..*),
// which grows as depth^k, stops when the budget does instead of taking seconds and gigabytes.
struct Eval {
  EvalBudget& budget;
  std::string what;  // "the JSONPath '<text>'" for failure causes
  std::optional<Failure> failure;

  bool spend(std::uint64_t units) {
    if (failure) return false;
    if (budget.spend(units)) return true;
    failure = budget.exhausted_failure(what);
    return false;
  }
  [[nodiscard]] bool failed() const { return failure.has_value(); }
};

bool collect_descendants(const Json* node, std::vector<const Json*>& out, Eval& ev) {
  if (!ev.spend(1)) return false;
  out.push_back(node);
  if (node->is_object() || node->is_array()) {
    for (const auto& child : *node) {
      if (!collect_descendants(&child, out, ev)) return false;
    }
  }
  return true;
}

bool eval_filter(const FilterExpr& f, const Json& item, const Json& root, Eval& ev);

bool keep(const Json* node, std::vector<const Json*>& out, Eval& ev) {
  if (!ev.spend(1)) return false;
  out.push_back(node);
  return true;
}

// Applies one selector to `node`; false when the evaluation failed.
bool apply_selector(const JsonPath::Segment& seg, const Json* node, const Json& root,
                    std::vector<const Json*>& out, Eval& ev) {
  using K = JsonPath::Segment::Kind;
  if (!ev.spend(1)) return false;
  switch (seg.kind) {
    case K::kName:
      if (node->is_object()) {
        auto it = node->find(seg.name);
        if (it != node->end()) return keep(&*it, out, ev);
      }
      break;
    case K::kNames:
      if (node->is_object()) {
        for (const auto& n : seg.names) {
          auto it = node->find(n);
          if (it != node->end() && !keep(&*it, out, ev)) return false;
        }
      }
      break;
    case K::kIndex:
      if (node->is_array()) {
        if (auto i = resolve_index(seg.index, node->size())) return keep(&(*node)[*i], out, ev);
      }
      break;
    case K::kIndexes:
      if (node->is_array()) {
        for (auto idx : seg.indexes) {
          if (auto i = resolve_index(idx, node->size())) {
            if (!keep(&(*node)[*i], out, ev)) return false;
          }
        }
      }
      break;
    case K::kWildcard:
      if (node->is_object() || node->is_array()) {
        for (const auto& child : *node) {
          if (!keep(&child, out, ev)) return false;
        }
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
          if (!keep(&(*node)[static_cast<std::size_t>(i)], out, ev)) return false;
        }
      }
      break;
    case K::kFilter:
      if (node->is_array()) {
        for (const auto& child : *node) {
          const bool hit = eval_filter(*seg.filter, child, root, ev);
          if (ev.failed()) return false;
          if (hit && !keep(&child, out, ev)) return false;
        }
      } else if (node->is_object()) {
        const bool hit = eval_filter(*seg.filter, *node, root, ev);
        if (ev.failed()) return false;
        if (hit) return keep(node, out, ev);
      }
      break;
  }
  return !ev.failed();
}

// All matches of `segs` from `start`, in document order; empty (and ev.failure set) on failure.
// `max_hits`: more matches than this cannot fit the value limit (each element of the result
// array takes at least two bytes), so the last segment stops there at once.
std::vector<const Json*> run_segments(const std::vector<JsonPath::Segment>& segs, const Json& start,
                                      const Json& root, Eval& ev,
                                      std::size_t max_hits = static_cast<std::size_t>(-1)) {
  std::vector<const Json*> cur{&start};
  for (std::size_t s = 0; s < segs.size(); ++s) {
    const auto& seg = segs[s];
    const bool last = s + 1 == segs.size();
    std::vector<const Json*> next;
    for (const Json* node : cur) {
      if (seg.recursive) {
        std::vector<const Json*> all;
        if (!collect_descendants(node, all, ev)) return {};
        for (const Json* d : all) {
          if (!apply_selector(seg, d, root, next, ev)) return {};
          if (last && next.size() > max_hits) break;
        }
      } else if (!apply_selector(seg, node, root, next, ev)) {
        return {};
      }
      if (last && next.size() > max_hits) {
        ev.failure = ev.budget.too_large_failure(ev.what);
        return {};
      }
    }
    cur = std::move(next);
  }
  return cur;
}

std::size_t max_hits_for(const JsonPath& p, const EvalBudget& budget) {
  if (p.is_definite()) return static_cast<std::size_t>(-1);
  return budget.limits().max_value_bytes / 2;
}

// The value of a path for its caller: a definite path's one match (or nothing), an indefinite
// path's array of matches, which must fit the value limit. Sizes are measured before anything is
// copied, so an oversized result costs at most max_value_bytes of work.
std::optional<Json> materialize(const JsonPath& path, const std::vector<const Json*>& hits,
                                Eval& ev) {
  std::size_t size = 2 + (hits.empty() ? 0 : hits.size() - 1);
  const std::size_t limit = ev.budget.limits().max_value_bytes;
  if (path.is_definite()) {
    if (hits.empty()) return std::nullopt;
    size = 0;
  }
  const std::uint64_t before = ev.budget.used();
  for (const Json* h : hits) {
    if (!add_value_size(*h, limit, size, ev.budget)) {
      ev.failure = ev.budget.exhausted() ? ev.budget.exhausted_failure(ev.what)
                                         : ev.budget.too_large_failure(ev.what);
      return std::nullopt;
    }
  }
  // Copying a node (an allocation for every array and object) costs several times visiting it:
  // measured ~4x, so the copy is charged three more units per unit of the size walk.
  if (!ev.spend(3 * (ev.budget.used() - before))) return std::nullopt;
  if (path.is_definite()) return *hits.front();
  Json arr = Json::array();
  for (const Json* h : hits) arr.push_back(*h);
  return arr;
}

// An operand's value for one item. Definite paths point into the data (no copy); indefinite paths
// and literals are held. `defined` is false when a path matched nothing ("undefined").
struct OperandValue {
  bool defined = false;
  const Json* ref = nullptr;
  Json held;
  [[nodiscard]] const Json& get() const { return ref != nullptr ? *ref : held; }
};

OperandValue operand_value(const FilterOperand& o, const Json& item, const Json& root, Eval& ev) {
  OperandValue v;
  switch (o.kind) {
    case FilterOperand::Kind::kLiteral:
      v.defined = true;
      v.ref = &o.literal;
      return v;
    case FilterOperand::Kind::kRegex:
      return v;
    case FilterOperand::Kind::kRelative:
    case FilterOperand::Kind::kRoot: {
      const Json& base = o.kind == FilterOperand::Kind::kRelative ? item : root;
      auto hits =
          run_segments(o.path->segments(), base, root, ev, max_hits_for(*o.path, ev.budget));
      if (ev.failed()) return v;
      if (o.path->is_definite()) {
        if (hits.empty()) return v;
        v.defined = true;
        v.ref = hits.front();
        return v;
      }
      auto m = materialize(*o.path, hits, ev);
      if (!m) return v;
      v.defined = true;
      v.held = std::move(*m);
      return v;
    }
  }
  return v;
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

// Comparing values costs their size (strings and nested values compare element by element).
bool charge_compare(const Json& a, const Json& b, Eval& ev) {
  if (a.is_string() && b.is_string()) {
    const std::size_t n = std::min(a.get_ref<const std::string&>().size(),
                                   b.get_ref<const std::string&>().size());
    return ev.spend(1 + n / ev.budget.limits().bytes_per_unit);
  }
  if (a.is_structured() && b.is_structured()) {
    std::size_t size = 0;
    const std::size_t limit = ev.budget.limits().max_value_bytes;
    if (!add_value_size(a.size() <= b.size() ? a : b, limit, size, ev.budget) &&
        ev.budget.exhausted()) {
      ev.failure = ev.budget.exhausted_failure(ev.what);
      return false;
    }
    return true;
  }
  return ev.spend(1);
}

bool eval_filter(const FilterExpr& f, const Json& item, const Json& root, Eval& ev) {
  using K = FilterExpr::Kind;
  using Op = FilterExpr::Op;
  if (!ev.spend(1)) return false;
  switch (f.kind) {
    case K::kOr:
      for (const auto& c : f.children) {
        if (eval_filter(*c, item, root, ev)) return true;
        if (ev.failed()) return false;
      }
      return false;
    case K::kAnd:
      for (const auto& c : f.children) {
        if (!eval_filter(*c, item, root, ev)) return false;
      }
      return true;
    case K::kNot: {
      const bool r = eval_filter(*f.children.front(), item, root, ev);
      return !ev.failed() && !r;
    }
    case K::kTest: {
      auto v = operand_value(f.lhs, item, root, ev);
      if (ev.failed()) return false;
      if (f.lhs.kind == FilterOperand::Kind::kLiteral) {
        return v.defined && v.get().is_boolean() && v.get().get<bool>();
      }
      if (!v.defined) return false;
      if (!f.lhs.path->is_definite()) return !v.get().empty();
      return true;
    }
    case K::kCompare: {
      auto l = operand_value(f.lhs, item, root, ev);
      if (ev.failed()) return false;
      if (f.op == Op::kMatch) {
        if (!l.defined || !l.get().is_string()) return false;
        auto m = budgeted_full_match(*f.rhs.regex, l.get().get_ref<const std::string&>(),
                                     ev.budget, ev.what + " (filter " + f.rhs.regex_text + ")");
        if (!m) {
          ev.failure = m.failure();
          return false;
        }
        return m.value();
      }
      auto r = operand_value(f.rhs, item, root, ev);
      if (ev.failed()) return false;
      const bool both = l.defined && r.defined;
      if (both && !charge_compare(l.get(), r.get(), ev)) return false;
      switch (f.op) {
        case Op::kEq:
          return both && json_equal(l.get(), r.get());
        case Op::kNe:
          return !(both && json_equal(l.get(), r.get()));
        case Op::kLt:
        case Op::kLe:
        case Op::kGt:
        case Op::kGe: {
          if (!both) return false;
          auto c = json_order(l.get(), r.get());
          if (!c) return false;
          if (f.op == Op::kLt) return *c < 0;
          if (f.op == Op::kLe) return *c <= 0;
          if (f.op == Op::kGt) return *c > 0;
          return *c >= 0;
        }
        case Op::kIn:
        case Op::kNin: {
          bool found = false;
          if (both && r.get().is_array()) {
            for (const Json& e : r.get()) {
              if (!charge_compare(l.get(), e, ev)) return false;
              if (json_equal(l.get(), e)) {
                found = true;
                break;
              }
            }
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

// Bracket form of a name or index, as Jayway prints paths in its messages: ['name'], [0].
std::string bracket(const JsonPath::Segment& seg) {
  if (seg.kind == JsonPath::Segment::Kind::kName) return "['" + seg.name + "']";
  return "[" + std::to_string(seg.index) + "]";
}

}  // namespace

Outcome<std::optional<Json>> JsonPath::evaluate(const Json& root, EvalBudget& budget) const {
  Eval ev{budget, "the JSONPath '" + text_ + "'", std::nullopt};
  auto hits = run_segments(segments_, root, root, ev, max_hits_for(*this, budget));
  if (ev.failure) return *ev.failure;
  auto v = materialize(*this, hits, ev);
  if (ev.failure) return *ev.failure;
  return v;
}

std::vector<const Json*> JsonPath::select(const Json& root) const {
  EvalBudget budget;
  Eval ev{budget, "the JSONPath '" + text_ + "'", std::nullopt};
  return run_segments(segments_, root, root, ev);
}

std::optional<Json> JsonPath::find(const Json& root) const {
  EvalBudget budget;
  auto r = evaluate(root, budget);
  if (!r) return std::nullopt;
  return std::move(r).value();
}

std::string JsonPath::no_results_message(const Json& root) const {
  std::string all = "$";
  for (const auto& seg : segments_) all += bracket(seg);
  if (!is_definite()) return "No results for path: " + all;
  const Json* node = &root;
  std::string prefix = "$";
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const Segment& seg = segments_[i];
    prefix += bracket(seg);
    const bool last = i + 1 == segments_.size();
    if (seg.kind == Segment::Kind::kName) {
      auto it = node->is_object() ? node->find(seg.name) : node->end();
      if (!node->is_object() || it == node->end()) {
        return last ? "No results for path: " + all : "Missing property in path " + prefix;
      }
      node = &*it;
    } else {
      auto idx = node->is_array() ? resolve_index(seg.index, node->size()) : std::nullopt;
      if (!idx) return "No results for path: " + all;
      node = &(*node)[*idx];
    }
  }
  return "No results for path: " + all;
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
