#include "engine/codebuild/buildspec.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

namespace scl::codebuild {
namespace {

std::string line_of(const YAML::Node& n) {
  const auto m = n.Mark();
  return m.is_null() ? std::string() : " at line " + std::to_string(m.line + 1);
}

[[noreturn]] void fail(const std::string& message) { throw BuildspecError(message); }

std::string scalar(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) fail(what + " must be a string" + line_of(n));
  return n.Scalar();
}

bool boolean(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) fail(what + " must be a boolean" + line_of(n));
  std::string v = n.Scalar();
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "true" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "no" || v == "off") return false;
  fail(what + " must be true or false, found '" + n.Scalar() + "'" + line_of(n));
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) fail(what + " must be a list of strings" + line_of(n));
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node item = n[i];
    if (!item.IsScalar()) {
      // The wording CodeBuild uses for a mapping where a command string was expected.
      fail("Expected " + what + "[" + std::to_string(i) + "] to be of string type: found " +
           (item.IsMap() ? "subkeys" : "a list") + " instead" + line_of(item) +
           ", check indentation and use of \":\" in commands");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

EnvMap variables(const YAML::Node& n, const std::string& where) {
  EnvMap out;
  if (!n || n.IsNull()) return out;
  if (!n.IsMap()) fail(where + " must be a mapping of names to values" + line_of(n));
  for (const auto& kv : n) {
    const std::string name = scalar(kv.first, where + " name");
    if (kv.second.IsNull()) {
      out[name] = "";
    } else if (kv.second.IsScalar()) {
      out[name] = kv.second.Scalar();
    } else {
      fail(where + "." + name + " must be a single value" + line_of(kv.second));
    }
  }
  return out;
}

YAML::Node load(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where;
    if (!e.mark.is_null()) {
      where = " line " + std::to_string(e.mark.line + 1) + ", column " +
              std::to_string(e.mark.column + 1) + ":";
    }
    fail("yaml:" + where + " " + e.msg);
  }
  if (!root.IsMap()) fail("buildspec must be a YAML mapping");
  return root;
}

std::optional<Phase> command_phase(const std::string& key) {
  if (key == "install") return Phase::kInstall;
  if (key == "pre_build") return Phase::kPreBuild;
  if (key == "build") return Phase::kBuild;
  if (key == "post_build") return Phase::kPostBuild;
  return std::nullopt;
}

// The env keys a batch task may override (batch build buildspec reference).
void task_env(const YAML::Node& env, BatchTask& t, const std::string& where) {
  if (!env || env.IsNull()) return;
  if (!env.IsMap()) fail(where + ".env must be a mapping" + line_of(env));
  for (const auto& kv : env) {
    const std::string key = scalar(kv.first, where + ".env key");
    if (key == "variables") t.variables = variables(kv.second, where + ".env.variables");
    else if (key == "type") t.type = scalar(kv.second, where + ".env.type");
    else if (key == "image") t.image = scalar(kv.second, where + ".env.image");
    else if (key == "compute-type") t.compute_type = scalar(kv.second, where + ".env.compute-type");
    else if (key == "privileged-mode")
      t.privileged_mode = boolean(kv.second, where + ".env.privileged-mode");
    else if (key == "fleet") scalar(kv.second, where + ".env.fleet");  // accepted, not simulated
    else fail("unknown key '" + key + "' in " + where + ".env" + line_of(kv.first));
  }
}

BatchTask task_of(const YAML::Node& n, const std::string& where, bool graph) {
  if (!n.IsMap()) fail(where + " must be a mapping" + line_of(n));
  BatchTask t;
  for (const auto& kv : n) {
    const std::string key = scalar(kv.first, where + " key");
    if (key == "identifier") t.identifier = scalar(kv.second, where + ".identifier");
    else if (key == "buildspec") t.buildspec = scalar(kv.second, where + ".buildspec");
    else if (key == "env") task_env(kv.second, t, where);
    else if (key == "ignore-failure") t.ignore_failure = boolean(kv.second, where + ".ignore-failure");
    else if (key == "debug-session") t.debug_session = boolean(kv.second, where + ".debug-session");
    else if (key == "depend-on" && graph) t.depend_on = string_list(kv.second, where + ".depend-on");
    else fail("unknown key '" + key + "' in " + where + line_of(kv.first));
  }
  if (t.identifier.empty()) fail(where + ".identifier is required");
  const bool valid = std::all_of(t.identifier.begin(), t.identifier.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_';
  });
  if (!valid) {
    fail("identifier '" + t.identifier +
         "' may only contain letters, digits and underscores" + line_of(n));
  }
  return t;
}

void check_graph(const std::vector<BatchTask>& tasks) {
  std::map<std::string, const BatchTask*> by_id;
  for (const auto& t : tasks) {
    if (!by_id.emplace(t.identifier, &t).second) fail("duplicate identifier '" + t.identifier + "'");
  }
  for (const auto& t : tasks) {
    for (const auto& d : t.depend_on) {
      if (!by_id.count(d))
        fail("build '" + t.identifier + "' depends on unknown identifier '" + d + "'");
    }
  }
  // Depth-first search for a cycle, with an explicit stack: a long dependency chain must not
  // exhaust the thread's stack.
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::vector<std::pair<const BatchTask*, std::size_t>> stack;  // task, next dependency
  for (const auto& root : tasks) {
    if (state[root.identifier] != 0) continue;
    state[root.identifier] = 1;
    stack.emplace_back(&root, 0);
    while (!stack.empty()) {
      auto& [t, next] = stack.back();
      if (next == t->depend_on.size()) {
        state[t->identifier] = 2;
        stack.pop_back();
        continue;
      }
      const std::string& d = t->depend_on[next++];
      if (state[d] == 1) fail("build-graph has a dependency cycle through '" + d + "'");
      if (state[d] == 0) {
        state[d] = 1;
        stack.emplace_back(by_id[d], 0);
      }
    }
  }
}

// build-matrix: `static` settings apply to every cell; `dynamic` lists values whose cartesian
// product gives the cells. Dimension order: buildspec, env.type, env.image, env.compute-type,
// then env.variables in the order written; the last dimension varies fastest.
std::vector<BatchTask> expand_matrix(const YAML::Node& m) {
  if (!m.IsMap()) fail("batch.build-matrix must be a mapping" + line_of(m));
  BatchTask base;
  base.identifier = "matrix";
  struct Dim {
    std::function<void(BatchTask&, const std::string&)> apply;
    std::vector<std::string> values;
  };
  std::vector<Dim> dims;
  for (const auto& kv : m) {
    const std::string key = scalar(kv.first, "batch.build-matrix key");
    if (key == "static") {
      if (!kv.second.IsMap()) fail("batch.build-matrix.static must be a mapping" + line_of(kv.second));
      for (const auto& s : kv.second) {
        const std::string sk = scalar(s.first, "batch.build-matrix.static key");
        if (sk == "env") task_env(s.second, base, "batch.build-matrix.static");
        else if (sk == "ignore-failure")
          base.ignore_failure = boolean(s.second, "batch.build-matrix.static.ignore-failure");
        else if (sk == "buildspec") base.buildspec = scalar(s.second, "batch.build-matrix.static.buildspec");
        else if (sk == "debug-session")
          base.debug_session = boolean(s.second, "batch.build-matrix.static.debug-session");
        else fail("unknown key '" + sk + "' in batch.build-matrix.static" + line_of(s.first));
      }
    } else if (key == "dynamic") {
      const YAML::Node& d = kv.second;
      if (!d.IsMap()) fail("batch.build-matrix.dynamic must be a mapping" + line_of(d));
      for (const auto& s : d) {
        const std::string sk = scalar(s.first, "batch.build-matrix.dynamic key");
        if (sk == "buildspec") {
          dims.push_back({[](BatchTask& t, const std::string& v) { t.buildspec = v; },
                          string_list(s.second, "batch.build-matrix.dynamic.buildspec")});
        } else if (sk == "env") {
          if (!s.second.IsMap())
            fail("batch.build-matrix.dynamic.env must be a mapping" + line_of(s.second));
          for (const auto& e : s.second) {
            const std::string ek = scalar(e.first, "batch.build-matrix.dynamic.env key");
            const std::string where = "batch.build-matrix.dynamic.env." + ek;
            if (ek == "type") {
              dims.push_back({[](BatchTask& t, const std::string& v) { t.type = v; },
                              string_list(e.second, where)});
            } else if (ek == "image") {
              dims.push_back({[](BatchTask& t, const std::string& v) { t.image = v; },
                              string_list(e.second, where)});
            } else if (ek == "compute-type") {
              dims.push_back({[](BatchTask& t, const std::string& v) { t.compute_type = v; },
                              string_list(e.second, where)});
            } else if (ek == "variables") {
              if (!e.second.IsMap()) fail(where + " must be a mapping" + line_of(e.second));
              for (const auto& var : e.second) {
                const std::string name = scalar(var.first, where + " name");
                dims.push_back({[name](BatchTask& t, const std::string& v) { t.variables[name] = v; },
                                string_list(var.second, where + "." + name)});
              }
            } else {
              fail("unknown key '" + ek + "' in batch.build-matrix.dynamic.env" + line_of(e.first));
            }
          }
        } else {
          fail("unknown key '" + sk + "' in batch.build-matrix.dynamic" + line_of(s.first));
        }
      }
    } else {
      fail("unknown key '" + key + "' in batch.build-matrix" + line_of(kv.first));
    }
  }
  std::size_t cells = 1;
  for (const auto& d : dims) {
    if (d.values.empty()) fail("batch.build-matrix.dynamic has an empty list of values");
    cells *= d.values.size();
    if (cells > kMaxMatrixCells)
      fail("batch.build-matrix expands to more than " + std::to_string(kMaxMatrixCells) + " builds");
  }
  std::vector<BatchTask> out;
  out.reserve(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    BatchTask t = base;
    std::size_t rest = i;
    for (std::size_t k = dims.size(); k-- > 0;) {
      const auto& d = dims[k];
      d.apply(t, d.values[rest % d.values.size()]);
      rest /= d.values.size();
    }
    t.identifier = "matrix_" + std::to_string(i + 1);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

bool ReportSpec::is_coverage() const {
  return file_format == "CLOVERXML" || file_format == "COBERTURAXML" ||
         file_format == "JACOCOXML" || file_format == "SIMPLECOV";
}

bool is_inline_buildspec(std::string_view text) {
  if (text.find('\n') != std::string_view::npos) return true;
  if (!text.empty() && text.front() == '{') return true;
  // "version: 0.2" is YAML; "buildspec.yml" or "ci/build.yaml" is a file name.
  const auto colon = text.find(':');
  return colon != std::string_view::npos &&
         (colon + 1 == text.size() || text[colon + 1] == ' ' || text[colon + 1] == '\t');
}

Buildspec parse_buildspec(std::string_view text) {
  const YAML::Node root = load(text);
  Buildspec spec;
  const YAML::Node version = root["version"];
  if (!version || version.IsNull()) fail("missing version in buildspec");
  spec.version = scalar(version, "version");
  if (spec.version != "0.1" && spec.version != "0.2") {
    fail("invalid buildspec version '" + spec.version + "': expected 0.1 or 0.2");
  }
  for (const auto& kv : root) {
    const std::string key = scalar(kv.first, "top-level key");
    const YAML::Node& v = kv.second;
    if (key == "env") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) fail("env must be a mapping" + line_of(v));
      spec.variables = variables(v["variables"], "env.variables");
    } else if (key == "phases") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) fail("phases must be a mapping" + line_of(v));
      for (const auto& ph : v) {
        const std::string name = scalar(ph.first, "phase name");
        auto p = command_phase(name);
        if (!p) fail("unknown phase '" + name + "' in phases" + line_of(ph.first));
        if (ph.second.IsNull()) continue;
        if (!ph.second.IsMap()) fail("phases." + name + " must be a mapping" + line_of(ph.second));
        const YAML::Node cmds = ph.second["commands"];
        spec.commands[static_cast<std::size_t>(*p)] = string_list(cmds, "Commands");
        string_list(ph.second["finally"], "Finally");
      }
    } else if (key == "reports") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) fail("reports must be a mapping" + line_of(v));
      for (const auto& r : v) {
        ReportSpec rs;
        rs.key = scalar(r.first, "report group name");
        if (!r.second.IsMap()) fail("reports." + rs.key + " must be a mapping" + line_of(r.second));
        rs.files = string_list(r.second["files"], "reports." + rs.key + ".files");
        if (rs.files.empty()) fail("reports." + rs.key + ".files is required");
        if (const YAML::Node f = r.second["file-format"]; f && !f.IsNull()) {
          rs.file_format = scalar(f, "reports." + rs.key + ".file-format");
          std::transform(rs.file_format.begin(), rs.file_format.end(), rs.file_format.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
          static const std::set<std::string> kFormats = {
              "JUNITXML", "CUCUMBERJSON", "NUNITXML", "NUNIT3XML", "TESTNGXML",
              "VISUALSTUDIOTRX", "CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV"};
          if (!kFormats.count(rs.file_format)) {
            fail("unknown file-format '" + f.Scalar() + "' for report group " + rs.key);
          }
        }
        if (const YAML::Node b = r.second["base-directory"]; b && !b.IsNull())
          rs.base_directory = scalar(b, "reports." + rs.key + ".base-directory");
        spec.reports.push_back(std::move(rs));
      }
    } else if (key == "batch") {
      if (!v.IsNull() && !v.IsMap()) fail("batch must be a mapping" + line_of(v));
      spec.has_batch = !v.IsNull();
    }
    // Other keys (run-as, proxy, artifacts, cache, secondary-artifacts, ...) are accepted as
    // written: they change nothing the emulator simulates.
  }
  return spec;
}

BatchSpec parse_batch(std::string_view text) {
  const YAML::Node root = load(text);
  const YAML::Node batch = root["batch"];
  if (!batch || batch.IsNull()) fail("the buildspec has no batch section");
  if (!batch.IsMap()) fail("batch must be a mapping" + line_of(batch));
  BatchSpec spec;
  int kinds = 0;
  for (const auto& kv : batch) {
    const std::string key = scalar(kv.first, "batch key");
    const YAML::Node& v = kv.second;
    if (key == "fast-fail") {
      spec.fast_fail = boolean(v, "batch.fast-fail");
    } else if (key == "build-list" || key == "build-graph") {
      ++kinds;
      const bool graph = key == "build-graph";
      spec.kind = graph ? BatchKind::kGraph : BatchKind::kList;
      if (!v.IsSequence()) fail("batch." + key + " must be a list" + line_of(v));
      for (std::size_t i = 0; i < v.size(); ++i)
        spec.tasks.push_back(task_of(v[i], "batch." + key + "[" + std::to_string(i) + "]", graph));
    } else if (key == "build-matrix") {
      ++kinds;
      spec.kind = BatchKind::kMatrix;
      spec.tasks = expand_matrix(v);
    } else if (key == "build-fanout") {
      fail("batch.build-fanout is not supported by sfn-codebuild-local");
    } else {
      fail("unknown key '" + key + "' in batch" + line_of(kv.first));
    }
  }
  if (kinds == 0) fail("batch needs one of build-list, build-graph or build-matrix");
  if (kinds > 1) fail("batch may contain only one of build-list, build-graph or build-matrix");
  if (spec.tasks.empty()) fail("the batch defines no builds");
  check_graph(spec.tasks);
  return spec;
}

}  // namespace scl::codebuild
