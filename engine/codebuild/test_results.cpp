#include "engine/codebuild/test_results.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>
#include "engine/core/utf8.hpp"

namespace scl::codebuild {
namespace {

struct XmlNode {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<XmlNode>> children;
  std::string text;

  [[nodiscard]] std::string attr(const std::string& key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? std::string() : it->second;
  }
  [[nodiscard]] const XmlNode* child(std::string_view n) const {
    for (const auto& c : children)
      if (c->name == n) return c.get();
    return nullptr;
  }
};

// A small non-validating XML reader: elements, attributes, text, CDATA, comments, processing
// instructions and DOCTYPE (skipped), the five predefined entities and numeric references.
class XmlReader {
 public:
  explicit XmlReader(std::string_view s) : s_(s) {}

  std::unique_ptr<XmlNode> document() {
    skip_misc();
    if (!starts("<")) error("expected a root element");
    auto root = element();
    skip_misc();
    if (pos_ != s_.size()) error("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    std::size_t line = 1;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i)
      if (s_[i] == '\n') ++line;
    throw ReportFileError("XML error at line " + std::to_string(line) + ": " + what);
  }
  bool starts(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' ||
                                s_[pos_] == '\n'))
      ++pos_;
  }
  void skip_past(std::string_view end) {
    auto e = s_.find(end, pos_);
    if (e == std::string_view::npos) error("missing '" + std::string(end) + "'");
    pos_ = e + end.size();
  }
  void skip_misc() {
    for (;;) {
      skip_ws();
      if (starts("\xEF\xBB\xBF")) pos_ += 3;
      else if (starts("<?")) skip_past("?>");
      else if (starts("<!--")) skip_past("-->");
      else if (starts("<!DOCTYPE")) skip_past(">");
      else return;
    }
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.' ||
           c == ':';
  }
  std::string name() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    if (pos_ == start) error("expected a name");
    return std::string(s_.substr(start, pos_ - start));
  }
  std::string decode(std::string_view raw) const {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out.push_back(raw[i]);
        continue;
      }
      const auto semi = raw.find(';', i);
      if (semi == std::string_view::npos) error("unterminated entity");
      const std::string_view ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "lt") out += '<';
      else if (ent == "gt") out += '>';
      else if (ent == "amp") out += '&';
      else if (ent == "quot") out += '"';
      else if (ent == "apos") out += '\'';
      else if (!ent.empty() && ent[0] == '#') {
        unsigned long cp = 0;
        const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
        const std::string_view digits = ent.substr(hex ? 2 : 1);
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
        if (ec != std::errc() || p != digits.data() + digits.size() || cp > 0x10FFFF)
          error("bad character reference");
        append_utf8(out, static_cast<std::uint32_t>(cp));
      } else {
        error("unknown entity &" + std::string(ent) + ";");
      }
      i = semi;
    }
    return out;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    core::append_utf8(out, static_cast<char32_t>(cp));
  }
  std::unique_ptr<XmlNode> element() {
    if (++depth_ > 200) error("elements nested too deeply");
    ++pos_;  // '<'
    auto node = std::make_unique<XmlNode>();
    node->name = name();
    for (;;) {
      skip_ws();
      if (starts("/>")) {
        pos_ += 2;
        --depth_;
        return node;
      }
      if (starts(">")) {
        ++pos_;
        break;
      }
      std::string key = name();
      skip_ws();
      if (!starts("=")) error("expected '=' after attribute " + key);
      ++pos_;
      skip_ws();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) error("expected a quote");
      const char q = s_[pos_++];
      const auto end = s_.find(q, pos_);
      if (end == std::string_view::npos) error("unterminated attribute value");
      node->attrs[key] = decode(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
    }
    for (;;) {
      if (pos_ >= s_.size()) error("missing </" + node->name + ">");
      if (starts("</")) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != node->name) error("</" + closing + "> closes <" + node->name + ">");
        skip_ws();
        if (!starts(">")) error("expected '>'");
        ++pos_;
        --depth_;
        return node;
      }
      if (starts("<!--")) {
        skip_past("-->");
      } else if (starts("<![CDATA[")) {
        pos_ += 9;
        const auto end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) error("unterminated CDATA");
        node->text += s_.substr(pos_, end - pos_);
        pos_ = end + 3;
      } else if (starts("<?")) {
        skip_past("?>");
      } else if (starts("<")) {
        node->children.push_back(element());
      } else {
        const auto end = s_.find('<', pos_);
        node->text += decode(s_.substr(pos_, end == std::string_view::npos ? s_.size() - pos_ : end - pos_));
        pos_ = end == std::string_view::npos ? s_.size() : end;
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

std::int64_t seconds_to_ns(const std::string& text) {
  if (text.empty()) return 0;
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || !std::isfinite(v) || v < 0) return 0;
  return static_cast<std::int64_t>(std::llround(v * 1e9));
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

void collect_junit(const XmlNode& n, const std::string& suite, std::vector<TestCaseResult>& out) {
  if (n.name == "testcase") {
    TestCaseResult r;
    r.suite = suite;
    r.name = n.attr("name");
    r.prefix = n.attr("classname").empty() ? suite : n.attr("classname");
    r.duration_ns = seconds_to_ns(n.attr("time"));
    r.status = "SUCCEEDED";
    const XmlNode* detail = nullptr;
    if ((detail = n.child("failure")) != nullptr) r.status = "FAILED";
    else if ((detail = n.child("error")) != nullptr) r.status = "ERROR";
    else if ((detail = n.child("skipped")) != nullptr) r.status = "SKIPPED";
    if (detail != nullptr) {
      r.message = detail->attr("message");
      const std::string body = trimmed(detail->text);
      if (!body.empty()) r.message += r.message.empty() ? body : "\n" + body;
    }
    out.push_back(std::move(r));
    return;
  }
  const std::string here = n.name == "testsuite" ? n.attr("name") : suite;
  for (const auto& c : n.children) collect_junit(*c, here, out);
}

}  // namespace

std::vector<TestCaseResult> parse_junit_xml(std::string_view xml) {
  auto root = XmlReader(xml).document();
  if (root->name != "testsuites" && root->name != "testsuite")
    throw ReportFileError("JUnit XML must have a <testsuites> or <testsuite> root, not <" +
                          root->name + ">");
  std::vector<TestCaseResult> out;
  collect_junit(*root, "", out);
  return out;
}

std::vector<TestCaseResult> parse_cucumber_json(std::string_view text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    throw ReportFileError("Cucumber JSON must be an array of features");
  std::vector<TestCaseResult> out;
  for (const auto& feature : doc) {
    if (!feature.is_object()) throw ReportFileError("each Cucumber feature must be an object");
    const std::string fname = feature.value("name", feature.value("uri", std::string()));
    for (const auto& el : feature.value("elements", nlohmann::json::array())) {
      if (!el.is_object() || el.value("type", "scenario") == "background") continue;
      TestCaseResult r;
      r.suite = fname;
      r.prefix = fname;
      r.name = el.value("name", std::string());
      bool failed = false;
      bool skipped = false;
      bool unknown = false;
      for (const auto& step : el.value("steps", nlohmann::json::array())) {
        const auto res = step.value("result", nlohmann::json::object());
        const std::string st = res.value("status", std::string());
        if (res.contains("duration") && res["duration"].is_number_integer())
          r.duration_ns += res["duration"].get<std::int64_t>();
        if (st == "failed") {
          failed = true;
          if (r.message.empty()) r.message = res.value("error_message", std::string());
        } else if (st == "skipped" || st == "pending") {
          skipped = true;
        } else if (st != "passed") {
          unknown = true;
        }
      }
      r.status = failed ? "FAILED" : unknown ? "UNKNOWN" : skipped ? "SKIPPED" : "SUCCEEDED";
      out.push_back(std::move(r));
    }
  }
  return out;
}

CoverageResult parse_cobertura_xml(std::string_view xml) {
  auto root = XmlReader(xml).document();
  if (root->name != "coverage")
    throw ReportFileError("Cobertura XML must have a <coverage> root, not <" + root->name + ">");
  auto num = [&](const char* key) -> std::int64_t {
    const std::string v = root->attr(key);
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < 0)
      throw ReportFileError(std::string("<coverage> needs a non-negative integer ") + key);
    return n;
  };
  CoverageResult r;
  r.lines_covered = num("lines-covered");
  r.lines_missed = std::max<std::int64_t>(0, num("lines-valid") - r.lines_covered);
  r.branches_covered = num("branches-covered");
  r.branches_missed = std::max<std::int64_t>(0, num("branches-valid") - r.branches_covered);
  return r;
}

}  // namespace scl::codebuild
