// The reference suite's picture groups, read from shared/jsonata-test-suite (never copied here):
// every case of function-fromMillis, function-tomillis, function-formatNumber,
// function-formatInteger and function-parseInteger whose expression only calls these functions
// on literal arguments (or pipes a literal $toMillis into $fromMillis()) runs as a direct call of
// the pictures API. Cases that need the evaluator (paths, $now, chains of other functions,
// undefined arguments) are counted and left to the engine's suite runner.
#include "engine/jsonata/pictures/pictures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace p = scl::jsonata::pictures;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path suite_dir() {
  if (const char* env = std::getenv("SCL_JSONATA_SUITE")) {
    return fs::exists(fs::path(env) / "groups") ? fs::path(env) : fs::path();
  }
  for (const fs::path& candidate : {fs::path(SCL_PICTURES_SOURCE_DIR) / "../shared/jsonata-test-suite",
                                   fs::path(SCL_PICTURES_SOURCE_DIR) / "../../shared/jsonata-test-suite"}) {
    if (fs::exists(candidate / "groups")) return candidate;
  }
  return {};
}

// A literal argument: a JSON value, or undefined (an absent optional<json>).
struct Lexer {
  std::string s;
  std::size_t i = 0;
  void ws() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool eat(const std::string& t) {
    ws();
    if (s.compare(i, t.size(), t) == 0) {
      i += t.size();
      return true;
    }
    return false;
  }
  bool done() {
    ws();
    return i == s.size();
  }
  std::optional<std::string> string_lit() {
    ws();
    if (i >= s.size() || (s[i] != '"' && s[i] != '\'')) return std::nullopt;
    const char q = s[i++];
    std::string raw = "\"";
    while (i < s.size() && s[i] != q) {
      if (s[i] == '\\') {
        raw += s.substr(i, 2);
        i += 2;
        continue;
      }
      if (s[i] == '"') raw += "\\\"";
      else if (s[i] == '\n') raw += "\\n";
      else raw += s[i];
      ++i;
    }
    ++i;
    raw += "\"";
    return json::parse(raw).get<std::string>();
  }
  std::optional<double> number_lit() {
    ws();
    std::size_t j = i;
    if (j < s.size() && s[j] == '-') ++j;
    if (j >= s.size() || !std::isdigit(static_cast<unsigned char>(s[j]))) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str() + i, &end);
    i = static_cast<std::size_t>(end - s.c_str());
    return v;
  }
  // number ['*' ['('] number [')']]: the suite's two products.
  std::optional<double> number_expr() {
    auto a = number_lit();
    if (!a) return std::nullopt;
    if (eat("*")) {
      const bool paren = eat("(");
      auto b = number_lit();
      if (!b || (paren && !eat(")"))) return std::nullopt;
      return *a * *b;
    }
    return a;
  }
  // Returns false for anything that is not a literal.
  bool arg(std::optional<json>* out) {
    if (eat("undefined") || eat("()")) {
      *out = std::nullopt;
      return true;
    }
    if (auto str = string_lit()) {
      *out = *str;
      return true;
    }
    if (auto num = number_expr()) {
      *out = *num;
      return true;
    }
    if (eat("{")) {
      json obj = json::object();
      while (!eat("}")) {
        auto key = string_lit();
        if (!key || !eat(":")) return false;
        auto value = string_lit();
        if (!value) return false;
        obj[*key] = *value;
        eat(",");
      }
      *out = obj;
      return true;
    }
    return false;
  }
  bool call(std::string* name, std::vector<std::optional<json>>* args) {
    ws();
    if (!eat("$")) return false;
    std::size_t j = i;
    while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
    *name = s.substr(i, j - i);
    i = j;
    if (!eat("(")) return false;
    if (eat(")")) return true;
    while (true) {
      std::optional<json> a;
      if (!arg(&a)) return false;
      args->push_back(a);
      if (eat(")")) return true;
      if (!eat(",")) return false;
    }
  }
};

// The outcome of a call: a JSON value, undefined (nullopt), or an error code.
struct Outcome {
  std::optional<json> value;
  std::string code;
};

std::optional<std::string> str(const std::vector<std::optional<json>>& a, std::size_t k) {
  if (k < a.size() && a[k] && a[k]->is_string()) return a[k]->get<std::string>();
  return std::nullopt;
}

template <class T, class F>
Outcome from(const p::Result<T>& r, F&& to_json) {
  if (const auto* e = std::get_if<p::PictureError>(&r)) return Outcome{std::nullopt, e->code};
  return Outcome{to_json(std::get<T>(r)), ""};
}

std::optional<json> opt_number(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  if (std::isnan(*v)) return json(nullptr);
  return json(*v);
}

// Runs one call; false when it is not one the pictures API answers on its own.
bool run(const std::string& name, const std::vector<std::optional<json>>& a, Outcome* out) {
  for (const auto& arg : a) {
    if (!arg) return false;  // undefined in, undefined out: the engine's rule, not ours
  }
  const auto text = [](const std::string& s) { return std::optional<json>(json(s)); };
  if (name == "fromMillis" && !a.empty() && a[0]->is_number()) {
    *out = from(p::format_datetime(static_cast<std::int64_t>(a[0]->get<double>()), str(a, 1), str(a, 2)), text);
    return true;
  }
  if (name == "toMillis" && !a.empty() && a[0]->is_string()) {
    *out = from(p::parse_datetime_number(*str(a, 0), str(a, 1)), opt_number);
    return true;
  }
  if (name == "formatNumber" && a.size() >= 2 && a[0]->is_number()) {
    p::DecimalFormat f;
    if (a.size() > 2) {
      for (const auto& [k, v] : a[2]->items()) {
        const std::string s = v.get<std::string>();
        if (k == "decimal-separator") f.decimal_separator = s;
        if (k == "grouping-separator") f.grouping_separator = s;
        if (k == "exponent-separator") f.exponent_separator = s;
        if (k == "minus-sign") f.minus_sign = s;
        if (k == "percent") f.percent = s;
        if (k == "per-mille") f.per_mille = s;
        if (k == "zero-digit") f.zero_digit = s;
        if (k == "digit") f.digit = s;
        if (k == "pattern-separator") f.pattern_separator = s;
      }
    }
    *out = from(p::format_number(a[0]->get<double>(), *str(a, 1), f), text);
    return true;
  }
  if (name == "formatInteger" && a.size() == 2 && a[0]->is_number()) {
    *out = from(p::format_integer(a[0]->get<double>(), *str(a, 1)), text);
    return true;
  }
  if (name == "parseInteger" && a.size() == 2 && a[0]->is_string()) {
    *out = from(p::parse_integer(*str(a, 0), *str(a, 1)), opt_number);
    return true;
  }
  return false;
}

// Literal call, "CALL ~> $fromMillis()", or "($ts := CALL; $fromMillis($ts, ARGS) )".
bool evaluate(const std::string& expr, Outcome* out) {
  Lexer lx{expr};
  std::string name;
  std::vector<std::optional<json>> args;
  if (lx.eat("($ts :=")) {
    if (!lx.call(&name, &args) || !lx.eat(";") || !lx.eat("$fromMillis($ts")) return false;
    std::vector<std::optional<json>> rest;
    while (lx.eat(",")) {
      std::optional<json> a;
      if (!lx.arg(&a)) return false;
      rest.push_back(a);
    }
    if (!lx.eat(")") || !lx.eat(")") || !lx.done()) return false;
    Outcome first;
    if (!run(name, args, &first) || !first.code.empty() || !first.value) return false;
    rest.insert(rest.begin(), first.value);
    return run("fromMillis", rest, out);
  }
  if (!lx.call(&name, &args)) return false;
  if (lx.done()) return run(name, args, out);
  if (!lx.eat("~> $fromMillis()") || !lx.done()) return false;
  Outcome first;
  if (!run(name, args, &first)) return false;
  if (!first.code.empty() || !first.value) {
    *out = first;
    return true;
  }
  return run("fromMillis", {first.value}, out);
}

}  // namespace

// Why: the reference's own cases for these five functions are the first definition of right.
TEST_CASE("shared suite: picture groups, literal calls") {
  const fs::path dir = suite_dir();
  if (dir.empty()) {
    MESSAGE("shared/jsonata-test-suite not found (set SCL_JSONATA_SUITE); suite cases not run");
    return;
  }
  int ran = 0;
  int left = 0;
  for (const char* group : {"function-fromMillis", "function-tomillis", "function-formatNumber",
                            "function-formatInteger", "function-parseInteger"}) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir / "groups" / group)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      json cases = json::parse(in);
      if (!cases.is_array()) cases = json::array({cases});
      for (const json& c : cases) {
        const std::string expr = c.value("expr", "");
        Outcome got;
        if (!evaluate(expr, &got)) {
          ++left;
          continue;
        }
        ++ran;
        INFO(file.filename().string() << ": " << expr);
        if (c.contains("code")) {
          CHECK(got.code == c["code"].get<std::string>());
        } else if (c.value("undefinedResult", false)) {
          CHECK(got.code.empty());
          CHECK(!got.value.has_value());
        } else {
          REQUIRE(got.code.empty());
          REQUIRE(got.value.has_value());
          const json& want = c["result"];
          if (want.is_number()) {
            CHECK(got.value->get<double>() == want.get<double>());
          } else {
            CHECK(*got.value == want);
          }
        }
      }
    }
  }
  MESSAGE("suite picture cases: " << ran << " run as direct calls, " << left << " left to the engine");
  std::cout << "suite picture cases: " << ran << " run as direct calls, " << left
            << " left to the engine\n";
  CHECK(ran > 250);
}
