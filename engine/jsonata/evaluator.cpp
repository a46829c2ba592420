#include "engine/jsonata/evaluator.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <utility>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/format.hpp"

namespace scl::jsonata {

// ---------------------------------------------------------------------------------------------
// Value helpers shared with the built-ins.

Value sequence_of(const Value& v) {
  auto seq = make_sequence();
  seq->items.push_back(v);
  return Value::array(std::move(seq));
}

Value append_values(const Value& a, const Value& b) {
  if (a.is_undefined()) return b;
  if (b.is_undefined()) return a;
  auto out = std::make_shared<Array>();
  auto add = [&](const Value& v) {
    if (v.is_array()) {
      const std::size_t n = v.array_size();
      for (std::size_t i = 0; i < n; ++i) out->items.push_back(v.at(i));
    } else {
      out->items.push_back(v);
    }
  };
  add(a);
  add(b);
  return Value::array(std::move(out));
}

bool is_numeric(const Value& v) {
  if (!v.is_number()) return false;
  const double d = v.as_number();
  if (std::isnan(d)) return false;
  if (std::isinf(d)) throw_error_value("D1001", v);
  return true;
}

bool is_array_of_strings(const Value& v) {
  if (!v.is_array()) return false;
  for (std::size_t i = 0; i < v.array_size(); ++i) {
    if (!v.at(i).is_string()) return false;
  }
  return true;
}

bool is_array_of_numbers(const Value& v) {
  if (!v.is_array()) return false;
  for (std::size_t i = 0; i < v.array_size(); ++i) {
    if (!v.at(i).is_number()) return false;
  }
  return true;
}

std::string to_jsonata_string(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_function()) return "";
  if (v.is_number() && !std::isfinite(v.as_number())) throw_error_value("D3001", v);
  if (v.is_outer_wrapper() && v.array_size() > 0) return stringify(v.at(0), false);
  return stringify(v, false);
}

namespace {

struct DepthGuard {
  std::size_t& depth;
  explicit DepthGuard(std::size_t& d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
};

Value lookup_name(const Value& input, std::string_view key) {
  if (input.is_array()) {
    auto seq = make_sequence();
    const std::size_t n = input.array_size();
    for (std::size_t i = 0; i < n; ++i) {
      Value res = lookup_name(input.at(i), key);
      if (res.is_undefined()) continue;
      if (res.is_array()) {
        const std::size_t m = res.array_size();
        for (std::size_t k = 0; k < m; ++k) seq->items.push_back(res.at(k));
      } else {
        seq->items.push_back(std::move(res));
      }
    }
    return Value::array(std::move(seq));
  }
  if (input.is_object()) return input.get(key);
  return {};
}

void flatten_into(const Value& v, std::vector<Value>& out) {
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.array_size(); ++i) flatten_into(v.at(i), out);
  } else {
    out.push_back(v);
  }
}

Value eval_wildcard(const Value& in) {
  Value input = in;
  if (input.is_outer_wrapper() && input.array_size() > 0) input = input.at(0);
  auto results = make_sequence();
  auto take = [&](const Value& value) {
    if (value.is_array()) {
      flatten_into(value, results->items);
      results->sequence = false;  // fn.append's concat makes a plain array
    } else {
      results->items.push_back(value);
    }
  };
  if (input.is_object()) {
    input.for_each_member([&](const std::string&, const Value& value) { take(value); });
  } else if (input.is_array()) {
    for (std::size_t i = 0; i < input.array_size(); ++i) take(input.at(i));
  }
  return Value::array(std::move(results));
}

void recurse_descendants(const Value& input, std::vector<Value>& out) {
  if (!input.is_array()) out.push_back(input);
  if (input.is_array()) {
    for (std::size_t i = 0; i < input.array_size(); ++i) recurse_descendants(input.at(i), out);
  } else if (input.is_object()) {
    input.for_each_member([&](const std::string&, const Value& v) { recurse_descendants(v, out); });
  }
}

Value make_tuple(const Value& focus) {
  auto o = std::make_shared<Object>();
  o->members.emplace_back("@", focus);
  return Value::object(std::move(o));
}

Value copy_tuple(const Value& t) {
  auto o = std::make_shared<Object>(*t.object_data());
  return Value::object(std::move(o));
}

bool js_truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
      return false;
    case Kind::kBool:
      return v.as_bool();
    case Kind::kNumber:
      return v.as_number() != 0 && !std::isnan(v.as_number());
    case Kind::kString:
      return !v.as_string().empty();
    default:
      return true;
  }
}

// The position a predicate number selects: floored, negative counts from the end.
std::optional<std::size_t> array_index(double d, std::size_t n) {
  if (std::isnan(d)) return std::nullopt;
  double index = std::floor(d);
  if (index < 0) index += static_cast<double>(n);
  if (index < 0 || index >= static_cast<double>(n)) return std::nullopt;
  return static_cast<std::size_t>(index);
}

[[noreturn]] void limit_error(const char* code, const char* message) {
  JsonataException e;
  e.info.code = code;
  e.info.message = message;
  throw e;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Evaluator::Evaluator(const Limits& limits, const Environment& environment,
                     const FunctionSet* extensions)
    : limits_(limits), environment_(environment), extensions_(extensions) {
  // Sanitizer builds have much larger frames (scripts/sanitize.sh raises the stack to 64 MiB):
  // the stack bound stands for a nesting depth, so it scales with them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  limits_.max_stack_bytes *= 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  limits_.max_stack_bytes *= 8;
#endif
#endif
}

Evaluator::~Evaluator() {
  for (const FramePtr& frame : captured_) {
    frame->vars.clear();
    frame->parent.reset();
  }
}

void Evaluator::charge_steps(std::uint64_t n) {
  steps_ += n;
  if (steps_ > limits_.max_steps) {
    JsonataException e;
    e.info.code = "U1001";
    e.info.message = "Expression evaluation timeout: Check for infinite loop";
    throw e;
  }
}

void Evaluator::charge_memory(std::uint64_t bytes) {
  memory_ += bytes;
  if (memory_ > limits_.max_memory) limit_error("U1002", "Memory limit exceeded");
}

void Evaluator::check_allocation(std::uint64_t bytes) {
  if (bytes > limits_.max_memory || memory_ + bytes > limits_.max_memory) {
    limit_error("U1002", "Memory limit exceeded");
  }
  memory_ += bytes;
}

std::int64_t Evaluator::now_ms() {
  if (!now_) {
    if (environment_.clock_ms) {
      now_ = environment_.clock_ms();
    } else {
      now_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    }
  }
  return *now_;
}

double Evaluator::random() {
  if (environment_.random) return environment_.random();
  if (!rng_seeded_) {
    std::random_device rd;
    rng_state_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    rng_seeded_ = true;
  }
  // splitmix64
  rng_state_ += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = rng_state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

std::string Evaluator::uuid() {
  if (environment_.uuid) return environment_.uuid();
  unsigned char b[16];
  for (int i = 0; i < 16; i += 4) {
    const double x = random();
    const auto r = static_cast<std::uint32_t>(x >= 0 && x < 1 ? x * 4294967296.0 : 0);
    for (int k = 0; k < 4; ++k) b[i + k] = static_cast<unsigned char>((r >> (8 * k)) & 0xFF);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

Value Evaluator::lookup(std::string_view name, const FramePtr& env) const {
  if (const Value* v = env->lookup(name)) return *v;
  if (bindings_ != nullptr) {
    for (const auto& [n, json] : *bindings_) {
      if (n == name) return json != nullptr ? Value::from_json(*json) : Value();
    }
  }
  if (name == "$") return root_input_;
  if (extensions_ != nullptr) {
    for (const auto& def : extensions_->defs()) {
      if (def->name == name) {
        auto f = std::make_shared<Function>();
        f->type = Function::Type::kNative;
        f->native = def.get();
        f->native_owner = def;
        return Value::function(std::move(f));
      }
    }
  }
  if (const Value* v = builtin_value(name)) return *v;
  return {};
}

FramePtr Evaluator::frame_from_tuple(const FramePtr& env, const Value& tuple) {
  auto frame = std::make_shared<Frame>();
  frame->parent = env;
  tuple.for_each_member([&](const std::string& k, const Value& v) { frame->vars.emplace_back(k, v); });
  return frame;
}

// ---------------------------------------------------------------------------------------------

Value Evaluator::eval(const Node& expr, const Value& input, const FramePtr& env) {
  DepthGuard guard(depth_);
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (stack_base_ == 0) stack_base_ = sp;
  if (depth_ > limits_.max_depth || (stack_base_ > sp && stack_base_ - sp > limits_.max_stack_bytes)) {
    JsonataException e;
    e.info.code = "U1001";
    e.info.message =
        "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting "
        "as tail-recursive.";
    throw e;
  }
  charge_steps(1);
  switch (expr.type) {
    case NodeType::kPath: case NodeType::kBinary: case NodeType::kNegate: case NodeType::kArray:
    case NodeType::kObject: case NodeType::kCondition: case NodeType::kBlock: case NodeType::kBind:
    case NodeType::kFunction: case NodeType::kPartial: case NodeType::kApply:
      tick();  // the reference awaits these asynchronous helpers
      break;
    default:
      break;
  }
  Value result;
  switch (expr.type) {
    case NodeType::kPath:
      result = eval_path(expr, input, env);
      break;
    case NodeType::kBinary:
      result = eval_binary(expr, input, env);
      break;
    case NodeType::kNegate: {
      tick();
      result = eval(*expr.expression, input, env);
      if (result.is_undefined()) break;
      if (!is_numeric(result)) {
        JsonataException e;
        e.info.code = "D1002";
        e.info.position = expr.position;
        e.info.token = "-";
        e.info.value = result;
        e.info.has_value = true;
        throw e;
      }
      result = Value::number(-result.as_number());
      break;
    }
    case NodeType::kArray:
      result = eval_array(expr, input, env);
      break;
    case NodeType::kObject:
      result = eval_group(expr.pairs, expr.position, input, env);
      break;
    case NodeType::kName:
      result = lookup_name(input, expr.value);
      break;
    case NodeType::kString:
    case NodeType::kNumber:
    case NodeType::kValue:
      result = expr.literal;
      break;
    case NodeType::kWildcard:
      result = eval_wildcard(input);
      break;
    case NodeType::kDescendant: {
      if (input.is_undefined()) break;
      auto seq = make_sequence();
      recurse_descendants(input, seq->items);
      charge_steps(seq->items.size());
      if (seq->items.size() == 1) {
        result = seq->items[0];
      } else {
        result = Value::array(std::move(seq));
      }
      break;
    }
    case NodeType::kParent:
      if (const Value* v = env->lookup(expr.slot->label)) result = *v;
      break;
    case NodeType::kCondition: {
      tick();
      Value cond = eval(*expr.condition, input, env);
      if (cond.is_number() && std::isinf(cond.as_number())) throw_error_value("D1001", cond);
      if (to_boolean(cond)) {
        tick();
        result = eval(*expr.then, input, env);
      } else if (expr.otherwise) {
        tick();
        result = eval(*expr.otherwise, input, env);
      }
      break;
    }
    case NodeType::kBlock: {
      auto frame = std::make_shared<Frame>();
      frame->parent = env;
      for (const auto& e : expr.items) {
        tick();
        result = eval(*e, input, frame);
      }
      break;
    }
    case NodeType::kBind: {
      tick();
      result = eval(*expr.rhs, input, env);
      env->bind(expr.lhs->value, result);
      break;
    }
    case NodeType::kRegex: {
      auto f = std::make_shared<Function>();
      f->type = Function::Type::kRegex;
      f->regex = expr.regex;
      f->node = &expr;
      result = Value::function(std::move(f));
      break;
    }
    case NodeType::kFunction:
      result = eval_function(expr, input, env, nullptr);
      break;
    case NodeType::kVariable:
      if (expr.value.empty()) {
        result = input.is_outer_wrapper() && input.array_size() > 0 ? input.at(0) : input;
      } else {
        result = lookup(expr.value, env);
      }
      break;
    case NodeType::kLambda: {
      auto f = std::make_shared<Function>();
      f->type = Function::Type::kLambda;
      f->node = &expr;
      f->params = expr.params;
      f->signature = expr.signature.get();
      f->input = input;
      f->env = env;
      f->thunk = expr.thunk;
      capture(env);
      result = Value::function(std::move(f));
      break;
    }
    case NodeType::kPartial:
      result = eval_partial(expr, input, env);
      break;
    case NodeType::kApply:
      result = eval_apply(expr, input, env);
      break;
    case NodeType::kTransform: {
      auto f = std::make_shared<Function>();
      f->type = Function::Type::kTransform;
      f->node = &expr;
      f->env = env;
      capture(env);
      result = Value::function(std::move(f));
      break;
    }
    case NodeType::kSort:
      result = eval_sort(expr, sequence_of(input), env);
      break;
    default:
      throw_error("S0206", expr.position, expr.value);
  }

  for (const Stage& stage : expr.predicate) {
    tick();
    result = eval_filter(*stage.expr, result, env);
  }
  if (expr.type != NodeType::kPath && expr.group) {
    tick();
    result = eval_group(expr.group->pairs, expr.group->position, result, env);
  }

  if (Array* arr = result.mutable_array(); arr != nullptr && arr->sequence && !arr->tuple_stream) {
    if (expr.keep_array) arr->keep_singleton = true;
    if (arr->items.empty()) return {};
    if (arr->items.size() == 1 && !arr->keep_singleton) return Value(arr->items[0]);
  }
  return result;
}

std::optional<Json> Evaluator::eval_to_json(const Node& expr, const Value& input, const FramePtr& env) {
  const bool plain_object = expr.type == NodeType::kObject && expr.predicate.empty() && !expr.group &&
                            !expr.keep_array && !input.is_array() && expr.pairs.size() <= 8;
  bool literal_keys = plain_object;
  for (std::size_t p = 0; literal_keys && p < expr.pairs.size(); ++p) {
    const Node& k = *expr.pairs[p].first;
    literal_keys = k.type == NodeType::kString && k.predicate.empty() && !k.group;
    for (std::size_t q = 0; literal_keys && q < p; ++q) {
      literal_keys = expr.pairs[q].first->literal.as_string() != k.literal.as_string();
    }
  }
  if (!literal_keys) {
    Value v = eval(expr, input, env);
    if (v.is_undefined() || v.is_function()) return std::nullopt;
    if (v.is_number() && !std::isfinite(v.as_number())) return Json(nullptr);
    return v.to_json();
  }
  // As eval() of the constructor with one context value and distinct literal keys: the values
  // run as under Promise.all, undefined ones are left out.
  DepthGuard guard(depth_);
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (stack_base_ == 0) stack_base_ = sp;
  charge_steps(1);
  const std::size_t n = expr.pairs.size();
  Value values[8];
  run_parallel(n, [&](std::size_t p) {
    tick();
    values[p] = eval(*expr.pairs[p].second, input, env);
  });
  Json out = Json::object();
  auto& vec = static_cast<Json::object_t::Container&>(out.get_ref<Json::object_t&>());
  vec.reserve(n);
  for (std::size_t p = 0; p < n; ++p) {
    const Value& v = values[p];
    if (v.is_undefined() || v.is_function()) continue;
    vec.emplace_back(expr.pairs[p].first->literal.as_string(),
                     v.is_number() && !std::isfinite(v.as_number()) ? Json(nullptr) : v.to_json());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths

Value Evaluator::eval_path(const Node& expr, const Value& input, const FramePtr& env) {
  if (expr.simple_path) {
    // $var.a.b / a.b.c over objects: no sequences to build. Anything else (an array on the
    // way, a sequence in a variable) takes the general route below.
    const Node& first = *expr.items.front();
    Value cur;
    bool ok = true;
    if (first.type == NodeType::kVariable) {
      cur = first.value.empty() ? (input.is_outer_wrapper() && input.array_size() > 0 ? input.at(0) : input)
                                : lookup(first.value, env);
    } else if (input.is_object()) {
      cur = input.get(first.value);
    } else {
      ok = input.is_undefined() || (!input.is_array() && !input.is_object());  // undefined result
      cur = Value();
    }
    for (std::size_t i = 1; ok && i < expr.items.size() && !cur.is_undefined(); ++i) {
      if (cur.is_object()) {
        cur = cur.get(expr.items[i]->value);
      } else if (cur.is_array()) {
        ok = false;
      } else {
        cur = Value();
      }
    }
    if (ok && !cur.is_sequence() && !cur.is_function()) {
      tick(2 * expr.items.size());  // the reference's awaits: each step, each step's one item
      return cur;
    }
  }
  Value input_seq;
  if (input.is_array() && expr.items.front()->type != NodeType::kVariable) {
    input_seq = input;
  } else {
    input_seq = sequence_of(input);
  }
  Value result;
  Value tuples;
  bool is_tuple = false;
  const std::size_t n = expr.items.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Node& step = *expr.items[i];
    if (step.tuple) is_tuple = true;
    tick();
    if (i == 0 && step.cons_array) {
      result = eval(step, input_seq, env);
    } else if (is_tuple) {
      tuples = eval_tuple_step(step, input_seq, tuples, env);
    } else {
      result = eval_step(step, input_seq, env, i == n - 1);
    }
    if (!is_tuple && (result.is_undefined() || (result.is_array() && result.array_size() == 0))) {
      break;
    }
    if (!step.has_focus) input_seq = result;
  }
  if (is_tuple) {
    if (expr.tuple) {
      result = tuples;
    } else {
      auto seq = make_sequence();
      for (std::size_t i = 0; i < tuples.array_size(); ++i) seq->items.push_back(tuples.at(i).get("@"));
      result = Value::array(std::move(seq));
    }
  }
  if (expr.keep_singleton_array) {
    if (result.is_array() && result.is_cons() && !result.is_sequence()) result = sequence_of(result);
    if (Array* arr = result.mutable_array()) {
      arr->keep_singleton = true;
    } else if (result.is_array()) {
      // a borrowed JSON array: a plain (non-sequence) copy that can carry the flag
      auto copy = std::make_shared<Array>();
      for (std::size_t i = 0; i < result.array_size(); ++i) copy->items.push_back(result.at(i));
      copy->keep_singleton = true;
      result = Value::array(std::move(copy));
    }
  }
  if (expr.group) {
    result = eval_group(expr.group->pairs, expr.group->position, is_tuple ? tuples : result, env);
  }
  return result;
}

Value Evaluator::eval_step(const Node& step, const Value& input, const FramePtr& env, bool last) {
  if (step.type == NodeType::kSort) {
    Value result = eval_sort(step, input, env);
    if (!step.stages.empty()) result = eval_stages(step.stages, result, env);
    return result;
  }
  std::vector<Value> results;
  const std::size_t n = input.array_size();
  results.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    tick();
    Value res = eval(step, input.at(i), env);
    for (const Stage& stage : step.stages) {
      tick();
      res = eval_filter(*stage.expr, res, env);
    }
    if (!res.is_undefined()) results.push_back(std::move(res));
  }
  if (last && results.size() == 1 && results[0].is_array() && !results[0].is_sequence()) {
    return results[0];
  }
  auto seq = make_sequence();
  seq->items.reserve(results.size());
  for (Value& res : results) {
    if (!res.is_array() || res.is_cons()) {
      seq->items.push_back(std::move(res));
    } else {
      const std::size_t m = res.array_size();
      for (std::size_t k = 0; k < m; ++k) seq->items.push_back(res.at(k));
    }
  }
  return Value::array(std::move(seq));
}

Value Evaluator::eval_stages(const std::vector<Stage>& stages, Value input, const FramePtr& env) {
  Value result = std::move(input);
  for (const Stage& stage : stages) {
    if (stage.type == Stage::kFilter) {
      result = eval_filter(*stage.expr, result, env);
    } else {
      for (std::size_t i = 0; i < result.array_size(); ++i) {
        if (Object* t = result.at(i).mutable_object()) {
          t->set(stage.var, Value::number(static_cast<double>(i)));
        }
      }
    }
  }
  return result;
}

Value Evaluator::eval_tuple_step(const Node& step, const Value& input, const Value& tuples,
                                 const FramePtr& env) {
  if (step.type == NodeType::kSort) {
    Value result;
    if (!tuples.is_undefined()) {
      result = eval_sort(step, tuples, env);
    } else {
      Value sorted = eval_sort(step, input, env);
      auto seq = make_sequence();
      seq->tuple_stream = true;
      for (std::size_t i = 0; i < sorted.array_size(); ++i) {
        Value t = make_tuple(sorted.at(i));
        if (step.has_index) t.mutable_object()->set(step.index, Value::number(static_cast<double>(i)));
        seq->items.push_back(std::move(t));
      }
      result = Value::array(std::move(seq));
    }
    if (!step.stages.empty()) result = eval_stages(step.stages, result, env);
    return result;
  }
  auto out = make_sequence();
  out->tuple_stream = true;
  Value bindings = tuples;
  if (bindings.is_undefined()) {
    auto seq = make_sequence();
    seq->tuple_stream = true;
    for (std::size_t i = 0; i < input.array_size(); ++i) seq->items.push_back(make_tuple(input.at(i)));
    bindings = Value::array(std::move(seq));
  }
  for (std::size_t e = 0; e < bindings.array_size(); ++e) {
    const Value tuple = bindings.at(e);
    FramePtr step_env = frame_from_tuple(env, tuple);
    const Value focus = tuple.get("@");
    Value res = eval(step, focus, step_env);
    if (res.is_undefined()) continue;
    const bool res_tuples = res.array_data() != nullptr && res.array_data()->tuple_stream;
    if (!res.is_array()) res = sequence_of(res);
    for (std::size_t b = 0; b < res.array_size(); ++b) {
      Value t = copy_tuple(tuple);
      Object* o = t.mutable_object();
      if (res_tuples) {
        res.at(b).for_each_member([&](const std::string& k, const Value& v) { o->set(k, v); });
      } else {
        if (step.has_focus) {
          o->set(step.focus, res.at(b));
          o->set("@", focus);
        } else {
          o->set("@", res.at(b));
        }
        if (step.has_index) o->set(step.index, Value::number(static_cast<double>(b)));
        if (step.ancestor) o->set(step.ancestor->label, focus);
      }
      out->items.push_back(std::move(t));
    }
  }
  Value result = Value::array(std::move(out));
  if (!step.stages.empty()) result = eval_stages(step.stages, result, env);
  return result;
}

Value Evaluator::eval_filter(const Node& predicate, const Value& input_value, const FramePtr& env) {
  auto results = make_sequence();
  const bool tuple_stream = input_value.array_data() != nullptr && input_value.array_data()->tuple_stream;
  if (tuple_stream) results->tuple_stream = true;
  const Value input = input_value.is_array() ? input_value : sequence_of(input_value);
  const std::size_t n = input.array_size();
  if (predicate.type == NodeType::kNumber) {
    const std::optional<std::size_t> index = array_index(predicate.number, n);
    if (index) {
      Value item = input.at(*index);
      if (!item.is_undefined()) {
        if (item.is_array()) return item;
        results->items.push_back(std::move(item));
      }
    }
    return Value::array(std::move(results));
  }
  for (std::size_t i = 0; i < n; ++i) {
    Value item = input.at(i);
    Value res;
    tick();
    if (tuple_stream) {
      res = eval(predicate, item.get("@"), frame_from_tuple(env, item));
    } else {
      res = eval(predicate, item, env);
    }
    if (is_numeric(res)) res = sequence_of(res);
    if (is_array_of_numbers(res)) {
      for (std::size_t k = 0; k < res.array_size(); ++k) {
        const double d = res.at(k).as_number();
        if (std::isinf(d)) throw_error_value("D1001", res.at(k));
        if (array_index(d, n) == i) results->items.push_back(item);
      }
    } else if (to_boolean(res)) {
      results->items.push_back(std::move(item));
    }
  }
  return Value::array(std::move(results));
}

namespace {

template <class Cmp>
void merge_sort(std::vector<Value>& items, Cmp&& swap_needed) {
  if (items.size() <= 1) return;
  const std::size_t middle = items.size() / 2;
  std::vector<Value> left(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(middle));
  std::vector<Value> right(items.begin() + static_cast<std::ptrdiff_t>(middle), items.end());
  merge_sort(left, swap_needed);
  merge_sort(right, swap_needed);
  std::size_t l = 0;
  std::size_t r = 0;
  std::size_t o = 0;
  while (l < left.size() && r < right.size()) {
    if (swap_needed(left[l], right[r])) {
      items[o++] = right[r++];
    } else {
      items[o++] = left[l++];
    }
  }
  while (l < left.size()) items[o++] = left[l++];
  while (r < right.size()) items[o++] = right[r++];
}

}  // namespace

Value sort_values(Evaluator& ev, const Value& arr, const Value* comparator, const FramePtr& env) {
  if (arr.is_undefined()) return {};
  if (arr.array_size() <= 1) return arr;
  std::vector<Value> items;
  items.reserve(arr.array_size());
  for (std::size_t i = 0; i < arr.array_size(); ++i) items.push_back(arr.at(i));
  ev.charge_steps(items.size());
  if (comparator == nullptr) {
    if (!is_array_of_numbers(arr) && !is_array_of_strings(arr)) {
      JsonataException e;
      e.info.code = "D3070";
      e.info.index = 1;
      throw e;
    }
    merge_sort(items, [](const Value& a, const Value& b) {
      if (a.is_number()) return a.as_number() > b.as_number();
      return compare_utf16(a.as_string(), b.as_string()) > 0;
    });
  } else {
    merge_sort(items, [&](const Value& a, const Value& b) {
      ev.tick(3);
      return js_truthy(ev.apply(*comparator, {a, b}, Value::null(), env));
    });
  }
  auto out = make_sequence();
  out->items = std::move(items);
  return Value::array(std::move(out));
}

Value Evaluator::eval_sort(const Node& expr, const Value& input, const FramePtr& env) {
  const bool tuple_sort = input.array_data() != nullptr && input.array_data()->tuple_stream;
  if (input.is_undefined()) return {};
  std::vector<Value> items;
  items.reserve(input.array_size());
  for (std::size_t i = 0; i < input.array_size(); ++i) items.push_back(input.at(i));
  auto compare = [&](const Value& a, const Value& b) -> bool {
    tick(3);  // the merge step awaits the comparator, which awaits each term's evaluation
    int comp = 0;
    for (std::size_t t = 0; comp == 0 && t < expr.terms.size(); ++t) {
      const SortTerm& term = expr.terms[t];
      Value aa = tuple_sort ? eval(*term.expression, a.get("@"), frame_from_tuple(env, a))
                            : eval(*term.expression, a, env);
      Value bb = tuple_sort ? eval(*term.expression, b.get("@"), frame_from_tuple(env, b))
                            : eval(*term.expression, b, env);
      if (aa.is_undefined()) {
        comp = bb.is_undefined() ? 0 : 1;
        continue;
      }
      if (bb.is_undefined()) {
        comp = -1;
        continue;
      }
      const bool a_ok = aa.is_string() || aa.is_number();
      const bool b_ok = bb.is_string() || bb.is_number();
      if (!a_ok || !b_ok) {
        JsonataException e;
        e.info.code = "T2008";
        e.info.position = expr.position;
        e.info.value = !a_ok ? aa : bb;
        e.info.has_value = true;
        throw e;
      }
      if (aa.kind() != bb.kind()) {
        JsonataException e;
        e.info.code = "T2007";
        e.info.position = expr.position;
        e.info.value = aa;
        e.info.has_value = true;
        e.info.value2 = bb;
        e.info.has_value2 = true;
        throw e;
      }
      int c = 0;
      if (aa.is_number()) {
        c = aa.as_number() == bb.as_number() ? 0 : (aa.as_number() < bb.as_number() ? -1 : 1);
      } else {
        c = compare_utf16(aa.as_string(), bb.as_string());
        c = c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      if (c == 0) continue;
      comp = term.descending ? -c : c;
    }
    return comp == 1;
  };
  if (items.size() > 1) merge_sort(items, compare);
  auto out = make_sequence();
  out->tuple_stream = tuple_sort;
  out->items = std::move(items);
  return Value::array(std::move(out));
}

Value Evaluator::eval_group(const std::vector<std::pair<NodePtr, NodePtr>>& pairs,
                            std::size_t position, const Value& input_value, const FramePtr& env) {
  const bool reduce = input_value.array_data() != nullptr && input_value.array_data()->tuple_stream;
  if (!input_value.is_array()) {
    // One context value (the common object constructor): no grouping, so no appending.
    // Small constructors (the usual case) keep their bookkeeping on the stack.
    constexpr std::size_t kInline = 8;
    Value inline_keys[kInline];
    Value inline_values[kInline];
    std::size_t inline_order[kInline];
    std::vector<Value> heap_keys;
    std::vector<Value> heap_values;
    std::vector<std::size_t> heap_order;
    const bool small = pairs.size() <= kInline;
    if (!small) {
      heap_keys.resize(pairs.size());
      heap_values.resize(pairs.size());
      heap_order.resize(pairs.size());
    }
    Value* keys = small ? inline_keys : heap_keys.data();
    Value* values = small ? inline_values : heap_values.data();
    std::size_t* order = small ? inline_order : heap_order.data();
    std::size_t defined = 0;
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      tick();
      const Node& key_node = *pairs[p].first;
      Value key = key_node.type == NodeType::kString && key_node.predicate.empty() && !key_node.group
                      ? key_node.literal
                      : eval(key_node, input_value, env);
      if (key.is_undefined()) continue;
      if (!key.is_string()) {
        JsonataException e;
        e.info.code = "T1003";
        e.info.position = position;
        e.info.value = key;
        e.info.has_value = true;
        throw e;
      }
      for (std::size_t q = 0; q < p; ++q) {
        if (keys[q].is_string() && keys[q].as_string() == key.as_string()) {
          JsonataException e;
          e.info.code = "D1009";
          e.info.position = position;
          e.info.value = key;
          e.info.has_value = true;
          throw e;
        }
      }
      keys[p] = std::move(key);
      order[defined++] = p;
    }
    run_parallel(defined, [&](std::size_t k) {
      tick();
      values[order[k]] = eval(*pairs[order[k]].second, input_value, env);
    });
    tick();
    auto result = std::make_shared<Object>();
    result->members.reserve(defined);
    for (std::size_t k = 0; k < defined; ++k) {
      const std::size_t p = order[k];
      if (!values[p].is_undefined()) result->members.emplace_back(keys[p].as_string(), std::move(values[p]));
    }
    charge_memory(result->members.size() * 16);
    return Value::object(std::move(result));
  }
  std::vector<Value> input;
  if (input_value.is_array()) {
    for (std::size_t i = 0; i < input_value.array_size(); ++i) input.push_back(input_value.at(i));
  } else {
    input.push_back(input_value);  // an undefined input still makes one (literal) object
  }
  if (input.empty()) input.emplace_back();
  struct Entry {
    std::string key;
    Value data;
    std::size_t expr_index;
  };
  std::vector<Entry> groups;
  for (const Value& item : input) {
    FramePtr item_env = reduce ? frame_from_tuple(env, item) : env;
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      tick();
      Value key = eval(*pairs[p].first, reduce ? item.get("@") : item, item_env);
      if (key.is_undefined()) continue;
      if (!key.is_string()) {
        JsonataException e;
        e.info.code = "T1003";
        e.info.position = position;
        e.info.value = key;
        e.info.has_value = true;
        throw e;
      }
      Entry* found = nullptr;
      for (Entry& g : groups) {
        if (g.key == key.as_string()) {
          found = &g;
          break;
        }
      }
      if (found != nullptr) {
        if (found->expr_index != p) {
          JsonataException e;
          e.info.code = "D1009";
          e.info.position = position;
          e.info.value = key;
          e.info.has_value = true;
          throw e;
        }
        found->data = append_values(found->data, item);
      } else {
        groups.push_back(Entry{key.as_string(), item, p});
      }
    }
  }
  auto result = std::make_shared<Object>();
  result->members.reserve(groups.size());
  std::vector<Value> values(groups.size());
  run_parallel(groups.size(), [&](std::size_t gi) {
    Entry& g = groups[gi];
    Value context = g.data;
    FramePtr group_env = env;
    if (reduce) {
      // reduceTupleStream: the tuples' bindings merged, each name's values appended
      Value tuple;
      if (!g.data.is_array()) {
        tuple = g.data;
      } else {
        auto merged = std::make_shared<Object>(*g.data.at(0).object_data());
        for (std::size_t i = 1; i < g.data.array_size(); ++i) {
          g.data.at(i).for_each_member([&](const std::string& k, const Value& v) {
            const Value* old = merged->find(k);
            merged->set(k, append_values(old != nullptr ? *old : Value(), v));
          });
        }
        tuple = Value::object(std::move(merged));
      }
      context = tuple.get("@");
      auto frame = std::make_shared<Frame>();
      frame->parent = env;
      tuple.for_each_member([&](const std::string& k, const Value& v) {
        if (k != "@") frame->vars.emplace_back(k, v);
      });
      group_env = std::move(frame);
    }
    tick();
    values[gi] = eval(*pairs[g.expr_index].second, context, group_env);
  });
  tick();
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    if (!values[gi].is_undefined()) result->members.emplace_back(std::move(groups[gi].key), std::move(values[gi]));
  }
  charge_memory(result->members.size() * 16);
  return Value::object(std::move(result));
}

// ---------------------------------------------------------------------------------------------
// Operators

Value Evaluator::eval_binary(const Node& expr, const Value& input, const FramePtr& env) {
  const std::string& op = expr.value;
  tick();
  Value lhs = eval(*expr.lhs, input, env);
  auto fail = [&](const char* code, const Value* value, const Value* value2) {
    JsonataException e;
    e.info.code = code;
    e.info.position = expr.position;
    e.info.token = op;
    if (value != nullptr) {
      e.info.value = *value;
      e.info.has_value = true;
    }
    if (value2 != nullptr) {
      e.info.value2 = *value2;
      e.info.has_value2 = true;
    }
    throw e;
  };
  auto annotate = [&](JsonataException& e) {
    e.info.position = expr.position;
    e.info.token = op;
  };
  if (op == "and" || op == "or") {
    try {
      if (lhs.is_number() && std::isinf(lhs.as_number())) throw_error_value("D1001", lhs);
      const bool l = to_boolean(lhs);
      if (op == "and" && !l) return Value::boolean(false);
      if (op == "or" && l) return Value::boolean(true);
      tick(3);
      Value rhs = eval(*expr.rhs, input, env);
      if (rhs.is_number() && std::isinf(rhs.as_number())) throw_error_value("D1001", rhs);
      return Value::boolean(to_boolean(rhs));
    } catch (JsonataException& e) {
      annotate(e);
      throw;
    }
  }
  tick(2);
  Value rhs = eval(*expr.rhs, input, env);
  try {
    const char c = op[0];
    if (op.size() == 1 && (c == '+' || c == '-' || c == '*' || c == '/' || c == '%')) {
      if (!lhs.is_undefined() && !is_numeric(lhs)) fail("T2001", &lhs, nullptr);
      if (!rhs.is_undefined() && !is_numeric(rhs)) fail("T2002", &rhs, nullptr);
      if (lhs.is_undefined() || rhs.is_undefined()) return {};
      const double a = lhs.as_number();
      const double b = rhs.as_number();
      switch (c) {
        case '+': return Value::number(a + b);
        case '-': return Value::number(a - b);
        case '*': return Value::number(a * b);
        case '/': return Value::number(a / b);
        default: return Value::number(std::fmod(a, b));
      }
    }
    if (op == "=" || op == "!=") {
      if (lhs.is_undefined() || rhs.is_undefined()) return Value::boolean(false);
      const bool eq = deep_equal(lhs, rhs);
      return Value::boolean(op == "=" ? eq : !eq);
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      const bool lc = lhs.is_undefined() || lhs.is_string() || lhs.is_number();
      const bool rc = rhs.is_undefined() || rhs.is_string() || rhs.is_number();
      if (!lc || !rc) {
        const bool l_ok = lhs.is_string() || lhs.is_number();
        fail("T2010", l_ok ? &rhs : &lhs, nullptr);
      }
      if (lhs.is_undefined() || rhs.is_undefined()) return {};
      if (lhs.kind() != rhs.kind()) fail("T2009", &lhs, &rhs);
      int cmp = 0;
      if (lhs.is_number()) {
        const double a = lhs.as_number();
        const double b = rhs.as_number();
        if (std::isnan(a) || std::isnan(b)) return Value::boolean(false);
        cmp = a < b ? -1 : (a > b ? 1 : 0);
      } else {
        cmp = compare_utf16(lhs.as_string(), rhs.as_string());
      }
      if (op == "<") return Value::boolean(cmp < 0);
      if (op == "<=") return Value::boolean(cmp <= 0);
      if (op == ">") return Value::boolean(cmp > 0);
      return Value::boolean(cmp >= 0);
    }
    if (op == "&") {
      std::string out = lhs.is_undefined() ? std::string() : to_jsonata_string(lhs);
      if (!rhs.is_undefined()) out += to_jsonata_string(rhs);
      charge_memory(out.size());
      return Value::string(std::move(out));
    }
    if (op == "..") {
      auto is_integer = [](const Value& v) {
        return v.is_number() && std::isfinite(v.as_number()) && std::floor(v.as_number()) == v.as_number();
      };
      if (!lhs.is_undefined() && !is_integer(lhs)) fail("T2003", &lhs, nullptr);
      if (!rhs.is_undefined() && !is_integer(rhs)) fail("T2004", &rhs, nullptr);
      if (lhs.is_undefined() || rhs.is_undefined()) return {};
      const double a = lhs.as_number();
      const double b = rhs.as_number();
      if (a > b) return {};
      const double size = b - a + 1;
      if (size > 1e7) {
        Value s = Value::number(size);
        fail("D2014", &s, nullptr);
      }
      const auto count = static_cast<std::size_t>(size);
      check_allocation(count * kSlotBytes);
      charge_steps(count);
      auto seq = make_sequence();
      seq->items.reserve(count);
      for (std::size_t i = 0; i < count; ++i) seq->items.push_back(Value::number(a + static_cast<double>(i)));
      return Value::array(std::move(seq));
    }
    if (op == "in") {
      if (lhs.is_undefined() || rhs.is_undefined()) return Value::boolean(false);
      auto same = [&](const Value& v) {
        if (v.kind() != lhs.kind()) return false;
        switch (v.kind()) {
          case Kind::kNull: return true;
          case Kind::kBool: return v.as_bool() == lhs.as_bool();
          case Kind::kNumber: return v.as_number() == lhs.as_number();
          case Kind::kString: return v.as_string() == lhs.as_string();
          default: return v.identity() == lhs.identity();
        }
      };
      if (!rhs.is_array()) return Value::boolean(same(rhs));
      for (std::size_t i = 0; i < rhs.array_size(); ++i) {
        if (same(rhs.at(i))) return Value::boolean(true);
      }
      return Value::boolean(false);
    }
  } catch (JsonataException& e) {
    annotate(e);
    throw;
  }
  throw_error("S0201", expr.position, op);
}

template <class F>
void Evaluator::run_parallel(std::size_t n, F&& body) {
  if (n <= 1) {
    if (n == 1) body(std::size_t{0});
    return;
  }
  // The reference evaluates array items (and group values) with Promise.all: they interleave at
  // each await, so the item that fails soonest (in evaluations) rejects first. Items run here one
  // after another; the error kept is the one stamped earliest relative to its item's start
  // (ties: the lower index, first in the microtask queue).
  std::optional<JsonataException> winner;
  std::vector<std::string> codes;
  std::uint64_t best = 0;
  const std::uint64_t entry = ticks_;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t start = ticks_;
    try {
      body(i);
    } catch (JsonataException& e) {
      if (e.info.stamp == 0) e.info.stamp = ticks_;
      const std::uint64_t when = e.info.stamp > start ? e.info.stamp - start : 0;
      if (e.info.code == "U1001" || e.info.code == "U1002") throw;  // limits end everything
      codes.push_back(e.info.code);
      for (auto& c : e.info.concurrent_codes) codes.push_back(std::move(c));
      e.info.concurrent_codes.clear();
      if (!winner || when < best) {
        best = when;
        winner = std::move(e);
      }
    }
  }
  if (winner) {
    // In the reference all items start together: the array fails `best` evaluations after it began.
    winner->info.stamp = entry + best;
    for (auto& c : codes) {
      if (c != winner->info.code) winner->info.concurrent_codes.push_back(std::move(c));
    }
    throw *winner;
  }
}

Value Evaluator::eval_array(const Node& expr, const Value& input, const FramePtr& env) {
  auto out = std::make_shared<Array>();
  std::vector<Value> values(expr.items.size());
  run_parallel(expr.items.size(), [&](std::size_t i) {
    tick();
    values[i] = eval(*expr.items[i], input, env);
  });
  tick();
  for (std::size_t k = 0; k < expr.items.size(); ++k) {
    const auto& item = expr.items[k];
    Value value = std::move(values[k]);
    if (value.is_undefined()) continue;
    if (item->type == NodeType::kArray) {
      out->items.push_back(std::move(value));
    } else if (value.is_array()) {
      const std::size_t n = value.array_size();
      for (std::size_t i = 0; i < n; ++i) out->items.push_back(value.at(i));
    } else {
      out->items.push_back(std::move(value));
    }
  }
  charge_memory(out->items.size() * kSlotBytes);
  if (expr.cons_array) out->cons = true;
  return Value::array(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// Functions

int Evaluator::arity(const Value& fn) {
  const Function* f = fn.function_data();
  return f != nullptr ? f->arity() : 0;
}

Value Evaluator::call_hof(const Value& fn, const Value& value, std::size_t index, const Value& array,
                          const FramePtr& env) {
  const int n = arity(fn);
  std::vector<Value> args;
  args.reserve(3);
  args.push_back(value);
  if (n >= 2) args.push_back(Value::number(static_cast<double>(index)));
  if (n >= 3) args.push_back(array);
  tick(2);  // the built-in awaits its callback's wrapper, which awaits apply
  return apply(fn, args, Value::null(), env);
}

Value Evaluator::eval_function(const Node& expr, const Value& input, const FramePtr& env,
                               const Value* applyto) {
  tick();
  Value proc = eval(*expr.procedure, input, env);
  const Node& p = *expr.procedure;
  const std::string& proc_name =
      p.type == NodeType::kPath && !p.items.empty() ? p.items[0]->value : p.value;
  if (proc.is_undefined() && p.type == NodeType::kPath && !p.items.empty() &&
      !lookup(p.items[0]->value, env).is_undefined()) {
    throw_error("T1005", expr.position, p.items[0]->value);
  }
  std::vector<Value> args;
  args.reserve(expr.items.size() + 1);
  if (applyto != nullptr) args.push_back(*applyto);
  for (const auto& arg : expr.items) {
    tick();
    args.push_back(eval(*arg, input, env));
  }
  try {
    tick();
    return apply(proc, args, input, env);
  } catch (JsonataException& e) {
    if (!e.info.token) e.info.token = proc_name;
    if (proc.is_function() || !e.info.position) e.info.position = expr.position;
    throw;
  }
}

Value Evaluator::apply(const Value& proc, const std::vector<Value>& args, const Value& input,
                       const FramePtr& env) {
  tick();
  Value result = apply_inner(proc, args, input, env);
  for (;;) {
    const Function* f = result.function_data();
    if (f == nullptr || f->type != Function::Type::kLambda || !f->thunk) break;
    charge_steps(1);
    const Node& call = *f->node->body;  // the tail call
    Value next = eval(*call.procedure, f->input, f->env);
    std::vector<Value> next_args;
    next_args.reserve(call.items.size());
    for (const auto& a : call.items) next_args.push_back(eval(*a, f->input, f->env));
    try {
      result = apply_inner(next, next_args, input, env);
    } catch (JsonataException& e) {
      if (!e.info.token) {
        const Node& p = *call.procedure;
        e.info.token = p.type == NodeType::kPath && !p.items.empty() ? p.items[0]->value : p.value;
      }
      e.info.position = call.position;
      throw;
    }
  }
  return result;
}

Value Evaluator::apply_inner(const Value& proc, const std::vector<Value>& args, const Value& input,
                             const FramePtr& env) {
  const Function* f = proc.function_data();
  if (f == nullptr) throw_error("T1006");
  switch (f->type) {
    case Function::Type::kLambda: {
      if (f->signature != nullptr) return apply_procedure(*f, f->signature->validate(args, input));
      return apply_procedure(*f, args);
    }
    case Function::Type::kNative: {
      std::vector<Value> validated = f->native->signature.validate(args, input);
      CallContext ctx{*this, input, env};
      tick();  // the reference awaits its asynchronous built-ins
      return f->native->impl(ctx, validated);
    }
    case Function::Type::kPartialNative: {
      std::vector<Value> full;
      full.reserve(f->bound.size());
      std::size_t next = 0;
      for (std::size_t i = 0; i < f->bound.size(); ++i) {
        if (f->hole[i]) {
          full.push_back(next < args.size() ? args[next] : Value());
          ++next;
        } else {
          full.push_back(f->bound[i]);
        }
      }
      while (!full.empty() && full.back().is_undefined()) full.pop_back();
      std::vector<Value> validated = f->native->signature.validate(full, Value());
      const Value none;
      CallContext ctx{*this, none, env};
      return f->native->impl(ctx, validated);
    }
    case Function::Type::kRegex: {
      if (args.empty() || !args[0].is_string()) return {};
      std::size_t from = 0;
      if (args.size() > 1 && args[1].is_number() && args[1].as_number() > 0) {
        // a UTF-16 index: map it to a byte offset
        const std::string& s = args[0].as_string();
        const auto units = static_cast<std::size_t>(std::min(args[1].as_number(), static_cast<double>(s.size()) * 2));
        std::size_t i = 0;
        std::size_t u = 0;
        while (i < s.size() && u < units) {
          const char32_t cp = decode_utf8(s, i);
          u += cp >= 0x10000 ? 2 : 1;
        }
        from = i;
      }
      return regex_match(*f, args[0].as_string(), from, nullptr, nullptr);
    }
    case Function::Type::kCompose: {
      Value mid = apply(f->first, args, input, env);
      return apply(f->second, {mid}, input, env);
    }
    case Function::Type::kTransform: {
      static const Signature kTransformSignature = Signature::parse("<(oa):o>");
      std::vector<Value> validated = kTransformSignature.validate(args, input);
      return eval_transform_call(*f, validated.empty() ? Value() : validated[0]);
    }
  }
  throw_error("T1006");
}

Value Evaluator::apply_procedure(const Function& lambda, const std::vector<Value>& args) {
  tick(2);  // applyProcedure, then the body's evaluate
  auto frame = std::make_shared<Frame>();
  frame->parent = lambda.env;
  frame->vars.reserve(lambda.params.size());
  for (std::size_t i = 0; i < lambda.params.size(); ++i) {
    frame->vars.emplace_back(lambda.params[i], i < args.size() ? args[i] : Value());
  }
  return eval(*lambda.node->body, lambda.input, frame);
}

Value Evaluator::eval_partial(const Node& expr, const Value& input, const FramePtr& env) {
  std::vector<Value> args;
  std::vector<bool> holes;
  for (const auto& arg : expr.items) {
    if (arg->type == NodeType::kOperator && arg->value == "?") {
      args.emplace_back();
      holes.push_back(true);
    } else {
      args.push_back(eval(*arg, input, env));
      holes.push_back(false);
    }
  }
  Value proc = eval(*expr.procedure, input, env);
  const Node& p = *expr.procedure;
  if (proc.is_undefined() && p.type == NodeType::kPath && !p.items.empty() &&
      !lookup(p.items[0]->value, env).is_undefined()) {
    throw_error("T1007", expr.position, p.items[0]->value);
  }
  const Function* f = proc.function_data();
  if (f == nullptr) {
    throw_error("T1008", expr.position,
                p.type == NodeType::kPath && !p.items.empty() ? p.items[0]->value : p.value);
  }
  auto out = std::make_shared<Function>();
  if (f->type == Function::Type::kLambda) {
    auto frame = std::make_shared<Frame>();
    frame->parent = f->env;
    out->type = Function::Type::kLambda;
    out->node = f->node;
    out->input = f->input;
    for (std::size_t i = 0; i < f->params.size(); ++i) {
      if (i < holes.size() && holes[i]) {
        out->params.push_back(f->params[i]);
      } else {
        frame->vars.emplace_back(f->params[i], i < args.size() ? args[i] : Value());
      }
    }
    capture(frame);
    out->env = std::move(frame);
    return Value::function(std::move(out));
  }
  if (f->type == Function::Type::kNative) {
    out->type = Function::Type::kPartialNative;
    out->native = f->native;
    out->native_owner = f->native_owner;
    const auto n = static_cast<std::size_t>(f->native->arity);
    for (std::size_t i = 0; i < n; ++i) {
      const bool h = i < holes.size() && holes[i];
      out->hole.push_back(h);
      out->bound.push_back(!h && i < args.size() ? args[i] : Value());
    }
    return Value::function(std::move(out));
  }
  if (f->type == Function::Type::kPartialNative) {
    *out = *f;
    std::size_t k = 0;
    for (std::size_t i = 0; i < out->bound.size(); ++i) {
      if (!out->hole[i]) continue;
      const bool h = k < holes.size() && holes[k];
      if (!h) {
        out->hole[i] = false;
        out->bound[i] = k < args.size() ? args[k] : Value();
      }
      ++k;
    }
    return Value::function(std::move(out));
  }
  // Regexes, compositions, transforms: JavaScript functions in the reference, partially applied
  // through a wrapper lambda over their declared parameters.
  throw_error("T1008", expr.position,
              p.type == NodeType::kPath && !p.items.empty() ? p.items[0]->value : p.value);
}

Value Evaluator::eval_apply(const Node& expr, const Value& input, const FramePtr& env) {
  Value lhs = eval(*expr.lhs, input, env);
  if (expr.rhs->type == NodeType::kFunction) return eval_function(*expr.rhs, input, env, &lhs);
  Value func = eval(*expr.rhs, input, env);
  if (!func.is_function()) {
    JsonataException e;
    e.info.code = "T2006";
    e.info.position = expr.position;
    e.info.value = func;
    e.info.has_value = true;
    throw e;
  }
  if (lhs.is_function()) {
    auto f = std::make_shared<Function>();
    f->type = Function::Type::kCompose;
    f->first = lhs;
    f->second = func;
    return Value::function(std::move(f));
  }
  return apply(func, {lhs}, Value::null(), env);
}

Value clone_value(Evaluator& ev, const Value& v);

Value Evaluator::eval_transform_call(const Function& fn, const Value& obj) {
  if (obj.is_undefined()) return {};
  const Node& expr = *fn.node;
  Value clone_fn = lookup("clone", fn.env);
  if (!clone_fn.is_function()) throw_error("T2013", expr.position);
  Value result = apply(clone_fn, {obj}, Value::null(), fn.env);
  Value matches = eval(*expr.pattern, result, fn.env);
  if (matches.is_undefined()) return result;
  if (!matches.is_array()) matches = sequence_of(matches);
  for (std::size_t i = 0; i < matches.array_size(); ++i) {
    Value match = matches.at(i);
    Value update = eval(*expr.update, match, fn.env);
    if (!update.is_undefined()) {
      if (!update.is_object()) {
        JsonataException e;
        e.info.code = "T2011";
        e.info.position = expr.update->position;
        e.info.value = update;
        e.info.has_value = true;
        throw e;
      }
      if (Object* target = match.mutable_object()) {
        update.for_each_member([&](const std::string& k, const Value& v) { target->set(k, v); });
      }
    }
    if (expr.remove) {
      Value deletions = eval(*expr.remove, match, fn.env);
      if (!deletions.is_undefined()) {
        const Value original = deletions;
        if (!deletions.is_array()) deletions = sequence_of(deletions);
        if (!is_array_of_strings(deletions)) {
          JsonataException e;
          e.info.code = "T2012";
          e.info.position = expr.remove->position;
          e.info.value = original;
          e.info.has_value = true;
          throw e;
        }
        if (Object* target = match.mutable_object()) {
          for (std::size_t k = 0; k < deletions.array_size(); ++k) target->erase(deletions.at(k).as_string());
        }
      }
    }
  }
  return result;
}

// The reference's regex closure: {match, start, end, groups, next}.
Value Evaluator::regex_match(const Function& fn, const std::string& str, std::size_t from_byte,
                             std::size_t* match_begin, std::size_t* match_end) {
  core::RegexMatch m;
  const auto outcome = fn.regex->search(str, from_byte, &m);
  if (outcome == core::Regex::Outcome::kLimit) {
    throw_error("D1004");  // cannot progress within the match bounds
  }
  if (outcome != core::Regex::Outcome::kMatch) return {};
  const auto [b, e] = m.groups[0];
  if (match_begin != nullptr) *match_begin = b;
  if (match_end != nullptr) *match_end = e;
  auto o = std::make_shared<Object>();
  o->members.emplace_back("match", Value::string(str.substr(b, e - b)));
  const auto start16 = static_cast<double>(utf16_length(str, b));
  o->members.emplace_back("start", Value::number(start16));
  o->members.emplace_back("end", Value::number(static_cast<double>(utf16_length(str, e))));
  auto groups = std::make_shared<Array>();
  for (std::size_t g = 1; g < m.groups.size(); ++g) {
    const auto [gb, ge] = m.groups[g];
    if (gb == core::RegexMatch::npos) {
      groups->items.emplace_back();
    } else {
      groups->items.push_back(Value::string(str.substr(gb, ge - gb)));
    }
  }
  o->members.emplace_back("groups", Value::array(std::move(groups)));
  return Value::object(std::move(o));
}

}  // namespace scl::jsonata
