// Object and higher-order built-ins: $keys, $lookup, $spread, $merge, $each, $sift, $clone,
// $map, $filter, $reduce.

#include <cmath>
#include <string>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/evaluator.hpp"
#include "engine/jsonata/format.hpp"
#include "engine/jsonata/functions.hpp"

namespace scl::jsonata::builtins {

namespace {

void collect_keys(const Value& v, std::vector<std::string>& out) {
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.array_size(); ++i) {
      std::vector<std::string> inner;
      collect_keys(v.at(i), inner);
      for (auto& k : inner) {
        bool seen = false;
        for (const auto& o : out) {
          if (o == k) {
            seen = true;
            break;
          }
        }
        if (!seen) out.push_back(std::move(k));
      }
    }
  } else if (v.is_object()) {
    v.for_each_member([&](const std::string& k, const Value&) { out.push_back(k); });
  }
}

Value name_lookup(const Value& input, const std::string& key) {
  if (input.is_array()) {
    auto seq = make_sequence();
    for (std::size_t i = 0; i < input.array_size(); ++i) {
      Value res = name_lookup(input.at(i), key);
      if (res.is_undefined()) continue;
      if (res.is_array()) {
        for (std::size_t k = 0; k < res.array_size(); ++k) seq->items.push_back(res.at(k));
      } else {
        seq->items.push_back(std::move(res));
      }
    }
    return Value::array(std::move(seq));
  }
  if (input.is_object()) return input.get(key);
  return {};
}

Value spread_value(const Value& v) {
  if (v.is_array()) {
    Value result = Value::array(make_sequence());
    for (std::size_t i = 0; i < v.array_size(); ++i) result = append_values(result, spread_value(v.at(i)));
    return result;
  }
  if (v.is_object()) {
    auto seq = make_sequence();
    v.for_each_member([&](const std::string& k, const Value& m) {
      auto o = std::make_shared<Object>();
      o->members.emplace_back(k, m);
      seq->items.push_back(Value::object(std::move(o)));
    });
    return Value::array(std::move(seq));
  }
  return v;
}

// JSON.parse($string(v)): a deep copy with numbers to 15 digits and functions as "".
Value clone_deep(const Value& v) {
  switch (v.kind()) {
    case Kind::kNumber: {
      const double d = v.as_number();
      if (std::isinf(d)) throw_error_value("D1001", v);
      if (std::isnan(d)) return Value::null();
      return Value::number(round15(d));
    }
    case Kind::kFunction:
      return Value::string("");
    case Kind::kArray: {
      auto a = std::make_shared<Array>();
      for (std::size_t i = 0; i < v.array_size(); ++i) {
        Value item = v.at(i);
        a->items.push_back(item.is_undefined() ? Value::null() : clone_deep(item));
      }
      return Value::array(std::move(a));
    }
    case Kind::kObject: {
      auto o = std::make_shared<Object>();
      v.for_each_member([&](const std::string& k, const Value& m) {
        if (!m.is_undefined()) o->members.emplace_back(k, clone_deep(m));
      });
      return Value::object(std::move(o));
    }
    default:
      return v;
  }
}

}  // namespace

Value fn_keys(CallContext&, std::vector<Value>& args) {
  std::vector<std::string> keys;
  collect_keys(arg(args, 0), keys);
  auto seq = make_sequence();
  for (auto& k : keys) seq->items.push_back(Value::string(std::move(k)));
  return Value::array(std::move(seq));
}

Value fn_lookup(CallContext&, std::vector<Value>& args) {
  return name_lookup(arg(args, 0), arg(args, 1).is_undefined() ? "undefined" : arg(args, 1).as_string());
}

Value fn_spread(CallContext&, std::vector<Value>& args) { return spread_value(arg(args, 0)); }

Value fn_merge(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  auto out = std::make_shared<Object>();
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    a.at(i).for_each_member([&](const std::string& k, const Value& v) { out->set(k, v); });
  }
  ctx.ev.charge_memory(out->members.size() * 16);
  return Value::object(std::move(out));
}

Value fn_each(CallContext& ctx, std::vector<Value>& args) {
  const Value& obj = arg(args, 0);
  const Value& fn = arg(args, 1);
  auto seq = make_sequence();
  std::vector<std::pair<std::string, Value>> members;
  obj.for_each_member([&](const std::string& k, const Value& v) { members.emplace_back(k, v); });
  for (auto& [k, v] : members) {
    const int n = Evaluator::arity(fn);
    std::vector<Value> call{v};
    if (n >= 2) call.push_back(Value::string(k));
    if (n >= 3) call.push_back(obj);
    Value r = ctx.ev.apply(fn, call, Value::null(), ctx.env);
    if (!r.is_undefined()) seq->items.push_back(std::move(r));
  }
  return Value::array(std::move(seq));
}

Value fn_sift(CallContext& ctx, std::vector<Value>& args) {
  const Value& obj = arg(args, 0);
  const Value& fn = arg(args, 1);
  auto out = std::make_shared<Object>();
  std::vector<std::pair<std::string, Value>> members;
  obj.for_each_member([&](const std::string& k, const Value& v) { members.emplace_back(k, v); });
  for (auto& [k, v] : members) {
    const int n = Evaluator::arity(fn);
    std::vector<Value> call{v};
    if (n >= 2) call.push_back(Value::string(k));
    if (n >= 3) call.push_back(obj);
    if (to_boolean(ctx.ev.apply(fn, call, Value::null(), ctx.env))) out->members.emplace_back(k, v);
  }
  if (out->members.empty()) return {};
  return Value::object(std::move(out));
}

Value fn_clone(CallContext& ctx, std::vector<Value>& args) {
  const Value& v = arg(args, 0);
  if (v.is_undefined()) return {};
  ctx.ev.charge_steps(1);
  return clone_deep(v);
}

Value fn_map(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  const Value& fn = arg(args, 1);
  auto seq = make_sequence();
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    Value r = ctx.ev.call_hof(fn, a.at(i), i, a, ctx.env);
    if (!r.is_undefined()) seq->items.push_back(std::move(r));
  }
  ctx.ev.charge_memory(seq->items.size() * kSlotBytes);
  return Value::array(std::move(seq));
}

Value fn_filter(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  const Value& fn = arg(args, 1);
  auto seq = make_sequence();
  for (std::size_t i = 0; i < a.array_size(); ++i) {
    Value entry = a.at(i);
    if (to_boolean(ctx.ev.call_hof(fn, entry, i, a, ctx.env))) seq->items.push_back(std::move(entry));
  }
  return Value::array(std::move(seq));
}

Value fn_reduce(CallContext& ctx, std::vector<Value>& args) {
  const Value& a = arg(args, 0);
  if (a.is_undefined()) return {};
  const Value& fn = arg(args, 1);
  const int n = Evaluator::arity(fn);
  if (n < 2) {
    JsonataException e;
    e.info.code = "D3050";
    e.info.index = 1;
    throw e;
  }
  Value result;
  std::size_t index = 0;
  if (arg(args, 2).is_undefined() && a.array_size() > 0) {
    result = a.at(0);
    index = 1;
  } else {
    result = arg(args, 2);
  }
  for (; index < a.array_size(); ++index) {
    std::vector<Value> call{result, a.at(index)};
    if (n >= 3) call.push_back(Value::number(static_cast<double>(index)));
    if (n >= 4) call.push_back(a);
    result = ctx.ev.apply(fn, call, Value::null(), ctx.env);
  }
  return result;
}

}  // namespace scl::jsonata::builtins
