#include "engine/model/service_model.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "engine/core/echo.hpp"
#include "engine/core/json_convert.hpp"
#include "engine/core/regex.hpp"
#include "engine/model/embedded_models.hpp"
#include "engine/model/java_regex.hpp"

namespace scl::model {
namespace {

using json = nlohmann::json;

constexpr std::uint32_t kNoShape = std::numeric_limits<std::uint32_t>::max();
// Structures with up to this many members are checked without heap allocation.
constexpr std::size_t kInlineMembers = 64;

enum class Type : std::uint8_t {
  kStructure,
  kList,
  kMap,
  kString,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kBoolean,
  kTimestamp,
  kBlob,
  kOther,
};

Type type_from_wire(std::string_view t) {
  if (t == "structure") return Type::kStructure;
  if (t == "list") return Type::kList;
  if (t == "map") return Type::kMap;
  if (t == "string") return Type::kString;
  if (t == "integer") return Type::kInteger;
  if (t == "long") return Type::kLong;
  if (t == "float") return Type::kFloat;
  if (t == "double") return Type::kDouble;
  if (t == "boolean") return Type::kBoolean;
  if (t == "timestamp") return Type::kTimestamp;
  if (t == "blob") return Type::kBlob;
  return Type::kOther;
}

bool is_scalar(Type t) { return t != Type::kStructure && t != Type::kList && t != Type::kMap; }

// Bits returned by the scalar checks: which constraints a value fails.
enum Failure : unsigned {
  kFailMaxLength = 1U << 0,
  kFailMinLength = 1U << 1,
  kFailMaxValue = 1U << 2,
  kFailMinValue = 1U << 3,
  kFailPattern = 1U << 4,
  kFailEnum = 1U << 5,
  kFailNull = 1U << 6,  // a null list element or map value
};
constexpr unsigned kSerializationFailure = 1U << 31;

// A model pattern ready to match: core::Regex (PCRE2 under its match, depth and heap limits),
// with a table of the admitted ASCII characters in front when the pattern is one repeated
// character class (most model patterns): ASCII values then need no regex at all. Immutable,
// shared by shapes, matched from any thread.
struct CompiledPattern {
  core::Regex regex;
  bool has_table = false;
  std::bitset<128> ascii;
  std::size_t min_count = 0;

  // A cost limit hit (or any other failure of the match) counts as not matching: the value is
  // reported with the pattern's normal message (issue 11, finding 1 for validation).
  [[nodiscard]] bool matches(std::string_view s) const {
    if (has_table && std::all_of(s.begin(), s.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x80;
        })) {
      if (s.size() < min_count) return false;
      return std::all_of(s.begin(), s.end(),
                         [this](char c) { return ascii.test(static_cast<unsigned char>(c)); });
    }
    return regex.full_match(s) == core::Regex::Outcome::kMatch;
  }
};

std::shared_ptr<const CompiledPattern> compile_pattern(std::string_view java) {
  const auto translated = java_regex_to_pcre2(java);
  if (!translated) return nullptr;
  auto re = core::Regex::compile(*translated);
  if (!re) return nullptr;
  auto p = std::make_shared<CompiledPattern>(CompiledPattern{std::move(*re), false, {}, 0});
  if (const auto rc = as_repeated_class(*translated)) {
    auto one = core::Regex::compile(rc->bracket);
    if (one) {
      for (std::size_t b = 0; b < 128; ++b) {
        const char c = static_cast<char>(b);
        p->ascii.set(b, one->full_match(std::string_view(&c, 1)) == core::Regex::Outcome::kMatch);
      }
      p->has_table = true;
      p->min_count = rc->min_count;
    }
  }
  return p;
}

struct Member {
  std::string name;
  std::string pascal;
  std::uint32_t shape = kNoShape;
  bool required = false;
};

struct Shape {
  std::string name;
  Type type = Type::kOther;
  bool sensitive = false;
  bool has_min = false;
  bool has_max = false;
  double min = 0;
  double max = 0;
  std::size_t min_len = 0;                         // has_min as a length
  std::size_t max_len = 0;                         // has_max as a length
  std::string pattern;                             // Java text as in the model
  std::shared_ptr<const CompiledPattern> matcher;  // null: no pattern, or skipped
  bool pattern_skipped = false;
  std::vector<std::string> enum_values;       // model order
  std::vector<std::string_view> enum_sorted;  // for lookup
  std::vector<Member> members;                // declaration order
  std::vector<std::uint32_t> by_name;         // member indices sorted by name
  std::vector<std::uint32_t> by_pascal;       // member indices sorted by PascalCase name
  std::uint32_t member = kNoShape;            // list element
  std::uint32_t key = kNoShape;               // map
  std::uint32_t value = kNoShape;             // map
  // Precomputed constraint texts.
  std::string max_text;  // "Member must have length|value less than or equal to N"
  std::string min_text;
  std::string pattern_text;
  std::string enum_text;
  std::string all_constraints;  // "[max, min, pattern, enum, Member must not be null]"
};

std::string number_text(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  return json(v).dump();
}

std::string capitalise(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  return out;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

bool two_digits(std::string_view s, std::size_t at) {
  return at + 2 <= s.size() && s[at] >= '0' && s[at] <= '9' && s[at + 1] >= '0' && s[at + 1] <= '9';
}

// ISO 8601 date-time as botocore/JS SDKs write it: YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|+HHMM].
bool is_iso8601(std::string_view s) {
  if (s.size() < 19) return false;
  if (!two_digits(s, 0) || !two_digits(s, 2) || s[4] != '-' || !two_digits(s, 5) || s[7] != '-' ||
      !two_digits(s, 8) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !two_digits(s, 11) ||
      s[13] != ':' || !two_digits(s, 14) || s[16] != ':' || !two_digits(s, 17)) {
    return false;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t digits = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == digits) return false;
  }
  if (i == s.size()) return true;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
  if (s[i] != '+' && s[i] != '-') return false;
  ++i;
  if (!two_digits(s, i)) return false;
  i += 2;
  if (i < s.size() && s[i] == ':') ++i;
  return two_digits(s, i) && i + 2 == s.size();
}

// Java-toString-like rendering of a value inside a validation message. Stops once `out` is
// longer than `limit` bytes: the caller cuts the text to core::kEchoMaxChars characters anyway,
// and a 5 MiB value (or a list of many) must not be copied whole first.
void render(const json& v, std::string& out, std::size_t limit) {
  if (out.size() > limit) return;
  switch (v.type()) {
    case json::value_t::string: {
      const auto& str = v.get_ref<const std::string&>();
      out.append(str, 0, std::min(str.size(), limit + 1 - std::min(limit + 1, out.size())));
      break;
    }
    case json::value_t::number_integer:
      out += std::to_string(v.get<std::int64_t>());
      break;
    case json::value_t::number_unsigned:
      out += std::to_string(v.get<std::uint64_t>());
      break;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (out.size() > limit) return;
        if (!first) out += ", ";
        first = false;
        render(e, out, limit);
      }
      out += ']';
      break;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (out.size() > limit) return;
        if (!first) out += ", ";
        first = false;
        out.append(k, 0, std::min(k.size(), limit + 1 - std::min(limit + 1, out.size())));
        out += '=';
        render(e, out, limit);
      }
      out += '}';
      break;
    }
    default:
      out += v.dump();
      break;
  }
}

const char* scalar_token(const json& v) {
  if (v.is_string()) return "STRING_VALUE";
  if (v.is_number()) return "NUMBER_VALUE";
  if (v.is_boolean()) return v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE";
  return "VALUE";
}

const char* java_type(Type t) {
  switch (t) {
    case Type::kString:
      return "a String";
    case Type::kInteger:
      return "an Integer";
    case Type::kLong:
      return "a Long";
    case Type::kFloat:
      return "a Float";
    case Type::kDouble:
      return "a Double";
    case Type::kBoolean:
      return "a Boolean";
    case Type::kTimestamp:
      return "a Timestamp";
    case Type::kBlob:
      return "a ByteBuffer";
    default:
      return "a Value";
  }
}

}  // namespace

struct ServiceModel::Impl {
  std::string target_prefix;
  std::string json_version;
  std::string service_id;
  std::vector<Shape> shapes;
  std::map<std::string, std::uint32_t, std::less<>> shape_ids;
  std::vector<OperationInfo> operations;  // sorted by name
  std::vector<std::uint32_t> op_input;    // parallel to operations; kNoShape if none
  std::vector<std::uint32_t> op_output;

  [[nodiscard]] const Shape* find_shape(std::string_view name) const noexcept {
    auto it = shape_ids.find(name);
    return it == shape_ids.end() ? nullptr : &shapes[it->second];
  }
  [[nodiscard]] std::uint32_t shape_id(std::string_view name) const {
    auto it = shape_ids.find(name);
    if (it == shape_ids.end()) {
      throw std::invalid_argument("unknown shape: " + std::string(name));
    }
    return it->second;
  }
  [[nodiscard]] std::ptrdiff_t op_index(std::string_view name) const noexcept {
    auto it =
        std::lower_bound(operations.begin(), operations.end(), name,
                         [](const OperationInfo& o, std::string_view n) { return o.name < n; });
    if (it == operations.end() || it->name != name) return -1;
    return it - operations.begin();
  }
  [[nodiscard]] std::size_t require_op(std::string_view name) const {
    const std::ptrdiff_t i = op_index(name);
    if (i < 0) throw std::invalid_argument("unknown operation: " + std::string(name));
    return static_cast<std::size_t>(i);
  }
};

namespace {

using Impl = ServiceModel::Impl;

// ---------------------------------------------------------------------------------------------
// Loading

void finish_constraints(Shape& s) {
  const bool lengthy = s.type == Type::kString || s.type == Type::kList || s.type == Type::kMap ||
                       s.type == Type::kBlob;
  const char* what = lengthy ? "length" : "value";
  if (s.has_max) {
    s.max_text =
        std::string("Member must have ") + what + " less than or equal to " + number_text(s.max);
    s.max_len = s.max < 0 ? 0 : static_cast<std::size_t>(s.max);
  }
  if (s.has_min) {
    s.min_text =
        std::string("Member must have ") + what + " greater than or equal to " + number_text(s.min);
    s.min_len = s.min < 0 ? 0 : static_cast<std::size_t>(s.min);
  }
  if (!s.pattern.empty()) {
    s.pattern_text = "Member must satisfy regular expression pattern: " + s.pattern;
  }
  if (!s.enum_values.empty()) {
    s.enum_text = "Member must satisfy enum value set: [";
    for (std::size_t i = 0; i < s.enum_values.size(); ++i) {
      if (i != 0) s.enum_text += ", ";
      s.enum_text += s.enum_values[i];
    }
    s.enum_text += ']';
    s.enum_sorted.assign(s.enum_values.begin(), s.enum_values.end());
    std::sort(s.enum_sorted.begin(), s.enum_sorted.end());
  }
  s.all_constraints = "[";
  for (const std::string* t : {&s.max_text, &s.min_text, &s.pattern_text, &s.enum_text}) {
    if (t->empty()) continue;
    s.all_constraints += *t;
    s.all_constraints += ", ";
  }
  s.all_constraints += "Member must not be null]";
}

std::unique_ptr<const Impl> load(const json& doc) {
  auto impl = std::make_unique<Impl>();
  const json& meta = doc.at("metadata");
  impl->target_prefix = meta.value("targetPrefix", "");
  impl->json_version = meta.value("jsonVersion", "");
  impl->service_id = meta.value("serviceId", "");

  const json& shapes = doc.at("shapes");
  impl->shapes.resize(shapes.size());
  std::uint32_t next = 0;
  for (const auto& [name, _] : shapes.items()) {
    impl->shapes[next].name = name;
    impl->shape_ids.emplace(name, next++);
  }
  auto id = [&](const json& name) { return impl->shape_id(name.get_ref<const std::string&>()); };

  std::map<std::string, std::shared_ptr<const CompiledPattern>> regex_cache;
  for (const auto& [name, def] : shapes.items()) {
    Shape& s = impl->shapes[impl->shape_ids.at(name)];
    s.type = type_from_wire(def.at("type").get_ref<const std::string&>());
    s.sensitive = def.value("sensitive", false);
    if (def.contains("min")) {
      s.has_min = true;
      s.min = def["min"].get<double>();
    }
    if (def.contains("max")) {
      s.has_max = true;
      s.max = def["max"].get<double>();
    }
    if (def.contains("enum")) s.enum_values = def["enum"].get<std::vector<std::string>>();
    if (def.contains("pattern")) {
      s.pattern = def["pattern"].get<std::string>();
      auto [it, inserted] = regex_cache.try_emplace(s.pattern);
      if (inserted) it->second = compile_pattern(s.pattern);
      s.matcher = it->second;
      s.pattern_skipped = s.matcher == nullptr;
    }
    if (def.contains("member")) s.member = id(def["member"]);
    if (def.contains("key")) s.key = id(def["key"]);
    if (def.contains("value")) s.value = id(def["value"]);
    if (def.contains("members")) {
      std::vector<std::string> required;
      if (def.contains("required")) required = def["required"].get<std::vector<std::string>>();
      for (const json& m : def["members"]) {
        Member mem;
        mem.name = m.at("name").get<std::string>();
        mem.pascal = capitalise(mem.name);
        mem.shape = id(m.at("shape"));
        mem.required = std::find(required.begin(), required.end(), mem.name) != required.end();
        s.members.push_back(std::move(mem));
      }
      s.by_name.resize(s.members.size());
      for (std::uint32_t i = 0; i < s.by_name.size(); ++i) s.by_name[i] = i;
      s.by_pascal = s.by_name;
      std::sort(s.by_name.begin(), s.by_name.end(), [&](std::uint32_t a, std::uint32_t b) {
        return s.members[a].name < s.members[b].name;
      });
      std::stable_sort(s.by_pascal.begin(), s.by_pascal.end(),
                       [&](std::uint32_t a, std::uint32_t b) {
                         return s.members[a].pascal < s.members[b].pascal;
                       });
    }
    finish_constraints(s);
  }

  const json& ops = doc.at("operations");
  for (const auto& [name, def] : ops.items()) {  // nlohmann objects iterate sorted by key
    OperationInfo info;
    info.name = name;
    info.input_shape = def.value("input", "");
    info.output_shape = def.value("output", "");
    if (def.contains("errors")) info.errors = def["errors"].get<std::vector<std::string>>();
    impl->op_input.push_back(info.input_shape.empty() ? kNoShape
                                                      : impl->shape_id(info.input_shape));
    impl->op_output.push_back(info.output_shape.empty() ? kNoShape
                                                        : impl->shape_id(info.output_shape));
    impl->operations.push_back(std::move(info));
  }
  return impl;
}

const Member* member_by(const Shape& s, const std::vector<std::uint32_t>& index,
                        std::string Member::*field, std::string_view key) {
  auto it =
      std::lower_bound(index.begin(), index.end(), key, [&](std::uint32_t i, std::string_view k) {
        return std::string_view(s.members[i].*field) < k;
      });
  if (it == index.end() || s.members[*it].*field != key) return nullptr;
  return &s.members[*it];
}

// ---------------------------------------------------------------------------------------------
// Validation

class Checker {
 public:
  explicit Checker(const Impl& model) : model_(model) { path_.reserve(128); }

  // Checks `v` (not null) against shape `id`. Returns false once a serialization problem is
  // found; violations accumulate in errors_.
  bool value(std::uint32_t id, const json& v) {
    const Shape& s = model_.shapes[id];
    switch (s.type) {
      case Type::kStructure:
        if (v.is_object()) return structure(s, v);
        return serialization(v.is_array() ? "Start of list found where not expected"
                                          : "Expected null");
      case Type::kMap:
        if (v.is_object()) return map(s, v);
        return serialization(v.is_array() ? "Start of list found where not expected"
                                          : "Expected null");
      case Type::kList:
        if (v.is_array()) return list(s, v);
        return serialization(v.is_object() ? "Start of structure or map found where not expected."
                                           : "Expected list or null");
      default: {
        const unsigned f = scalar(s, v);
        if (f == kSerializationFailure) return false;
        if (f != 0) report_scalar(s, v, f);
        return true;
      }
    }
  }

  [[nodiscard]] std::optional<InputProblem> result() {
    if (serialization_) {
      return InputProblem{InputProblem::Kind::kSerialization, std::move(*serialization_)};
    }
    if (errors_.empty()) return std::nullopt;
    std::string msg = std::to_string(errors_.size());
    msg += errors_.size() == 1 ? " validation error detected: " : " validation errors detected: ";
    for (std::size_t i = 0; i < errors_.size(); ++i) {
      if (i != 0) msg += "; ";
      msg += errors_[i];
    }
    return InputProblem{InputProblem::Kind::kValidation, std::move(msg)};
  }

 private:
  bool serialization(std::string message) {
    serialization_ = std::move(message);
    return false;
  }

  bool scalar_type_error(const Shape& s, const json& v) {
    if (v.is_array()) return serialization("Start of list found where not expected");
    if (v.is_object()) return serialization("Start of structure or map found where not expected.");
    return serialization(std::string(scalar_token(v)) + " can not be converted to " +
                         java_type(s.type));
  }

  static unsigned string_failures(const Shape& s, std::string_view str) {
    unsigned f = 0;
    if (s.has_max || s.has_min) {
      const std::size_t bytes = str.size();
      // code points <= bytes <= 4 * code points: count only when the bytes cannot decide.
      const bool max_undecided = s.has_max && bytes > s.max_len;
      const bool min_undecided = s.has_min && bytes < 4 * s.min_len;
      if (max_undecided || min_undecided) {
        const std::size_t cps = code_points(str);
        if (s.has_max && cps > s.max_len) f |= kFailMaxLength;
        if (s.has_min && cps < s.min_len) f |= kFailMinLength;
      }
    }
    if (s.matcher && !s.matcher->matches(str)) {
      f |= kFailPattern;
    }
    if (!s.enum_sorted.empty() &&
        !std::binary_search(s.enum_sorted.begin(), s.enum_sorted.end(), str)) {
      f |= kFailEnum;
    }
    return f;
  }

  static unsigned range_failures(const Shape& s, double x) {
    unsigned f = 0;
    if (s.has_max && x > s.max) f |= kFailMaxValue;
    if (s.has_min && x < s.min) f |= kFailMinValue;
    return f;
  }

  // Type check + constraint check of a scalar. Returns kSerializationFailure or failure bits.
  unsigned scalar(const Shape& s, const json& v) {
    switch (s.type) {
      case Type::kString:
        if (v.is_string()) return string_failures(s, v.get_ref<const std::string&>());
        break;
      case Type::kBlob:
        if (v.is_string()) return 0;
        break;
      case Type::kInteger:
      case Type::kLong: {
        if (!v.is_number()) break;
        const bool is_int = s.type == Type::kInteger;
        double x = 0;
        if (v.is_number_unsigned()) {
          const auto u = v.get<std::uint64_t>();
          if (u > static_cast<std::uint64_t>(is_int ? 2147483647 : 9223372036854775807)) {
            return number_error(s);
          }
          x = static_cast<double>(u);
        } else if (v.is_number_integer()) {
          const auto i = v.get<std::int64_t>();
          if (is_int && (i < -2147483648LL || i > 2147483647LL)) return number_error(s);
          x = static_cast<double>(i);
        } else {
          x = v.get<double>();
          const bool in_range = is_int ? (x >= -2147483648.0 && x <= 2147483647.0)
                                       : (x >= -9223372036854775808.0 && x < 9223372036854775808.0);
          if (!std::isfinite(x) || std::floor(x) != x || !in_range) return number_error(s);
        }
        return range_failures(s, x);
      }
      case Type::kFloat:
      case Type::kDouble:
        if (v.is_number()) return range_failures(s, v.get<double>());
        break;
      case Type::kBoolean:
        if (v.is_boolean()) return 0;
        break;
      case Type::kTimestamp:
        if (v.is_number()) return 0;
        if (v.is_string() && is_iso8601(v.get_ref<const std::string&>())) return 0;
        break;
      default:
        return 0;
    }
    scalar_type_error(s, v);
    return kSerializationFailure;
  }

  unsigned number_error(const Shape& s) {
    serialization(std::string("NUMBER_VALUE can not be converted to ") + java_type(s.type));
    return kSerializationFailure;
  }

  void violation(const Shape* s, const json* v, std::string_view path, std::string_view text) {
    std::string e;
    e.reserve(path.size() + text.size() + 64);
    if (v == nullptr) {
      e += "Value null at '";
    } else if (s != nullptr && s->sensitive) {
      e += "Value at '";
    } else {
      e += "Value '";
      const std::size_t from = e.size();
      if (s != nullptr && (s->type == Type::kInteger || s->type == Type::kLong) &&
          v->is_number_float()) {
        e += number_text(v->get<double>());  // 3000.0 was read as the integer 3000
      } else {
        // 4 bytes per character at most, and one more byte tells that there is more.
        render(*v, e, from + 4 * core::kEchoMaxChars + 1);
      }
      core::echo_tail(e, from);
      e += "' at '";
    }
    e += path;
    e += "' failed to satisfy constraint: ";
    e += text;
    errors_.push_back(std::move(e));
  }

  void report_scalar(const Shape& s, const json& v, unsigned f) {
    if ((f & kFailMaxLength) != 0U || (f & kFailMaxValue) != 0U)
      violation(&s, &v, path_, s.max_text);
    if ((f & kFailMinLength) != 0U || (f & kFailMinValue) != 0U)
      violation(&s, &v, path_, s.min_text);
    if ((f & kFailPattern) != 0U) violation(&s, &v, path_, s.pattern_text);
    if ((f & kFailEnum) != 0U) violation(&s, &v, path_, s.enum_text);
  }

  void report_length(const Shape& s, const json& v, std::size_t count) {
    if (s.has_max && count > s.max_len) violation(&s, &v, path_, s.max_text);
    if (s.has_min && count < s.min_len) violation(&s, &v, path_, s.min_text);
  }

  bool structure(const Shape& s, const json& v) {
    const auto& obj = v.get_ref<const json::object_t&>();
    const std::size_t n = s.members.size();
    // Not value-initialised: zeroing all kInlineMembers slots showed up as ~20% of a check.
    std::array<const json*, kInlineMembers> inline_found;  // NOLINT(*-member-init)
    std::vector<const json*> heap_found;
    const json** found = inline_found.data();
    if (n > kInlineMembers) {
      heap_found.resize(n);
      found = heap_found.data();
    }
    std::fill_n(found, n, nullptr);
    // Merge join: the body's keys (std::map order) against the member names sorted the same way.
    auto it = obj.begin();
    std::size_t k = 0;
    while (it != obj.end() && k < n) {
      const int c = it->first.compare(s.members[s.by_name[k]].name);
      if (c < 0) {
        ++it;
      } else if (c > 0) {
        ++k;
      } else {
        found[s.by_name[k]] = &it->second;
        ++it;
        ++k;
      }
    }
    const std::size_t mark = path_.size();
    for (std::size_t i = 0; i < n; ++i) {
      const Member& m = s.members[i];
      const json* mv = found[i];
      if (mv == nullptr || mv->is_null()) {
        if (m.required) {
          push(m.name);
          violation(nullptr, nullptr, path_, "Member must not be null");
          path_.resize(mark);
        }
        continue;
      }
      push(m.name);
      const bool ok = value(m.shape, *mv);
      path_.resize(mark);
      if (!ok) return false;
    }
    return true;
  }

  bool list(const Shape& s, const json& v) {
    report_length(s, v, v.size());
    if (s.member == kNoShape) return true;
    const Shape& e = model_.shapes[s.member];
    // A null element breaks the element's "Member must not be null" (coral lists it with the
    // other constraints); skipping it let [null] through to the services, which then failed
    // with an InternalFailure (500) reading it.
    if (is_scalar(e.type)) {
      unsigned any = 0;
      for (const json& el : v) {
        if (el.is_null()) {
          any |= kFailNull;
          continue;
        }
        const unsigned f = scalar(e, el);
        if (f == kSerializationFailure) return false;
        any |= f;
      }
      if (any != 0) {
        violation(&e, &v, path_, "Member must satisfy constraint: " + e.all_constraints);
      }
      return true;
    }
    const std::size_t mark = path_.size();
    std::size_t index = 0;
    for (const json& el : v) {
      ++index;
      path_ += '.';
      path_ += std::to_string(index);
      path_ += ".member";
      if (el.is_null()) {
        violation(nullptr, nullptr, path_, "Member must not be null");
        path_.resize(mark);
        continue;
      }
      const bool ok = value(s.member, el);
      path_.resize(mark);
      if (!ok) return false;
    }
    return true;
  }

  bool map(const Shape& s, const json& v) {
    report_length(s, v, v.size());
    const auto& obj = v.get_ref<const json::object_t&>();
    if (s.key != kNoShape) {
      const Shape& ks = model_.shapes[s.key];
      unsigned any = 0;
      for (const auto& [key, _] : obj) any |= string_failures(ks, key);
      if (any != 0) {
        violation(&ks, &v, path_, "Map keys must satisfy constraint: " + ks.all_constraints);
      }
    }
    if (s.value == kNoShape) return true;
    const Shape& vs = model_.shapes[s.value];
    if (is_scalar(vs.type)) {
      unsigned any = 0;
      for (const auto& [_, el] : obj) {
        if (el.is_null()) {
          any |= kFailNull;
          continue;
        }
        const unsigned f = scalar(vs, el);
        if (f == kSerializationFailure) return false;
        any |= f;
      }
      if (any != 0) {
        violation(&vs, &v, path_, "Map value must satisfy constraint: " + vs.all_constraints);
      }
      return true;
    }
    const std::size_t mark = path_.size();
    for (const auto& [key, el] : obj) {
      push(key);
      path_ += ".member";
      if (el.is_null()) {
        violation(nullptr, nullptr, path_, "Member must not be null");
        path_.resize(mark);
        continue;
      }
      const bool ok = value(s.value, el);
      path_.resize(mark);
      if (!ok) return false;
    }
    return true;
  }

  void push(std::string_view name) {
    if (!path_.empty()) path_ += '.';
    path_ += name;
  }

  const Impl& model_;
  std::string path_;
  std::vector<std::string> errors_;
  std::optional<std::string> serialization_;
};

std::optional<InputProblem> check(const Impl& impl, std::uint32_t id, const json& body) {
  Checker checker(impl);
  static const json kEmptyObject = json::object();
  // An empty request body means "no members": required members are still reported.
  checker.value(id, body.is_null() ? kEmptyObject : body);
  return checker.result();
}

// ---------------------------------------------------------------------------------------------
// Name conversion

json to_pascal_impl(const Impl& impl, std::uint32_t id, const json& v,
                    TimestampFormat ts = TimestampFormat::kAsIs) {
  const Shape& s = impl.shapes[id];
  if (s.type == Type::kTimestamp && v.is_number() && ts == TimestampFormat::kEpochMillis) {
    return static_cast<std::int64_t>(std::llround(v.get<double>() * 1000.0));
  }
  if (s.type == Type::kStructure && v.is_object()) {
    json out = json::object();
    for (const auto& [key, value] : v.get_ref<const json::object_t&>()) {
      if (const Member* m = member_by(s, s.by_name, &Member::name, key)) {
        out[m->pascal] = to_pascal_impl(impl, m->shape, value, ts);
      } else {
        out[capitalise(key)] = value;
      }
    }
    return out;
  }
  if (s.type == Type::kList && v.is_array() && s.member != kNoShape) {
    json out = json::array();
    for (const json& e : v) out.push_back(to_pascal_impl(impl, s.member, e, ts));
    return out;
  }
  return v;
}

// The ordered_json flavour of to_pascal_impl, in one pass (the task results of the Step
// Functions integrations are ordered_json). Object members come out in the order the `json`
// flavour would hold them: sorted by their PascalCase name, a later duplicate winning.
using OrderedVector = nlohmann::ordered_json::object_t::Container;

nlohmann::ordered_json ordered_copy(const json& v) {
  return core::json_convert<nlohmann::ordered_json>(v);
}

nlohmann::ordered_json to_pascal_ordered(const Impl& impl, std::uint32_t id, const json& v,
                                         TimestampFormat ts) {
  const Shape& s = impl.shapes[id];
  if (s.type == Type::kTimestamp && v.is_number() && ts == TimestampFormat::kEpochMillis) {
    return static_cast<std::int64_t>(std::llround(v.get<double>() * 1000.0));
  }
  if (s.type == Type::kStructure && v.is_object()) {
    std::vector<std::pair<std::string, nlohmann::ordered_json>> entries;
    entries.reserve(v.size());
    for (const auto& [key, value] : v.get_ref<const json::object_t&>()) {
      if (const Member* m = member_by(s, s.by_name, &Member::name, key)) {
        entries.emplace_back(m->pascal, to_pascal_ordered(impl, m->shape, value, ts));
      } else {
        entries.emplace_back(capitalise(key), ordered_copy(value));
      }
    }
    const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    // Sorted camelCase names stay sorted when capitalised unless some start upper-case.
    if (!std::is_sorted(entries.begin(), entries.end(), by_key))
      std::stable_sort(entries.begin(), entries.end(), by_key);
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    auto& members = static_cast<OrderedVector&>(out.get_ref<nlohmann::ordered_json::object_t&>());
    members.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
      members.emplace_back(std::move(entries[i].first), std::move(entries[i].second));
    }
    return out;
  }
  if (s.type == Type::kList && v.is_array() && s.member != kNoShape) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    out.get_ref<nlohmann::ordered_json::array_t&>().reserve(v.size());
    for (const json& e : v) out.push_back(to_pascal_ordered(impl, s.member, e, ts));
    return out;
  }
  return ordered_copy(v);
}

void pointer_append(std::string& path, std::string_view token) {
  path += '/';
  for (const char c : token) {
    if (c == '~') {
      path += "~0";
    } else if (c == '/') {
      path += "~1";
    } else {
      path += c;
    }
  }
}

json from_pascal_impl(const Impl& impl, std::uint32_t id, const json& v, std::string& path,
                      std::vector<UnknownField>& unknown) {
  const Shape& s = impl.shapes[id];
  if (s.type == Type::kStructure && v.is_object()) {
    json out = json::object();
    const std::size_t mark = path.size();
    for (const auto& [key, value] : v.get_ref<const json::object_t&>()) {
      pointer_append(path, key);
      if (const Member* m = member_by(s, s.by_pascal, &Member::pascal, key)) {
        out[m->name] = from_pascal_impl(impl, m->shape, value, path, unknown);
      } else {
        unknown.push_back(UnknownField{key, path});
      }
      path.resize(mark);
    }
    return out;
  }
  if (s.type == Type::kList && v.is_array() && s.member != kNoShape) {
    json out = json::array();
    const std::size_t mark = path.size();
    std::size_t index = 0;
    for (const json& e : v) {
      path += '/';
      path += std::to_string(index++);
      out.push_back(from_pascal_impl(impl, s.member, e, path, unknown));
      path.resize(mark);
    }
    return out;
  }
  return v;
}

std::unique_ptr<const Impl> load_chunks(std::span<const std::string_view> chunks) {
  std::string text;
  std::size_t size = 0;
  for (const auto c : chunks) size += c.size();
  text.reserve(size);
  for (const auto c : chunks) text += c;
  return load(json::parse(text));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ServiceModel

ServiceModel::ServiceModel(std::unique_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}
ServiceModel::ServiceModel(ServiceModel&&) noexcept = default;
ServiceModel& ServiceModel::operator=(ServiceModel&&) noexcept = default;
ServiceModel::~ServiceModel() = default;

const ServiceModel& ServiceModel::codebuild() {
  static const ServiceModel model(load_chunks(embedded::codebuild_json()));
  return model;
}

const ServiceModel& ServiceModel::stepfunctions() {
  static const ServiceModel model(load_chunks(embedded::stepfunctions_json()));
  return model;
}

ServiceModel ServiceModel::parse(std::string_view json_text) {
  return ServiceModel(load(json::parse(json_text)));
}

const std::string& ServiceModel::target_prefix() const noexcept { return impl_->target_prefix; }
const std::string& ServiceModel::json_version() const noexcept { return impl_->json_version; }
const std::string& ServiceModel::service_id() const noexcept { return impl_->service_id; }

bool ServiceModel::has_operation(std::string_view name) const noexcept {
  return impl_->op_index(name) >= 0;
}

const OperationInfo* ServiceModel::operation(std::string_view name) const noexcept {
  const std::ptrdiff_t i = impl_->op_index(name);
  return i < 0 ? nullptr : &impl_->operations[static_cast<std::size_t>(i)];
}

std::vector<std::string_view> ServiceModel::operation_names() const {
  std::vector<std::string_view> names;
  names.reserve(impl_->operations.size());
  for (const auto& op : impl_->operations) names.emplace_back(op.name);
  return names;
}

bool ServiceModel::has_shape(std::string_view name) const noexcept {
  return impl_->find_shape(name) != nullptr;
}

std::span<const std::string> ServiceModel::enum_values(std::string_view shape) const noexcept {
  const Shape* s = impl_->find_shape(shape);
  if (s == nullptr) return {};
  return s->enum_values;
}

bool ServiceModel::pattern_skipped(std::string_view shape) const noexcept {
  const Shape* s = impl_->find_shape(shape);
  return s != nullptr && s->pattern_skipped;
}

std::optional<InputProblem> ServiceModel::check_input(std::string_view operation,
                                                      const nlohmann::json& body) const {
  const std::size_t i = impl_->require_op(operation);
  const std::uint32_t input = impl_->op_input[i];
  if (input == kNoShape) {
    if (body.is_null() || body.is_object()) return std::nullopt;
    return InputProblem{
        InputProblem::Kind::kSerialization,
        body.is_array() ? "Start of list found where not expected" : "Expected null"};
  }
  return check(*impl_, input, body);
}

std::optional<InputProblem> ServiceModel::check_shape(std::string_view shape,
                                                      const nlohmann::json& value) const {
  return check(*impl_, impl_->shape_id(shape), value);
}

nlohmann::json ServiceModel::to_pascal(std::string_view shape, const nlohmann::json& camel) const {
  return to_pascal_impl(*impl_, impl_->shape_id(shape), camel);
}

FromPascalResult ServiceModel::from_pascal(std::string_view shape,
                                           const nlohmann::json& pascal) const {
  FromPascalResult result;
  std::string path;
  result.value = from_pascal_impl(*impl_, impl_->shape_id(shape), pascal, path, result.unknown);
  return result;
}

FromPascalResult ServiceModel::input_from_pascal(std::string_view operation,
                                                 const nlohmann::json& pascal) const {
  const std::uint32_t input = impl_->op_input[impl_->require_op(operation)];
  FromPascalResult result;
  if (input == kNoShape) {
    result.value = pascal.is_object() ? json::object() : pascal;
    if (pascal.is_object()) {
      for (const auto& [key, _] : pascal.items()) {
        std::string path;
        pointer_append(path, key);
        result.unknown.push_back(UnknownField{key, std::move(path)});
      }
    }
    return result;
  }
  std::string path;
  result.value = from_pascal_impl(*impl_, input, pascal, path, result.unknown);
  return result;
}

nlohmann::json ServiceModel::output_to_pascal(std::string_view operation,
                                              const nlohmann::json& camel,
                                              TimestampFormat timestamps) const {
  const std::uint32_t output = impl_->op_output[impl_->require_op(operation)];
  if (output == kNoShape) {
    if (!camel.is_object()) return camel;
    json out = json::object();
    for (const auto& [key, value] : camel.items()) out[capitalise(key)] = value;
    return out;
  }
  return to_pascal_impl(*impl_, output, camel, timestamps);
}

nlohmann::ordered_json ServiceModel::output_to_pascal_ordered(std::string_view operation,
                                                              const nlohmann::json& camel,
                                                              TimestampFormat timestamps) const {
  const std::uint32_t output = impl_->op_output[impl_->require_op(operation)];
  if (output == kNoShape) return ordered_copy(output_to_pascal(operation, camel, timestamps));
  return to_pascal_ordered(*impl_, output, camel, timestamps);
}

nlohmann::ordered_json ServiceModel::output_member_to_pascal_ordered(
    std::string_view operation, std::string_view member, const nlohmann::json& value,
    TimestampFormat timestamps) const {
  const std::uint32_t output = impl_->op_output[impl_->require_op(operation)];
  const Member* m = output == kNoShape
                        ? nullptr
                        : member_by(impl_->shapes[output], impl_->shapes[output].by_name,
                                    &Member::name, member);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (m == nullptr) {
    out[capitalise(member)] = ordered_copy(value);
  } else {
    out[m->pascal] = to_pascal_ordered(*impl_, m->shape, value, timestamps);
  }
  return out;
}

}  // namespace scl::model
