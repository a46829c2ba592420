#pragma once
// The JSONata parser: a Pratt (top-down operator precedence) parser over the tokenizer, with the
// binding powers of tokenizer.cpp's one table, followed by the post-pass that turns the raw
// tree into explicit path steps (post_pass.cpp).
//
// Errors (S0xxx) are thrown as JsonataException; compile() in jsonata.cpp catches them.

#include <cstddef>
#include <string_view>

#include "engine/jsonata/ast.hpp"

namespace scl::jsonata {

/// Nesting depth past which parsing stops with U1001 instead of exhausting the machine stack.
inline constexpr int kMaxParseDepth = 400;

/// The raw tree of `text`.
NodePtr parse_raw(std::string_view text);
/// The raw tree rewritten into explicit steps (the reference's processAST).
NodePtr post_process(NodePtr raw);
/// parse_raw + post_process.
NodePtr parse(std::string_view text);

}  // namespace scl::jsonata
