#pragma once
// $toMillis without a picture: the reference's ISO 8601 check (D3110) and V8's Date.parse.
// Internal to engine/jsonata/pictures.

#include <string>

#include "engine/jsonata/pictures/js_text.hpp"

namespace scl::jsonata::pictures::detail {

/// The time value (NaN where V8 finds no valid date), or D3110 for text the reference rejects.
Result<double> parse_iso8601(const std::string& timestamp);

}  // namespace scl::jsonata::pictures::detail
