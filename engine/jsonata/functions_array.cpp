// Array, boolean and type built-ins: $append, $reverse, $shuffle, $distinct, $zip, $sort
// (stable merge sort, optional comparator), $exists, $boolean, $not, $type, $error, $assert,
// $single.

#include <cmath>
#include <string>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/evaluator.hpp"
#include "engine/jsonata/functions.hpp"

namespace scl::jsonata {
Value sort_values(Evaluator& ev, const Value& arr, const Value* comparator, const FramePtr& env);
}

namespace scl::jsonata::builtins {

Value fn_append(CallContext& ctx, std::vector<Value>& args) {
  Value out = append_values(arg(args, 0), arg(args, 1));
  ctx.ev.charge_memory(out.array_size() * kSlotBytes);
  return out;
}

Value fn_reverse(CallContext&, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  if (a.array_size() <= 1) return a;
  auto out = std::make_shared<Array>();
  for (std::size_t i = a.array_size(); i-- > 0;) out->items.push_back(a.at(i));
  return Value::array(std::move(out));
}

Value fn_shuffle(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  if (a.array_size() <= 1) return a;
  auto out = std::make_shared<Array>();
  for (std::size_t i = 0; i < a.array_size(); ++i) out->items.push_back(a.at(i));
  for (std::size_t i = out->items.size() - 1; i > 0; --i) {
    const auto j = static_cast<std::size_t>(std::floor(ctx.ev.random() * static_cast<double>(i + 1)));
    std::swap(out->items[i], out->items[j < i + 1 ? j : i]);
  }
  return Value::array(std::move(out));
}

Value fn_distinct(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  if (!a.is_array() || a.array_size() <= 1) return a;
  auto out = std::make_shared<Array>();
  out->sequence = a.is_sequence();
  ctx.ev.charge_steps(a.array_size());
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    Value v = a.at(i);
    bool seen = false;
    for (const Value& r : out->items) {
      if (deep_equal(v, r)) {
        seen = true;
        break;
      }
    }
    ctx.ev.charge_steps(out->items.size() / 8);
    if (!seen) out->items.push_back(std::move(v));
  }
  return Value::array(std::move(out));
}

Value fn_zip(CallContext& ctx, std::vector<Value>& args) {
  auto out = std::make_shared<Array>();
  std::size_t length = args.empty() ? 0 : SIZE_MAX;
  for (const Value& a : args) length = std::min(length, a.is_array() ? a.array_size() : std::size_t{0});
  ctx.ev.check_allocation(length * args.size() * kSlotBytes);
  for (std::size_t i = 0; i < length; ++i) {
    auto tuple = std::make_shared<Array>();
    for (const Value& a : args) tuple->items.push_back(a.at(i));
    out->items.push_back(Value::array(std::move(tuple)));
  }
  return Value::array(std::move(out));
}

Value fn_sort(CallContext& ctx, std::vector<Value>& args) {
  const Value& comparator = arg(args, 1);
  return sort_values(ctx.ev, arg(args, 0), comparator.is_undefined() ? nullptr : &comparator, ctx.env);
}

Value fn_exists(CallContext&, std::vector<Value>& args) {
  return Value::boolean(!arg(args, 0).is_undefined());
}

Value fn_boolean(CallContext&, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  if (v.is_undefined()) return {};
  // A function argument reaches the reference's $boolean wrapped in a JavaScript function: false.
  if (v.is_function()) return Value::boolean(false);
  if (v.is_number() && std::isinf(v.as_number())) throw_error_value("D1001", v);
  return Value::boolean(to_boolean(v));
}

Value fn_not(CallContext&, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  if (v.is_undefined()) return {};
  if (v.is_function()) return Value::boolean(true);
  if (v.is_number() && std::isinf(v.as_number())) throw_error_value("D1001", v);
  return Value::boolean(!to_boolean(v));
}

Value fn_type(CallContext&, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  switch (v.kind()) {
    case Kind::kUndefined:
      return {};
    case Kind::kNull:
      return Value::string("null");
    case Kind::kNumber:
      if (std::isinf(v.as_number())) throw_error_value("D1001", v);
      return Value::string(std::isnan(v.as_number()) ? "object" : "number");
    case Kind::kString:
      return Value::string("string");
    case Kind::kBool:
      return Value::string("boolean");
    case Kind::kArray:
      return Value::string("array");
    case Kind::kFunction:
      return Value::string("function");
    case Kind::kObject:
      return Value::string("object");
  }
  return {};
}

Value fn_error(CallContext&, std::vector<Value>& args) {
  JsonataException e;
  e.info.code = "D3137";
  const Value& m = arg(args, 0);
  e.info.message = m.is_string() && !m.as_string().empty() ? m.as_string() : "$error() function evaluated";
  throw e;
}

Value fn_assert(CallContext&, std::vector<Value>& args) {
  const Value& c = arg(args, 0);
  if (!(c.is_bool() && c.as_bool())) {
    JsonataException e;
    e.info.code = "D3141";
    const Value& m = arg(args, 1);
    e.info.message = m.is_string() && !m.as_string().empty() ? m.as_string() : "$assert() statement failed";
    throw e;
  }
  return {};
}

Value fn_single(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  const Value& fn = arg(args, 1);
  bool found = false;
  Value result;
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    Value entry = a.at(i);
    bool positive = true;
    if (!fn.is_undefined()) positive = to_boolean(ctx.ev.call_hof(fn, entry, i, a, ctx.env));
    if (!positive) continue;
    if (found) {
      JsonataException e;
      e.info.code = "D3138";
      e.info.index = static_cast<double>(i);
      throw e;
    }
    result = std::move(entry);
    found = true;
  }
  if (!found) throw_error("D3139");
  return result;
}

}  // namespace scl::jsonata::builtins
