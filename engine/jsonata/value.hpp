#pragma once
// The value type of the JSONata evaluator: JSON plus what JSON lacks (undefined, sequences with
// their flags, functions, regexes), in one small tagged type.
//
// Input documents are read in place: a Value made from a `Json` node borrows it (strings, arrays
// and objects point into the caller's document, which must outlive the evaluation), so an
// evaluation never converts the whole input. Values the evaluator makes itself (constructed
// arrays/objects, computed strings) are shared-owned. Conversion to nlohmann happens only at the
// interface (`to_json`).
//
// Threading: a Value is immutable once published, except the clone a transform expression
// (`| ... |`) edits in place before anyone else sees it. Copies share data (reference counted).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace scl::jsonata {

using Json = nlohmann::ordered_json;

class Value;
struct Array;
struct Object;
struct Function;

enum class Kind : std::uint8_t {
  kUndefined,
  kNull,
  kBool,
  kNumber,
  kString,
  kArray,
  kObject,
  kFunction,
};

class Value {
 public:
  Value() = default;  // undefined

  static Value null() { return Value(Kind::kNull); }
  static Value boolean(bool b) {
    Value v(Kind::kBool);
    v.u_.b = b;
    return v;
  }
  static Value number(double n) {
    Value v(Kind::kNumber);
    v.u_.n = n;
    return v;
  }
  static Value string(std::string s);
  /// Borrows `s` (which must outlive the value).
  static Value string_ref(const std::string& s) {
    Value v(Kind::kString);
    v.u_.s = &s;
    return v;
  }
  /// Borrows `j` and its children (they must outlive the value).
  static Value from_json(const Json& j);
  static Value array(std::shared_ptr<Array> a);
  static Value object(std::shared_ptr<Object> o);
  static Value function(std::shared_ptr<const Function> f);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is_undefined() const { return kind_ == Kind::kUndefined; }
  [[nodiscard]] bool is_null() const { return kind_ == Kind::kNull; }
  [[nodiscard]] bool is_bool() const { return kind_ == Kind::kBool; }
  [[nodiscard]] bool is_number() const { return kind_ == Kind::kNumber; }
  [[nodiscard]] bool is_string() const { return kind_ == Kind::kString; }
  [[nodiscard]] bool is_array() const { return kind_ == Kind::kArray; }
  [[nodiscard]] bool is_object() const { return kind_ == Kind::kObject; }
  [[nodiscard]] bool is_function() const { return kind_ == Kind::kFunction; }

  // Accessors never fail: a value of another kind reads as false, NaN (JavaScript's
  // Number(undefined)) or the empty string, so a built-in handed an undefined argument cannot
  // crash whatever its signature let through.
  [[nodiscard]] bool as_bool() const { return kind_ == Kind::kBool && u_.b; }
  [[nodiscard]] double as_number() const {
    return kind_ == Kind::kNumber ? u_.n : std::numeric_limits<double>::quiet_NaN();
  }
  [[nodiscard]] const std::string& as_string() const {
    return kind_ == Kind::kString ? *u_.s : empty_string();
  }
  static const std::string& empty_string();

  // Arrays: either the evaluator's own (`array_data()` non-null, with sequence flags) or a borrowed
  // JSON array (no flags).
  [[nodiscard]] std::size_t array_size() const;
  [[nodiscard]] Value at(std::size_t i) const;
  [[nodiscard]] const Array* array_data() const;
  [[nodiscard]] Array* mutable_array() const;  // own arrays only (transform clones)
  [[nodiscard]] bool is_sequence() const;
  [[nodiscard]] bool is_cons() const;
  [[nodiscard]] bool is_outer_wrapper() const;
  [[nodiscard]] bool keep_singleton() const;

  // Objects.
  [[nodiscard]] std::size_t object_size() const;
  /// The member's value, or undefined.
  [[nodiscard]] Value get(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const;
  /// Calls f(const std::string& key, Value value) for each member in order.
  template <class F>
  void for_each_member(F&& f) const;
  [[nodiscard]] const Object* object_data() const;
  [[nodiscard]] Object* mutable_object() const;  // own objects only (transform clones)
  [[nodiscard]] const Json* json() const { return json_backed_ ? u_.j : nullptr; }

  [[nodiscard]] const Function* function_data() const;
  [[nodiscard]] std::shared_ptr<const Function> function_ptr() const;

  /// Identity for `in` and `=` on functions/objects (JavaScript ===).
  [[nodiscard]] const void* identity() const;

  /// JSON at the interface, as JSON.stringify makes it: integral doubles become JSON integers
  /// (as JavaScript prints them), undefined and functions are null in arrays and left out of
  /// objects. The caller handles an undefined or function top-level value.
  [[nodiscard]] Json to_json() const;

 private:
  explicit Value(Kind k) : kind_(k) {}
  Kind kind_ = Kind::kUndefined;
  bool json_backed_ = false;
  union {
    bool b;
    double n;
    const std::string* s;
    const Json* j;
  } u_{};
  std::shared_ptr<void> hold_;
};

struct Array {
  std::vector<Value> items;
  bool sequence = false;        // a result sequence: flattened into parents, singleton unwrapped
  bool keep_singleton = false;  // `[]` on a step: a singleton sequence stays an array
  bool outer_wrapper = false;   // the wrapper of an array input document
  bool cons = false;            // made by an array constructor `[...]`: not flattened by paths
  bool tuple_stream = false;    // items are tuples: objects {"@": focus, bound names...}

  Array() = default;
  explicit Array(std::vector<Value> v) : items(std::move(v)) {}
};

std::shared_ptr<Array> make_sequence();

struct Object {
  std::vector<std::pair<std::string, Value>> members;  // insertion order
  [[nodiscard]] const Value* find(std::string_view key) const;
  /// Replaces an existing member's value in place or appends.
  void set(std::string key, Value v);
  void erase(std::string_view key);
};

template <class F>
void Value::for_each_member(F&& f) const {
  if (kind_ != Kind::kObject) return;
  if (json_backed_) {
    for (const auto& [k, v] : u_.j->template get_ref<const Json::object_t&>()) f(k, Value::from_json(v));
  } else {
    for (const auto& [k, v] : static_cast<const Object*>(hold_.get())->members) f(k, v);
  }
}

/// The reference's fn.boolean (arrays by their members; lambdas and built-ins true, regexes false).
bool to_boolean(const Value& v);
/// Deep equality (JSONata `=`).
bool deep_equal(const Value& a, const Value& b);

/// Deep copy into own (mutable) arrays and objects.
Value deep_clone(const Value& v);

}  // namespace scl::jsonata
