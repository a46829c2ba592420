#pragma once
// Nesting limit for everything the engine parses or walks recursively: definition JSON,
// States.StringToJson strings, nested intrinsic calls, JSONPath filter expressions. Deeper input
// is rejected up front (a diagnostic, an IntrinsicSyntaxError / JsonPathError, or
// States.IntrinsicFailure), so a hostile definition cannot exhaust a server thread's stack.
// NOTE(emulator): AWS's own limits are not evidenced here; 1000 is Jackson's default
// maxNestingDepth (StreamReadConstraints) and far above any real state machine.

#include "engine/core/json_nesting.hpp"

namespace scl::asl {

inline constexpr int kMaxNesting = 1000;

using core::json_nesting_depth;

}  // namespace scl::asl
