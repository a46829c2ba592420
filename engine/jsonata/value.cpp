#include "engine/jsonata/value.hpp"

#include <cmath>

#include "engine/jsonata/function.hpp"

namespace scl::jsonata {

const std::string& Value::empty_string() {
  static const std::string kEmpty;
  return kEmpty;
}

Value Value::string(std::string s) {
  Value v(Kind::kString);
  auto owned = std::make_shared<std::string>(std::move(s));
  v.u_.s = owned.get();
  v.hold_ = std::move(owned);
  return v;
}

Value Value::from_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return null();
    case Json::value_t::boolean:
      return boolean(j.get_ref<const Json::boolean_t&>());
    case Json::value_t::number_integer:
      return number(static_cast<double>(j.get_ref<const Json::number_integer_t&>()));
    case Json::value_t::number_unsigned:
      return number(static_cast<double>(j.get_ref<const Json::number_unsigned_t&>()));
    case Json::value_t::number_float:
      return number(j.get_ref<const Json::number_float_t&>());
    case Json::value_t::string:
      return string_ref(j.get_ref<const Json::string_t&>());
    case Json::value_t::array: {
      Value v(Kind::kArray);
      v.json_backed_ = true;
      v.u_.j = &j;
      return v;
    }
    case Json::value_t::object: {
      Value v(Kind::kObject);
      v.json_backed_ = true;
      v.u_.j = &j;
      return v;
    }
    default:  // binary, discarded: not produced by the JSON parser
      return {};
  }
}

Value Value::array(std::shared_ptr<Array> a) {
  Value v(Kind::kArray);
  v.hold_ = std::move(a);
  return v;
}

Value Value::object(std::shared_ptr<Object> o) {
  Value v(Kind::kObject);
  v.hold_ = std::move(o);
  return v;
}

Value Value::function(std::shared_ptr<const Function> f) {
  Value v(Kind::kFunction);
  v.hold_ = std::const_pointer_cast<Function>(std::move(f));
  return v;
}

std::size_t Value::array_size() const {
  if (kind_ != Kind::kArray) return 0;
  if (json_backed_) return u_.j->size();
  return static_cast<const Array*>(hold_.get())->items.size();
}

Value Value::at(std::size_t i) const {
  if (json_backed_) return from_json(u_.j->get_ref<const Json::array_t&>()[i]);
  return static_cast<const Array*>(hold_.get())->items[i];
}

const Array* Value::array_data() const {
  if (kind_ != Kind::kArray || json_backed_) return nullptr;
  return static_cast<const Array*>(hold_.get());
}

Array* Value::mutable_array() const {
  if (kind_ != Kind::kArray || json_backed_) return nullptr;
  return static_cast<Array*>(hold_.get());
}

bool Value::is_sequence() const {
  const Array* a = array_data();
  return a != nullptr && a->sequence;
}
bool Value::is_cons() const {
  const Array* a = array_data();
  return a != nullptr && a->cons;
}
bool Value::is_outer_wrapper() const {
  const Array* a = array_data();
  return a != nullptr && a->outer_wrapper;
}
bool Value::keep_singleton() const {
  const Array* a = array_data();
  return a != nullptr && a->keep_singleton;
}

std::size_t Value::object_size() const {
  if (kind_ != Kind::kObject) return 0;
  if (json_backed_) return u_.j->size();
  return static_cast<const Object*>(hold_.get())->members.size();
}

Value Value::get(std::string_view key) const {
  if (kind_ != Kind::kObject) return {};
  if (json_backed_) {
    // ordered_map keeps a vector: a linear search, as its own find() does (on the vector
    // directly: nlohmann's iterators dispatch on the value type at every step).
    for (const auto& [k, v] : u_.j->get_ref<const Json::object_t&>()) {
      if (k == key) return from_json(v);
    }
    return {};
  }
  const Value* v = static_cast<const Object*>(hold_.get())->find(key);
  return v != nullptr ? *v : Value();
}

bool Value::has(std::string_view key) const {
  if (kind_ != Kind::kObject) return false;
  if (json_backed_) {
    for (const auto& [k, v] : u_.j->get_ref<const Json::object_t&>()) {
      if (k == key) return true;
    }
    return false;
  }
  return static_cast<const Object*>(hold_.get())->find(key) != nullptr;
}

const Object* Value::object_data() const {
  if (kind_ != Kind::kObject || json_backed_) return nullptr;
  return static_cast<const Object*>(hold_.get());
}

Object* Value::mutable_object() const {
  if (kind_ != Kind::kObject || json_backed_) return nullptr;
  return static_cast<Object*>(hold_.get());
}

const Function* Value::function_data() const {
  if (kind_ != Kind::kFunction) return nullptr;
  return static_cast<const Function*>(hold_.get());
}

std::shared_ptr<const Function> Value::function_ptr() const {
  if (kind_ != Kind::kFunction) return nullptr;
  return std::static_pointer_cast<const Function>(hold_);
}

const void* Value::identity() const {
  if (json_backed_) return u_.j;
  return hold_.get();
}

std::shared_ptr<Array> make_sequence() {
  auto a = std::make_shared<Array>();
  a->sequence = true;
  return a;
}

const Value* Object::find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Object::set(std::string key, Value v) {
  for (auto& [k, old] : members) {
    if (k == key) {
      old = std::move(v);
      return;
    }
  }
  members.emplace_back(std::move(key), std::move(v));
}

void Object::erase(std::string_view key) {
  for (auto it = members.begin(); it != members.end(); ++it) {
    if (it->first == key) {
      members.erase(it);
      return;
    }
  }
}

bool to_boolean(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
      return false;
    case Kind::kFunction:
      // The reference's lambdas and built-ins are objects with members (truthy); its regexes
      // are JavaScript functions (falsy).
      return v.function_data()->type != Function::Type::kRegex;
    case Kind::kBool:
      return v.as_bool();
    case Kind::kNumber:
      return v.as_number() != 0 && !std::isnan(v.as_number());
    case Kind::kString:
      return !v.as_string().empty();
    case Kind::kObject:
      return v.object_size() > 0;
    case Kind::kArray: {
      const std::size_t n = v.array_size();
      if (n == 1) return to_boolean(v.at(0));
      for (std::size_t i = 0; i < n; ++i) {
        if (to_boolean(v.at(i))) return true;
      }
      return false;
    }
  }
  return false;
}

bool deep_equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.as_bool() == b.as_bool();
    case Kind::kNumber:
      return a.as_number() == b.as_number();
    case Kind::kString:
      return a.as_string() == b.as_string();
    case Kind::kFunction:
      return a.identity() == b.identity();
    case Kind::kArray: {
      if (a.identity() == b.identity()) return true;
      const std::size_t n = a.array_size();
      if (n != b.array_size()) return false;
      for (std::size_t i = 0; i < n; ++i) {
        if (!deep_equal(a.at(i), b.at(i))) return false;
      }
      return true;
    }
    case Kind::kObject: {
      if (a.identity() == b.identity()) return true;
      if (a.object_size() != b.object_size()) return false;
      bool equal = true;
      a.for_each_member([&](const std::string& k, const Value& v) {
        if (!equal) return;
        Value other = b.get(k);
        if (other.is_undefined() || !deep_equal(v, other)) equal = false;
      });
      return equal;
    }
  }
  return false;
}

Value deep_clone(const Value& v) {
  if (v.is_array()) {
    auto a = std::make_shared<Array>();
    const std::size_t n = v.array_size();
    a->items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) a->items.push_back(deep_clone(v.at(i)));
    if (const Array* src = v.array_data()) {
      a->sequence = src->sequence;
      a->keep_singleton = src->keep_singleton;
      a->cons = src->cons;
    }
    return Value::array(std::move(a));
  }
  if (v.is_object()) {
    auto o = std::make_shared<Object>();
    o->members.reserve(v.object_size());
    v.for_each_member([&](const std::string& k, const Value& m) {
      o->members.emplace_back(k, deep_clone(m));
    });
    return Value::object(std::move(o));
  }
  if (v.is_string() && v.json() == nullptr) return v;
  return v;
}

namespace {
Json number_json(double n) {
  if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 9.2e18) {
    return Json(static_cast<std::int64_t>(n));
  }
  return Json(n);
}
}  // namespace

Json Value::to_json() const {
  switch (kind_) {
    case Kind::kUndefined:
      return Json();
    case Kind::kNull:
      return Json(nullptr);
    case Kind::kBool:
      return Json(u_.b);
    case Kind::kNumber:
      return number_json(u_.n);
    case Kind::kString:
      return Json(*u_.s);
    case Kind::kFunction:
      return Json("");
    case Kind::kArray: {
      if (json_backed_) return *u_.j;
      Json out = Json::array();
      for (const Value& item : static_cast<const Array*>(hold_.get())->items) {
        if (item.is_undefined() || item.is_function()) {
          out.push_back(nullptr);
        } else {
          out.push_back(item.to_json());
        }
      }
      return out;
    }
    case Kind::kObject: {
      if (json_backed_) return *u_.j;
      Json out = Json::object();
      // Members are unique (Object::set): append to ordered_map's vector without its search.
      const auto& members = static_cast<const Object*>(hold_.get())->members;
      auto& vec = static_cast<Json::object_t::Container&>(out.get_ref<Json::object_t&>());
      vec.reserve(members.size());
      for (const auto& [k, m] : members) {
        if (m.is_undefined() || m.is_function()) continue;
        vec.emplace_back(k, m.to_json());
      }
      return out;
    }
  }
  return Json();
}

}  // namespace scl::jsonata
