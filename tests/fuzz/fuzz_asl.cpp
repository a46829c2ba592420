// Fuzzes the ASL compiler: the whole input is a state machine definition, compiled once with the
// default options (every well-formed resource ARN accepted) and once with an EXPRESS-like
// resource validator (express_resource_rule plus an unknown-resource rule for non-codebuild
// services), as ValidateStateMachineDefinition / CreateStateMachine do.
//
// Checked: compile never throws; ok() exactly when there are no diagnostics; every diagnostic has
// a code and a message and renders; the InvalidDefinition message mentions the first diagnostic.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/asl/compiler.hpp"
#include "engine/asl/resource.hpp"

namespace {
using namespace scl::asl;

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_asl: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check(const CompileResult& r) {
  if (r.ok() != r.diagnostics.empty()) die("ok() and diagnostics disagree", "");
  if (r.ok()) return;
  for (const auto& d : r.diagnostics) {
    if (d.code.empty() || d.message.empty()) die("diagnostic without code or message", d.render());
    if (!d.location.empty() && d.location[0] != '/') die("location is not a JSON pointer", d.render());
    (void)d.render();
  }
  const std::string msg = r.invalid_definition_message();
  if (msg.find(r.diagnostics.front().code) == std::string::npos)
    die("InvalidDefinition message lacks the first diagnostic", msg);
}

const CompileOptions& express_options() {
  static const CompileOptions opts{[](const ResourceRef& ref) -> std::optional<Diagnostic> {
    if (auto d = express_resource_rule(ref)) return d;
    if (ref.service != "codebuild") return unrecognized_resource(ref.arn);
    return std::nullopt;
  }};
  return opts;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view definition(reinterpret_cast<const char*>(data), size);
  try {
    check(compile(definition));
    check(compile(definition, express_options()));
  } catch (const std::exception& e) {
    die("compile threw", e.what());
  }
  return 0;
}
