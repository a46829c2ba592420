#pragma once
// The JSONata functions Step Functions adds to 2.0.6, as an opt-in extension set the host passes
// to evaluate(): $partition, $range, $hash, $random (optionally seeded), $uuid, $parse.
// Source: "Transforming data with JSONata in Step Functions", section "JSONata functions
// provided by Step Functions" (docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
//
//   $partition(array, size)        → the array in chunks of `size` (the last may be shorter)
//   $range(start, end[, step])     → start, start+step, … up to end inclusive (step default 1)
//   $hash(data, algorithm)         → hex digest; MD5, SHA-1, SHA-256, SHA-384, SHA-512
//   $random([seed])                → [0, 1); seeded = java.util.Random(seed).nextDouble()
//                                    (AWS runs the JVM: $random(42) = 0.7275636800328681)
//   $uuid()                        → a version 4 UUID from the host's Environment
//   $parse(text)                   → the JSON value `text` holds (what $eval was used for)
//
// Bad arguments fail with signature errors (T0410) or with D3200–D3205 (this engine's codes,
// "<function>: <reason>"); Step Functions reports all of them as States.QueryEvaluationError.

#include "engine/jsonata/jsonata.hpp"

namespace scl::jsonata {

/// The extension set (built once; thread-safe to share).
const FunctionSet& step_functions_functions();

/// java.util.Random(seed).nextDouble() (exposed for tests).
double java_random_next_double(std::int64_t seed);

}  // namespace scl::jsonata
