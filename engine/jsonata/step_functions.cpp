#include "engine/jsonata/step_functions.hpp"

#include <openssl/evp.h>

#include <cmath>
#include <string>

#include "engine/jsonata/errors.hpp"
#include "engine/jsonata/evaluator.hpp"
#include "engine/jsonata/function.hpp"

namespace scl::jsonata {

namespace {

const Value& arg(const std::vector<Value>& args, std::size_t i) {
  static const Value kUndefined;
  return i < args.size() ? args[i] : kUndefined;
}

[[noreturn]] void fail(const char* code, const std::string& message) {
  JsonataException e;
  e.info.code = code;
  e.info.message = message;
  throw e;
}

bool is_integer(double d) { return std::isfinite(d) && std::floor(d) == d; }

Value sf_partition(CallContext& ctx, std::vector<Value>& args) {
  const Value& array = arg(args, 0);
  if (array.is_undefined()) return {};
  const double size = arg(args, 1).as_number();
  if (!is_integer(size) || size < 1) fail("D3200", "$partition: the chunk size must be a positive integer");
  const auto chunk = static_cast<std::size_t>(std::min(size, 1e15));
  auto out = std::make_shared<Array>();
  const std::size_t n = array.array_size();
  ctx.ev.check_allocation(n * kSlotBytes * 2);
  for (std::size_t i = 0; i < n; i += chunk) {
    auto part = std::make_shared<Array>();
    for (std::size_t k = i; k < n && k < i + chunk; ++k) part->items.push_back(array.at(k));
    out->items.push_back(Value::array(std::move(part)));
  }
  return Value::array(std::move(out));
}

Value sf_range(CallContext& ctx, std::vector<Value>& args) {
  const double start = arg(args, 0).as_number();
  const double end = arg(args, 1).as_number();
  const double step = arg(args, 2).is_undefined() ? 1 : arg(args, 2).as_number();
  if (!is_integer(start) || !is_integer(end) || !is_integer(step)) {
    fail("D3201", "$range: start, end and step must be integers");
  }
  if (step == 0) fail("D3201", "$range: the step must not be 0");
  auto out = std::make_shared<Array>();
  const double count = (end - start) / step >= 0 ? std::floor((end - start) / step) + 1 : 0;
  if (count > 1e7) fail("D3201", "$range: the range would hold more than 10,000,000 items");
  ctx.ev.check_allocation(static_cast<std::uint64_t>(count) * kSlotBytes);
  ctx.ev.charge_steps(static_cast<std::uint64_t>(count));
  for (double i = 0; i < count; ++i) out->items.push_back(Value::number(start + i * step));
  return Value::array(std::move(out));
}

Value sf_hash(CallContext& ctx, std::vector<Value>& args) {
  const Value& data = arg(args, 0);
  if (data.is_undefined()) return {};
  const std::string& algorithm = arg(args, 1).as_string();
  const EVP_MD* md = nullptr;
  if (algorithm == "MD5") md = EVP_md5();
  else if (algorithm == "SHA-1") md = EVP_sha1();
  else if (algorithm == "SHA-256") md = EVP_sha256();
  else if (algorithm == "SHA-384") md = EVP_sha384();
  else if (algorithm == "SHA-512") md = EVP_sha512();
  if (md == nullptr) {
    fail("D3202", "$hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512; got '" +
                      algorithm + "'");
  }
  const std::string& text = data.as_string();
  ctx.ev.charge_steps(text.size() / 64 + 1);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, md, nullptr) != 1) {
    fail("D3202", "$hash: the digest failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return Value::string(std::move(out));
}

Value sf_random(CallContext& ctx, std::vector<Value>& args) {
  const Value& seed = arg(args, 0);
  if (seed.is_undefined()) return Value::number(ctx.ev.random());
  const double s = seed.as_number();
  if (!is_integer(s) || std::fabs(s) > 9.2e18) fail("D3203", "$random: the seed must be an integer");
  return Value::number(java_random_next_double(static_cast<std::int64_t>(s)));
}

Value sf_uuid(CallContext& ctx, std::vector<Value>&) { return Value::string(ctx.ev.uuid()); }

Value own_value(const Json& j) {
  if (j.is_array()) {
    auto a = std::make_shared<Array>();
    for (const auto& item : j) a->items.push_back(own_value(item));
    return Value::array(std::move(a));
  }
  if (j.is_object()) {
    auto o = std::make_shared<Object>();
    for (auto it = j.begin(); it != j.end(); ++it) o->set(it.key(), own_value(it.value()));
    return Value::object(std::move(o));
  }
  if (j.is_string()) return Value::string(j.get<std::string>());
  return Value::from_json(j);  // null, booleans, numbers: no borrowed storage
}

Value sf_parse(CallContext& ctx, std::vector<Value>& args) {
  const Value& text = arg(args, 0);
  if (text.is_undefined()) return {};
  const std::string& s = text.as_string();
  ctx.ev.charge_memory(s.size() * 4);
  Json parsed = Json::parse(s, nullptr, false);
  if (parsed.is_discarded()) fail("D3205", "$parse: the argument is not valid JSON text");
  return own_value(parsed);
}

}  // namespace

double java_random_next_double(std::int64_t seed) {
  constexpr std::uint64_t kMultiplier = 0x5DEECE66DULL;
  constexpr std::uint64_t kMask = (1ULL << 48) - 1;
  std::uint64_t state = (static_cast<std::uint64_t>(seed) ^ kMultiplier) & kMask;
  auto next = [&](int bits) {
    state = (state * kMultiplier + 0xBULL) & kMask;
    return static_cast<std::int64_t>(state >> (48 - bits));
  };
  const std::int64_t high = next(26);
  const std::int64_t low = next(27);
  return static_cast<double>((high << 27) + low) * 0x1.0p-53;
}

const FunctionSet& step_functions_functions() {
  static const FunctionSet set = [] {
    FunctionSet s;
    s.add({"partition", "<an:a>", 2, sf_partition});
    s.add({"range", "<nnn?:a>", 3, sf_range});
    s.add({"hash", "<s-s:s>", 2, sf_hash});
    s.add({"random", "<n?:n>", 1, sf_random});
    s.add({"uuid", "<:s>", 0, sf_uuid});
    s.add({"parse", "<s-:j>", 1, sf_parse});
    return s;
  }();
  return set;
}

}  // namespace scl::jsonata
