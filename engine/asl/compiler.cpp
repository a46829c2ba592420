#include "engine/asl/compiler.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <utility>

#include "engine/asl/nesting.hpp"

namespace scl::asl {

std::string Diagnostic::render() const {
  std::string s = code + ": " + message;
  if (!location.empty()) s += " at " + location;
  return s;
}

std::string CompileResult::invalid_definition_message() const {
  std::string s = "Invalid State Machine Definition: '";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    if (i > 0) s += ", ";
    s += diagnostics[i].render();
  }
  return s + "'";
}

Diagnostic unrecognized_resource(std::string_view arn) {
  return Diagnostic{"SCHEMA_VALIDATION_FAILED", "",
                    "The resource provided " + std::string(arn) +
                        " is not recognized. The value is not a valid resource ARN, or the "
                        "resource is not available in this region."};
}

std::optional<Diagnostic> express_resource_rule(const ResourceRef& r) {
  if (r.pattern == IntegrationPattern::kSync) {
    return Diagnostic{"SCHEMA_VALIDATION_FAILED", "",
                      "Express state machine does not support '.sync' service integration"};
  }
  if (r.pattern == IntegrationPattern::kWaitForTaskToken) {
    // The trailing space is what AWS records (aws-behaviour.md 3.9).
    return Diagnostic{"SCHEMA_VALIDATION_FAILED", "",
                      "Express state machine does not support '.waitForTaskToken' service "
                      "integration "};
  }
  return std::nullopt;
}

namespace {

constexpr std::int64_t kMaxSeconds = 99999999;

const std::set<std::string, std::less<>> kCommonFields = {"Type", "Comment"};

const std::map<std::string, std::set<std::string, std::less<>>, std::less<>>& allowed_fields() {
  static const std::map<std::string, std::set<std::string, std::less<>>, std::less<>> kAllowed = {
      {"Pass", {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result"}},
      {"Task",
       {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
        "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
        "HeartbeatSecondsPath", "Retry", "Catch", "Credentials"}},
      {"Choice", {"InputPath", "OutputPath", "Choices", "Default"}},
      {"Wait",
       {"Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath",
        "TimestampPath"}},
      {"Succeed", {"InputPath", "OutputPath"}},
      {"Fail", {"Error", "ErrorPath", "Cause", "CausePath"}},
      {"Parallel",
       {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
        "Branches", "Retry", "Catch"}},
      {"Map",
       {"Next", "End", "InputPath", "OutputPath", "ItemsPath", "ItemSelector", "Parameters",
        "ResultSelector", "ResultPath", "ItemProcessor", "Iterator", "MaxConcurrency",
        "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
        "ToleratedFailureCount", "ToleratedFailureCountPath", "Retry", "Catch", "Label",
        "ItemReader", "ItemBatcher", "ResultWriter"}},
  };
  return kAllowed;
}

const std::map<std::string, ChoiceOp, std::less<>>& choice_ops() {
  static const std::map<std::string, ChoiceOp, std::less<>> kOps = {
      {"StringEquals", ChoiceOp::kStringEquals},
      {"StringLessThan", ChoiceOp::kStringLessThan},
      {"StringGreaterThan", ChoiceOp::kStringGreaterThan},
      {"StringLessThanEquals", ChoiceOp::kStringLessThanEquals},
      {"StringGreaterThanEquals", ChoiceOp::kStringGreaterThanEquals},
      {"StringMatches", ChoiceOp::kStringMatches},
      {"NumericEquals", ChoiceOp::kNumericEquals},
      {"NumericLessThan", ChoiceOp::kNumericLessThan},
      {"NumericGreaterThan", ChoiceOp::kNumericGreaterThan},
      {"NumericLessThanEquals", ChoiceOp::kNumericLessThanEquals},
      {"NumericGreaterThanEquals", ChoiceOp::kNumericGreaterThanEquals},
      {"BooleanEquals", ChoiceOp::kBooleanEquals},
      {"TimestampEquals", ChoiceOp::kTimestampEquals},
      {"TimestampLessThan", ChoiceOp::kTimestampLessThan},
      {"TimestampGreaterThan", ChoiceOp::kTimestampGreaterThan},
      {"TimestampLessThanEquals", ChoiceOp::kTimestampLessThanEquals},
      {"TimestampGreaterThanEquals", ChoiceOp::kTimestampGreaterThanEquals},
      {"IsNull", ChoiceOp::kIsNull},
      {"IsPresent", ChoiceOp::kIsPresent},
      {"IsNumeric", ChoiceOp::kIsNumeric},
      {"IsString", ChoiceOp::kIsString},
      {"IsBoolean", ChoiceOp::kIsBoolean},
      {"IsTimestamp", ChoiceOp::kIsTimestamp},
  };
  return kOps;
}

std::string escape_pointer(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class Compiler {
 public:
  explicit Compiler(const CompileOptions& opts) : opts_(opts) {}

  CompileResult run(std::string_view text) {
    CompileResult result;
    // Everything below walks the document recursively.
    if (json_nesting_depth(text, kMaxNesting + 1) > kMaxNesting) {
      result.diagnostics.push_back({"INVALID_JSON_DESCRIPTION", "",
                                    "Definition nests deeper than " +
                                        std::to_string(kMaxNesting) + " levels"});
      return result;
    }
    Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos ||
        (!doc.is_discarded() && !doc.is_object())) {
      result.diagnostics.push_back(
          {"SCHEMA_VALIDATION_FAILED", "", "Definition must be a valid JSON object"});
      return result;
    }
    if (doc.is_discarded()) {
      // Locate the error for the message by re-parsing with exceptions.
      std::string why = "Invalid JSON";
      try {
        const Json again = Json::parse(text.begin(), text.end());
        why = again.dump();
      } catch (const Json::exception& e) {  // parse_error, or out_of_range for 1e999
        why = e.what();
      }
      result.diagnostics.push_back({"INVALID_JSON_DESCRIPTION", "", why});
      return result;
    }
    auto machine = std::make_shared<StateMachine>();
    machine->definition = std::string(text);
    std::vector<std::string> missing;
    if (!doc.contains("States")) missing.emplace_back("States");
    if (!doc.contains("StartAt")) missing.emplace_back("StartAt");
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      add("SCHEMA_VALIDATION_FAILED", "/", "These fields are required: [" + list + "]");
      result.diagnostics = std::move(diags_);
      return result;
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string& k = it.key();
      if (k == "StartAt" || k == "States" || k == "Comment" || k == "Version") continue;
      if (k == "TimeoutSeconds") {
        machine->timeout_seconds = positive_int(it.value(), "/TimeoutSeconds");
        continue;
      }
      if (k == "QueryLanguage") {
        query_language(it.value(), "/QueryLanguage");
        continue;
      }
      unknown_field(k, "/");
    }
    if (doc.contains("Version") && !doc["Version"].is_string()) {
      add("SCHEMA_VALIDATION_FAILED", "/Version", "Expected value of type String");
    }
    machine->top = compile_graph(doc, "", *machine);
    if (!diags_.empty()) {
      result.diagnostics = std::move(diags_);
      return result;
    }
    result.machine = std::move(machine);
    return result;
  }

 private:
  const CompileOptions& opts_;
  std::vector<Diagnostic> diags_;
  std::set<std::string> all_names_;
  std::vector<std::shared_ptr<Graph>> keep_;

  void add(std::string code, std::string loc, std::string msg) {
    diags_.push_back(Diagnostic{std::move(code), std::move(loc), std::move(msg)});
  }
  void schema(const std::string& loc, const std::string& msg) {
    add("SCHEMA_VALIDATION_FAILED", loc, msg);
  }
  void unknown_field(const std::string& name, const std::string& loc) {
    schema(loc, "The field \"" + name + "\" is not supported by Step Functions");
  }
  void query_language(const Json& v, const std::string& loc) {
    if (!v.is_string() || (v != "JSONPath" && v != "JSONata")) {
      schema(loc, "Expected one of [JSONPath, JSONata]");
    } else if (v == "JSONata") {
      // NOTE(emulator): JSONata is not implemented.
      schema(loc, "QueryLanguage JSONata is not supported by this emulator");
    }
  }

  std::optional<std::int64_t> integer(const Json& v, const std::string& loc) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
    }
    schema(loc, "Expected value of type Integer");
    return std::nullopt;
  }
  std::optional<std::int64_t> positive_int(const Json& v, const std::string& loc,
                                           std::int64_t max = kMaxSeconds) {
    auto i = integer(v, loc);
    if (!i) return std::nullopt;
    if (*i < 1 || *i > max) {
      schema(loc, "Value must be between 1 and " + std::to_string(max));
      return std::nullopt;
    }
    return i;
  }
  const std::string* string_field(const Json& obj, const char* key, const std::string& loc) {
    auto it = obj.find(key);
    if (it == obj.end()) return nullptr;
    if (!it->is_string()) {
      schema(loc + "/" + key, "Expected value of type String");
      return nullptr;
    }
    return &it->get_ref<const std::string&>();
  }
  std::optional<JsonPath> path_value(const Json& v, const std::string& loc, const std::string& field,
                                     bool reference) {
    if (!v.is_string()) {
      schema(loc, "Expected value of type String");
      return std::nullopt;
    }
    auto p = JsonPath::try_parse(v.get_ref<const std::string&>());
    if (!p || (reference && !p->is_definite())) {
      schema(loc, "The value for the field '" + field + "' must be a valid " +
                      (reference ? "Reference Path" : "JSONPath"));
      return std::nullopt;
    }
    return p;
  }
  std::optional<JsonPath> opt_path(const Json& obj, const char* key, const std::string& loc,
                                   bool reference) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    return path_value(*it, loc + "/" + key, key, reference);
  }
  PathField path_field(const Json& obj, const char* key, const std::string& loc, bool reference) {
    PathField f;
    auto it = obj.find(key);
    if (it == obj.end()) return f;
    if (it->is_null()) {
      f.is_null = true;
      return f;
    }
    f.path = path_value(*it, loc + "/" + key, key, reference);
    if (f.path && reference && f.path->is_context()) {
      schema(loc + "/" + key, "The value for the field '" + std::string(key) +
                                  "' must be a valid Reference Path");
      f.path.reset();
    }
    return f;
  }
  std::optional<PayloadTemplate> payload(const Json& obj, const char* key, const std::string& loc) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_object()) {
      schema(loc + "/" + key, "Expected value of type Object");
      return std::nullopt;
    }
    try {
      return PayloadTemplate::compile(*it);
    } catch (const TemplateError& e) {
      schema(loc + "/" + key, e.what());
      return std::nullopt;
    }
  }

  void transition(const Json& obj, const std::string& loc, Transition& t, bool required = true) {
    const bool has_next = obj.contains("Next");
    const bool has_end = obj.contains("End");
    if (has_next && has_end) {
      schema(loc, "Only one of 'Next' or 'End' can be specified");
      return;
    }
    if (has_end) {
      if (!obj["End"].is_boolean()) {
        schema(loc + "/End", "Expected value of type Boolean");
      } else if (!obj["End"].get<bool>()) {
        schema(loc + "/End", "'End' must be true when present");
      }
      t.end = true;
      return;
    }
    if (has_next) {
      if (const auto* n = string_field(obj, "Next", loc)) t.next = *n;
      return;
    }
    if (required) schema(loc, "Either 'Next' or 'End' must be specified");
  }

  std::vector<std::string> error_equals(const Json& obj, const std::string& loc) {
    std::vector<std::string> out;
    auto it = obj.find("ErrorEquals");
    if (it == obj.end()) {
      schema(loc, "These fields are required: [ErrorEquals]");
      return out;
    }
    if (!it->is_array() || it->empty()) {
      schema(loc + "/ErrorEquals", "Expected a non-empty array of strings");
      return out;
    }
    for (const auto& e : *it) {
      if (!e.is_string()) {
        schema(loc + "/ErrorEquals", "Expected a non-empty array of strings");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    if (std::find(out.begin(), out.end(), errors::kAll) != out.end() && out.size() > 1) {
      schema(loc + "/ErrorEquals", "States.ALL must appear alone in ErrorEquals");
    }
    return out;
  }

  void check_all_last(const std::vector<std::vector<std::string>>& lists, const std::string& loc,
                      const char* what) {
    for (std::size_t i = 0; i + 1 < lists.size(); ++i) {
      if (std::find(lists[i].begin(), lists[i].end(), errors::kAll) != lists[i].end()) {
        schema(loc + "/" + std::to_string(i) + "/ErrorEquals",
               std::string("States.ALL must appear in the last ") + what);
      }
    }
  }

  std::vector<Retrier> retry(const Json& obj, const std::string& loc) {
    std::vector<Retrier> out;
    auto it = obj.find("Retry");
    if (it == obj.end()) return out;
    const std::string rloc = loc + "/Retry";
    if (!it->is_array()) {
      schema(rloc, "Expected value of type Array");
      return out;
    }
    std::vector<std::vector<std::string>> lists;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& r = (*it)[i];
      const std::string l = rloc + "/" + std::to_string(i);
      if (!r.is_object()) {
        schema(l, "Expected value of type Object");
        continue;
      }
      Retrier rt;
      rt.error_equals = error_equals(r, l);
      lists.push_back(rt.error_equals);
      for (auto f = r.begin(); f != r.end(); ++f) {
        const std::string& k = f.key();
        const std::string fl = l + "/" + k;
        if (k == "ErrorEquals" || k == "Comment") continue;
        if (k == "IntervalSeconds") {
          if (auto v = positive_int(*f, fl)) rt.interval_seconds = static_cast<double>(*v);
        } else if (k == "MaxAttempts") {
          if (auto v = integer(*f, fl)) {
            if (*v < 0 || *v > kMaxSeconds) {
              schema(fl, "Value must be between 0 and 99999999");
            } else {
              rt.max_attempts = *v;
            }
          }
        } else if (k == "BackoffRate") {
          if (!f->is_number() || f->get<double>() < 1.0) {
            schema(fl, "Value must be a number greater than or equal to 1.0");
          } else {
            rt.backoff_rate = f->get<double>();
          }
        } else if (k == "MaxDelaySeconds") {
          rt.max_delay_seconds = positive_int(*f, fl, 31622401);
        } else if (k == "JitterStrategy") {
          if (*f == "FULL") {
            rt.jitter_full = true;
          } else if (*f != "NONE") {
            schema(fl, "Expected one of [FULL, NONE]");
          }
        } else {
          unknown_field(k, l);
        }
      }
      out.push_back(std::move(rt));
    }
    check_all_last(lists, rloc, "Retrier");
    return out;
  }

  std::vector<Catcher> catchers(const Json& obj, const std::string& loc) {
    std::vector<Catcher> out;
    auto it = obj.find("Catch");
    if (it == obj.end()) return out;
    const std::string cloc = loc + "/Catch";
    if (!it->is_array()) {
      schema(cloc, "Expected value of type Array");
      return out;
    }
    std::vector<std::vector<std::string>> lists;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& c = (*it)[i];
      const std::string l = cloc + "/" + std::to_string(i);
      if (!c.is_object()) {
        schema(l, "Expected value of type Object");
        continue;
      }
      Catcher ct;
      ct.error_equals = error_equals(c, l);
      lists.push_back(ct.error_equals);
      if (!c.contains("Next")) {
        schema(l, "These fields are required: [Next]");
      } else if (const auto* n = string_field(c, "Next", l)) {
        ct.next = *n;
      }
      ct.result_path = path_field(c, "ResultPath", l, true);
      for (auto f = c.begin(); f != c.end(); ++f) {
        const std::string& k = f.key();
        if (k != "ErrorEquals" && k != "Next" && k != "ResultPath" && k != "Comment") {
          unknown_field(k, l);
        }
      }
      out.push_back(std::move(ct));
    }
    check_all_last(lists, cloc, "Catcher");
    return out;
  }

  CommonIo common_io(const Json& obj, const std::string& loc) {
    return CommonIo{path_field(obj, "InputPath", loc, false),
                    path_field(obj, "OutputPath", loc, false)};
  }

  std::optional<ChoiceRule> choice_rule(const Json& r, const std::string& loc, bool top) {
    if (!r.is_object()) {
      schema(loc, "Expected value of type Object");
      return std::nullopt;
    }
    ChoiceRule rule;
    std::optional<std::string> op_name;
    int ops = 0;
    for (auto f = r.begin(); f != r.end(); ++f) {
      const std::string& k = f.key();
      if (k == "Comment" || k == "Variable" || (top && k == "Next")) continue;
      if (k == "And" || k == "Or" || k == "Not" || choice_ops().count(k) != 0 ||
          (k.size() > 4 && k.compare(k.size() - 4, 4, "Path") == 0 &&
           choice_ops().count(k.substr(0, k.size() - 4)) != 0)) {
        ++ops;
        op_name = k;
        continue;
      }
      unknown_field(k, loc);
    }
    if (top) {
      if (!r.contains("Next")) {
        schema(loc, "These fields are required: [Next]");
      } else if (const auto* n = string_field(r, "Next", loc)) {
        rule.next = *n;
      }
    }
    if (ops != 1) {
      schema(loc, "A Choice Rule must have exactly one comparison operator or And/Or/Not");
      return std::nullopt;
    }
    const std::string& k = *op_name;
    const Json& v = r[k];
    const std::string vloc = loc + "/" + k;
    if (k == "And" || k == "Or") {
      rule.kind = k == "And" ? ChoiceRule::Kind::kAnd : ChoiceRule::Kind::kOr;
      if (r.contains("Variable")) schema(loc, "'Variable' is not allowed with " + k);
      if (!v.is_array() || v.empty()) {
        schema(vloc, "Expected a non-empty array of Choice Rules");
        return std::nullopt;
      }
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (auto c = choice_rule(v[i], vloc + "/" + std::to_string(i), false)) {
          rule.children.push_back(std::move(*c));
        }
      }
      return rule;
    }
    if (k == "Not") {
      rule.kind = ChoiceRule::Kind::kNot;
      if (r.contains("Variable")) schema(loc, "'Variable' is not allowed with Not");
      if (auto c = choice_rule(v, vloc, false)) rule.children.push_back(std::move(*c));
      return rule;
    }
    rule.kind = ChoiceRule::Kind::kCompare;
    if (!r.contains("Variable")) {
      schema(loc, "These fields are required: [Variable]");
      return std::nullopt;
    }
    rule.variable = path_value(r["Variable"], loc + "/Variable", "Variable", false);
    const bool is_path = choice_ops().count(k) == 0;
    const std::string base = is_path ? k.substr(0, k.size() - 4) : k;
    rule.op = choice_ops().at(base);
    rule.operand_is_path = is_path;
    if (is_path) {
      if (rule.op == ChoiceOp::kStringMatches || rule.op >= ChoiceOp::kIsNull) {
        unknown_field(k, loc);
        return std::nullopt;
      }
      rule.operand_path = path_value(v, vloc, k, false);
      return rule;
    }
    const auto op = rule.op;
    const bool want_string = op <= ChoiceOp::kStringMatches ||
                             (op >= ChoiceOp::kTimestampEquals && op <= ChoiceOp::kTimestampGreaterThanEquals);
    const bool want_number = op >= ChoiceOp::kNumericEquals && op <= ChoiceOp::kNumericGreaterThanEquals;
    if (want_string && !v.is_string()) {
      schema(vloc, "Expected value of type String");
    } else if (want_number && !v.is_number()) {
      schema(vloc, "Expected value of type Number");
    } else if (!want_string && !want_number && !v.is_boolean()) {
      schema(vloc, "Expected value of type Boolean");
    }
    if (op >= ChoiceOp::kTimestampEquals && op <= ChoiceOp::kTimestampGreaterThanEquals &&
        v.is_string()) {
      rule.timestamp = parse_rfc3339(v.get_ref<const std::string&>());
      if (!rule.timestamp) schema(vloc, "String does not match RFC3339 timestamp");
    }
    rule.operand = v;
    return rule;
  }

  std::optional<ValueExpr> value_expr(const Json& obj, const char* key, const std::string& loc) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    const std::string l = loc + "/" + key;
    if (!it->is_string()) {
      schema(l, "Expected value of type String");
      return std::nullopt;
    }
    const std::string& s = it->get_ref<const std::string&>();
    ValueExpr e;
    e.field = key;
    if (looks_like_intrinsic(s)) {
      try {
        e.call = parse_intrinsic(s);
      } catch (const IntrinsicSyntaxError&) {
        schema(l, "The value for the field '" + std::string(key) +
                      "' must be a valid JSONPath or a valid intrinsic function call");
        return std::nullopt;
      }
      return e;
    }
    e.path = path_value(*it, l, key, false);
    if (!e.path) return std::nullopt;
    return e;
  }

  StateBody compile_state(const std::string& type, const Json& s, const std::string& loc,
                          const std::string& name, StateMachine& machine) {
    if (type == "Pass") {
      PassState st;
      transition(s, loc, st.transition);
      st.io = common_io(s, loc);
      if (s.contains("Result")) st.result = s["Result"];
      st.parameters = payload(s, "Parameters", loc);
      st.result_path = path_field(s, "ResultPath", loc, true);
      return st;
    }
    if (type == "Task") {
      TaskState st;
      transition(s, loc, st.transition);
      st.io = common_io(s, loc);
      if (!s.contains("Resource")) {
        schema(loc, "These fields are required: [Resource]");
      } else if (const auto* arn = string_field(s, "Resource", loc)) {
        auto ref = parse_resource_arn(*arn);
        if (!ref) {
          auto d = unrecognized_resource(*arn);
          d.location = loc + "/Resource";
          diags_.push_back(std::move(d));
        } else {
          if (opts_.resource_validator) {
            if (auto d = opts_.resource_validator(*ref)) {
              if (d->location.empty()) d->location = loc + "/Resource";
              if (d->code.empty()) d->code = "SCHEMA_VALIDATION_FAILED";
              diags_.push_back(std::move(*d));
            }
          }
          st.resource = std::move(*ref);
        }
      }
      st.parameters = payload(s, "Parameters", loc);
      st.result_selector = payload(s, "ResultSelector", loc);
      st.result_path = path_field(s, "ResultPath", loc, true);
      if (s.contains("TimeoutSeconds") && s.contains("TimeoutSecondsPath")) {
        schema(loc, "Only one of 'TimeoutSeconds' or 'TimeoutSecondsPath' can be specified");
      }
      if (s.contains("HeartbeatSeconds") && s.contains("HeartbeatSecondsPath")) {
        schema(loc, "Only one of 'HeartbeatSeconds' or 'HeartbeatSecondsPath' can be specified");
      }
      if (s.contains("TimeoutSeconds")) st.timeout_seconds = positive_int(s["TimeoutSeconds"], loc + "/TimeoutSeconds");
      if (s.contains("HeartbeatSeconds")) st.heartbeat_seconds = positive_int(s["HeartbeatSeconds"], loc + "/HeartbeatSeconds");
      st.timeout_seconds_path = opt_path(s, "TimeoutSecondsPath", loc, true);
      st.heartbeat_seconds_path = opt_path(s, "HeartbeatSecondsPath", loc, true);
      if (st.timeout_seconds && st.heartbeat_seconds && *st.heartbeat_seconds >= *st.timeout_seconds) {
        schema(loc + "/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds");
      }
      st.retry = retry(s, loc);
      st.catchers = catchers(s, loc);
      if (s.contains("Credentials")) {
        const Json& c = s["Credentials"];
        if (!c.is_object()) {
          schema(loc + "/Credentials", "Expected value of type Object");
        } else if (!c.contains("RoleArn") && !c.contains("RoleArn.$")) {
          schema(loc + "/Credentials", "The field 'RoleArn' is required but was missing");
        }
        st.credentials = c;
      }
      return st;
    }
    if (type == "Choice") {
      ChoiceState st;
      st.io = common_io(s, loc);
      if (s.contains("Next") || s.contains("End")) {
        schema(loc, "Choice states can not have 'Next' or 'End'");
      }
      auto it = s.find("Choices");
      if (it == s.end()) {
        schema(loc, "These fields are required: [Choices]");
      } else if (!it->is_array() || it->empty()) {
        schema(loc + "/Choices", "Expected a non-empty array of Choice Rules");
      } else {
        for (std::size_t i = 0; i < it->size(); ++i) {
          if (auto r = choice_rule((*it)[i], loc + "/Choices/" + std::to_string(i), true)) {
            st.choices.push_back(std::move(*r));
          }
        }
      }
      if (const auto* d = string_field(s, "Default", loc)) st.default_next = *d;
      return st;
    }
    if (type == "Wait") {
      WaitState st;
      transition(s, loc, st.transition);
      st.io = common_io(s, loc);
      int n = 0;
      for (const char* k : {"Seconds", "Timestamp", "SecondsPath", "TimestampPath"}) {
        if (s.contains(k)) ++n;
      }
      if (n != 1) {
        schema(loc, "Exactly one of 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath' is required");
      } else if (s.contains("Seconds")) {
        st.kind = WaitState::Kind::kSeconds;
        if (auto v = integer(s["Seconds"], loc + "/Seconds")) {
          if (*v < 0 || *v > kMaxSeconds) {
            schema(loc + "/Seconds", "Value must be between 0 and 99999999");
          }
          st.seconds = *v;
        }
      } else if (s.contains("Timestamp")) {
        st.kind = WaitState::Kind::kTimestamp;
        const Json& t = s["Timestamp"];
        auto inst = t.is_string() ? parse_rfc3339(t.get_ref<const std::string&>()) : std::nullopt;
        if (!inst) {
          schema(loc + "/Timestamp", "String does not match RFC3339 timestamp");
        } else {
          st.timestamp = *inst;
        }
      } else if (s.contains("SecondsPath")) {
        st.kind = WaitState::Kind::kSecondsPath;
        st.path = opt_path(s, "SecondsPath", loc, true);
      } else {
        st.kind = WaitState::Kind::kTimestampPath;
        st.path = opt_path(s, "TimestampPath", loc, true);
      }
      return st;
    }
    if (type == "Succeed") {
      SucceedState st;
      st.io = common_io(s, loc);
      if (s.contains("Next") || s.contains("End")) {
        schema(loc, "Succeed states can not have 'Next' or 'End'");
      }
      return st;
    }
    if (type == "Fail") {
      FailState st;
      if (s.contains("Error") && s.contains("ErrorPath")) {
        schema(loc, "Only one of 'Error' or 'ErrorPath' can be specified");
      }
      if (s.contains("Cause") && s.contains("CausePath")) {
        schema(loc, "Only one of 'Cause' or 'CausePath' can be specified");
      }
      if (const auto* e = string_field(s, "Error", loc)) st.error = *e;
      if (const auto* c = string_field(s, "Cause", loc)) st.cause = *c;
      st.error_path = value_expr(s, "ErrorPath", loc);
      st.cause_path = value_expr(s, "CausePath", loc);
      if (s.contains("Next") || s.contains("End")) {
        schema(loc, "Fail states can not have 'Next' or 'End'");
      }
      return st;
    }
    if (type == "Parallel") {
      ParallelState st;
      transition(s, loc, st.transition);
      st.io = common_io(s, loc);
      auto it = s.find("Branches");
      if (it == s.end()) {
        schema(loc, "These fields are required: [Branches]");
      } else if (!it->is_array() || it->empty()) {
        schema(loc + "/Branches", "Expected a non-empty array of branches");
      } else {
        for (std::size_t i = 0; i < it->size(); ++i) {
          const std::string bloc = loc + "/Branches/" + std::to_string(i);
          const Json& b = (*it)[i];
          if (!b.is_object()) {
            schema(bloc, "Expected value of type Object");
            continue;
          }
          if (!sub_graph_fields(b, bloc, false)) continue;
          st.branches.push_back(compile_graph(b, bloc, machine));
        }
      }
      st.parameters = payload(s, "Parameters", loc);
      st.result_selector = payload(s, "ResultSelector", loc);
      st.result_path = path_field(s, "ResultPath", loc, true);
      st.retry = retry(s, loc);
      st.catchers = catchers(s, loc);
      return st;
    }
    if (type == "Map") {
      MapState st;
      transition(s, loc, st.transition);
      st.io = common_io(s, loc);
      const bool has_proc = s.contains("ItemProcessor");
      const bool has_iter = s.contains("Iterator");
      if (has_proc == has_iter) {
        schema(loc, has_proc ? "Only one of 'ItemProcessor' or 'Iterator' can be specified"
                             : "These fields are required: [ItemProcessor]");
      } else {
        const char* key = has_proc ? "ItemProcessor" : "Iterator";
        const std::string ploc = loc + "/" + key;
        const Json& p = s[key];
        if (!p.is_object()) {
          schema(ploc, "Expected value of type Object");
        } else if (sub_graph_fields(p, ploc, true)) {
          // The legacy Iterator is a full alias of ItemProcessor, ProcessorConfig included
          // (aws-fidelity-jsonpath.md M4, D1).
          st.processor = compile_graph(p, ploc, machine);
        }
      }
      for (const char* k : {"ItemReader", "ItemBatcher", "ResultWriter", "Label"}) {
        if (s.contains(k)) {
          // NOTE(emulator): distributed Map is not implemented.
          schema(loc + "/" + k, std::string("The field \"") + k +
                                    "\" (distributed Map) is not supported by this emulator");
        }
      }
      if (s.contains("ItemSelector") && s.contains("Parameters")) {
        schema(loc, "Only one of 'ItemSelector' or 'Parameters' can be specified");
      }
      st.items_path = opt_path(s, "ItemsPath", loc, true);
      st.item_selector = payload(s, "ItemSelector", loc);
      if (!st.item_selector) st.item_selector = payload(s, "Parameters", loc);
      st.result_selector = payload(s, "ResultSelector", loc);
      st.result_path = path_field(s, "ResultPath", loc, true);
      if (s.contains("MaxConcurrency")) {
        if (auto v = integer(s["MaxConcurrency"], loc + "/MaxConcurrency")) {
          if (*v < 0) schema(loc + "/MaxConcurrency", "Value must be greater than or equal to 0");
          st.max_concurrency = *v;
        }
      }
      st.max_concurrency_path = opt_path(s, "MaxConcurrencyPath", loc, true);
      if (s.contains("ToleratedFailurePercentage")) {
        const Json& v = s["ToleratedFailurePercentage"];
        if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 100) {
          schema(loc + "/ToleratedFailurePercentage", "Value must be a number between 0 and 100");
        } else {
          st.tolerated_failure_percentage = v.get<double>();
        }
      }
      if (s.contains("ToleratedFailureCount")) {
        if (auto v = integer(s["ToleratedFailureCount"], loc + "/ToleratedFailureCount")) {
          if (*v < 0) schema(loc + "/ToleratedFailureCount", "Value must be greater than or equal to 0");
          st.tolerated_failure_count = *v;
        }
      }
      st.tolerated_failure_percentage_path = opt_path(s, "ToleratedFailurePercentagePath", loc, true);
      st.tolerated_failure_count_path = opt_path(s, "ToleratedFailureCountPath", loc, true);
      st.retry = retry(s, loc);
      st.catchers = catchers(s, loc);
      return st;
    }
    (void)name;
    return SucceedState{};
  }

  // Checks the fields of a branch / processor object. Returns false when it cannot be compiled.
  bool sub_graph_fields(const Json& g, const std::string& loc, bool processor) {
    bool ok = true;
    std::vector<std::string> missing;
    if (!g.contains("States")) missing.emplace_back("States");
    if (!g.contains("StartAt")) missing.emplace_back("StartAt");
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      schema(loc, "These fields are required: [" + list + "]");
      ok = false;
    }
    for (auto it = g.begin(); it != g.end(); ++it) {
      const std::string& k = it.key();
      if (k == "StartAt" || k == "States" || k == "Comment") continue;
      if (processor && k == "ProcessorConfig") {
        const Json& pc = it.value();
        if (!pc.is_object()) {
          schema(loc + "/ProcessorConfig", "Expected value of type Object");
        } else if (pc.contains("Mode") && pc["Mode"] != "INLINE") {
          // NOTE(emulator): distributed Map is not implemented.
          schema(loc + "/ProcessorConfig/Mode",
                 "Mode DISTRIBUTED is not supported by this emulator");
        }
        continue;
      }
      if (k == "QueryLanguage") {
        query_language(it.value(), loc + "/QueryLanguage");
        continue;
      }
      unknown_field(k, loc);
    }
    return ok;
  }

  std::shared_ptr<const Graph> compile_graph(const Json& doc, const std::string& id,
                                             StateMachine& machine) {
    auto g = std::make_shared<Graph>();
    g->id = id;
    keep_.push_back(g);
    machine.graphs[id] = g.get();
    const Json& states = doc["States"];
    if (const auto* s = string_field(doc, "StartAt", id)) g->start_at = *s;
    if (!states.is_object()) {
      schema(id + "/States", "Expected value of type Object");
      return g;
    }
    if (states.empty()) {
      schema(id + "/States", "States must contain at least one state");
      return g;
    }
    for (auto it = states.begin(); it != states.end(); ++it) {
      const std::string& name = it.key();
      const std::string loc = id + "/States/" + escape_pointer(name);
      if (name.empty() || name.size() > 80) {
        schema(loc, "State names must be 1 to 80 characters long");
      }
      if (!all_names_.insert(name).second) {
        add("DUPLICATE_STATE_NAME", loc, "Duplicate State name: " + name);
      }
      const Json& s = it.value();
      if (!s.is_object()) {
        schema(loc, "Expected value of type Object");
        continue;
      }
      auto tit = s.find("Type");
      if (tit == s.end()) {
        schema(loc, "These fields are required: [Type]");
        continue;
      }
      if (!tit->is_string() || allowed_fields().count(tit->get<std::string>()) == 0) {
        schema(loc + "/Type",
               "Expected one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]");
        continue;
      }
      const std::string type = tit->get<std::string>();
      const auto& allowed = allowed_fields().at(type);
      for (auto f = s.begin(); f != s.end(); ++f) {
        const std::string& k = f.key();
        if (kCommonFields.count(k) != 0 || allowed.count(k) != 0) continue;
        if (k == "QueryLanguage") {
          query_language(f.value(), loc + "/QueryLanguage");
          continue;
        }
        if (k == "Assign" || k == "Arguments" || k == "Output" || k == "Items") {
          // NOTE(emulator): variables and JSONata-only fields are not implemented.
          schema(loc, "The field \"" + k + "\" is not supported by this emulator");
          continue;
        }
        unknown_field(k, loc);
      }
      g->index[name] = g->states.size();
      g->states.push_back(State{name, compile_state(type, s, loc, name, machine)});
    }
    check_graph(*g, id);
    return g;
  }

  static std::vector<std::string> successors(const State& st) {
    std::vector<std::string> out;
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (requires { b.transition; }) {
            if (!b.transition.end && !b.transition.next.empty()) out.push_back(b.transition.next);
          }
          if constexpr (requires { b.catchers; }) {
            for (const auto& c : b.catchers) out.push_back(c.next);
          }
          if constexpr (std::is_same_v<T, ChoiceState>) {
            for (const auto& r : b.choices) out.push_back(r.next);
            if (b.default_next) out.push_back(*b.default_next);
          }
        },
        st.body);
    return out;
  }

  void check_graph(const Graph& g, const std::string& id) {
    if (g.states.empty()) return;
    if (!g.start_at.empty() && g.find(g.start_at) == nullptr) {
      add("MISSING_TRANSITION_TARGET", id.empty() ? "/StartAt" : id + "/StartAt",
          "Missing 'StartAt' target: " + g.start_at);
    }
    bool terminal = false;
    for (const auto& st : g.states) {
      const std::string loc = id + "/States/" + escape_pointer(st.name);
      std::visit(
          [&](const auto& b) {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, SucceedState> || std::is_same_v<T, FailState>) {
              terminal = true;
            } else if constexpr (requires { b.transition; }) {
              if (b.transition.end) terminal = true;
              if (!b.transition.next.empty() && g.find(b.transition.next) == nullptr) {
                add("MISSING_TRANSITION_TARGET", loc + "/Next",
                    "Missing 'Next' target: " + b.transition.next);
              }
            }
            if constexpr (requires { b.catchers; }) {
              for (std::size_t i = 0; i < b.catchers.size(); ++i) {
                const auto& n = b.catchers[i].next;
                if (!n.empty() && g.find(n) == nullptr) {
                  add("MISSING_TRANSITION_TARGET", loc + "/Catch/" + std::to_string(i) + "/Next",
                      "Missing 'Next' target: " + n);
                }
              }
            }
            if constexpr (std::is_same_v<T, ChoiceState>) {
              for (std::size_t i = 0; i < b.choices.size(); ++i) {
                const auto& n = b.choices[i].next;
                if (!n.empty() && g.find(n) == nullptr) {
                  add("MISSING_TRANSITION_TARGET", loc + "/Choices/" + std::to_string(i) + "/Next",
                      "Missing 'Next' target: " + n);
                }
              }
              if (b.default_next && g.find(*b.default_next) == nullptr) {
                add("MISSING_TRANSITION_TARGET", loc + "/Default",
                    "Missing 'Default' target: " + *b.default_next);
              }
            }
          },
          st.body);
    }
    if (!terminal) add("NO_TERMINAL_STATE", id + "/States", "No terminal state found in machine");
    // Reachability from StartAt.
    if (g.find(g.start_at) == nullptr) return;
    std::set<std::string> seen{g.start_at};
    std::deque<std::string> todo{g.start_at};
    while (!todo.empty()) {
      const State* st = g.find(todo.front());
      todo.pop_front();
      if (st == nullptr) continue;
      for (auto& n : successors(*st)) {
        if (seen.insert(n).second) todo.push_back(n);
      }
    }
    for (const auto& st : g.states) {
      if (seen.count(st.name) == 0) {
        add("UNREACHABLE_STATE", id + "/States/" + escape_pointer(st.name),
            "State \"" + st.name + "\" is not reachable");
      }
    }
  }
};

}  // namespace

const char* state_type_name(const StateBody& body) {
  static constexpr const char* kNames[] = {"Pass",    "Task", "Choice",   "Wait",
                                           "Succeed", "Fail", "Parallel", "Map"};
  return kNames[body.index()];
}

CompileResult compile(std::string_view definition, const CompileOptions& options) {
  Compiler c(options);
  return c.run(definition);
}

}  // namespace scl::asl
