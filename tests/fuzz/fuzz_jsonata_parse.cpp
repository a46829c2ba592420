// Fuzzes the JSONata parser: compile() on the whole input, then the host's static checks on
// what compiled.
//
// Checked: compile() never throws or crashes (nesting, escapes, regexes, signatures, any bytes);
// an error carries a code and a message; a compiled expression answers is_bare_reference(),
// variables() and variable_paths(), and a bare reference has at most one variable.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "engine/jsonata/jsonata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto out = scl::jsonata::compile(text);
  if (auto* err = std::get_if<scl::jsonata::Error>(&out)) {
    if (err->code.empty() || err->message.empty()) {
      std::fprintf(stderr, "fuzz_jsonata_parse: error without code or message\n");
      std::abort();
    }
    return 0;
  }
  const auto& expr = std::get<scl::jsonata::Expression>(out);
  if (expr.is_bare_reference() && expr.variables().size() > 1) {
    std::fprintf(stderr, "fuzz_jsonata_parse: bare reference with %zu variables\n", expr.variables().size());
    std::abort();
  }
  (void)expr.variable_paths();
  return 0;
}
