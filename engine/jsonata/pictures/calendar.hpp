#pragma once
// ECMAScript's time values (ECMA-262 §21.4.1): milliseconds since the epoch as doubles, NaN for
// an invalid date, with Date.UTC's argument rules (years 0..99 mean 1900..1999, months and days
// roll over) and TimeClip (|t| <= 8.64e15). The reference computes its calendar with these, so
// its answers for odd inputs (day 31 of February, the year 50) are these functions' answers.
// Internal to engine/jsonata/pictures.

namespace scl::jsonata::pictures::detail {

inline constexpr double kMsPerDay = 86'400'000.0;

/// Date.UTC(year, month0, day, hours, minutes, seconds, ms).
double date_utc(double year, double month0 = 0, double day = 1, double hours = 0,
                double minutes = 0, double seconds = 0, double ms = 0);
/// MakeDay / MakeTime / MakeDate / TimeClip.
double make_day(double year, double month0, double day);
double make_time(double hours, double minutes, double seconds, double ms);
double time_clip(double t);

/// The UTC fields of a time value (NaN for NaN), as the Date getUTC* methods give them.
struct Fields {
  double year, month0, day, weekday, hours, minutes, seconds, ms;
};
Fields utc_fields(double t);

}  // namespace scl::jsonata::pictures::detail
