// Fuzzes buildspec parsing: the whole input is an inline buildspec (YAML) as a project's
// source.buildspec or StartBuild's buildspecOverride carries it. Runs is_inline_buildspec,
// parse_buildspec and parse_batch (build-list / build-graph / build-matrix expansion).
//
// Checked: both parsers throw nothing but BuildspecError (the service turns that into a
// YAML_FILE_ERROR phase; anything else would escape as an internal error); a parsed batch has at
// most kMaxMatrixCells matrix cells, unique identifiers, and graph dependencies that name tasks.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "engine/codebuild/buildspec.hpp"

namespace {
using namespace scl::codebuild;

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_buildspec: %s: %s\n", what, detail.c_str());
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)is_inline_buildspec(text);
  try {
    const Buildspec spec = parse_buildspec(text);
    if (spec.version.empty()) die("parsed buildspec without a version", "");
  } catch (const BuildspecError&) {
  } catch (const std::exception& e) {
    die("parse_buildspec threw something else than BuildspecError", e.what());
  }
  try {
    const BatchSpec batch = parse_batch(text);
    if (batch.kind == BatchKind::kMatrix && batch.tasks.size() > kMaxMatrixCells)
      die("too many matrix cells", std::to_string(batch.tasks.size()));
    std::set<std::string> ids;
    for (const auto& t : batch.tasks) {
      if (!ids.insert(t.identifier).second) die("duplicate task identifier", t.identifier);
    }
    if (batch.kind == BatchKind::kGraph) {
      for (const auto& t : batch.tasks)
        for (const auto& d : t.depend_on)
          if (ids.count(d) == 0) die("unknown dependency survived", d);
    }
  } catch (const BuildspecError&) {
  } catch (const std::exception& e) {
    die("parse_batch threw something else than BuildspecError", e.what());
  }
  return 0;
}
