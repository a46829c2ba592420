#include "engine/jsonata/pictures/calendar.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace scl::jsonata::pictures::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double to_integer(double x) {
  if (std::isnan(x)) return 0;
  return std::trunc(x);
}

// Days from 1970-01-01 to year-month-01 (proleptic Gregorian; month 1..12).
std::int64_t days_from_civil(std::int64_t y, unsigned m) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

}  // namespace

double make_day(double year, double month0, double day) {
  if (!std::isfinite(year) || !std::isfinite(month0) || !std::isfinite(day)) return kNaN;
  const double y = to_integer(year);
  const double m = to_integer(month0);
  const double dt = to_integer(day);
  const double ym = y + std::floor(m / 12);
  double mn = std::fmod(m, 12);
  if (mn < 0) mn += 12;
  // Beyond this the time value is out of TimeClip's range whatever the day (the spec's MakeDay
  // would give a finite day that MakeDate/TimeClip then reject).
  if (std::abs(ym) > 1e8) return kNaN;
  const auto first = static_cast<double>(
      days_from_civil(static_cast<std::int64_t>(ym), static_cast<unsigned>(mn) + 1));
  return first + dt - 1;
}

double make_time(double hours, double minutes, double seconds, double ms) {
  if (!std::isfinite(hours) || !std::isfinite(minutes) || !std::isfinite(seconds) ||
      !std::isfinite(ms)) {
    return kNaN;
  }
  return to_integer(hours) * 3'600'000.0 + to_integer(minutes) * 60'000.0 +
         to_integer(seconds) * 1000.0 + to_integer(ms);
}

double time_clip(double t) {
  if (!std::isfinite(t) || std::abs(t) > 8.64e15) return kNaN;
  const double r = to_integer(t);
  return r == 0 ? 0.0 : r;
}

double date_utc(double year, double month0, double day, double hours, double minutes,
                double seconds, double ms) {
  double y = year;
  if (!std::isnan(y)) {
    const double yi = to_integer(y);
    if (yi >= 0 && yi <= 99) y = 1900 + yi;
  }
  const double d = make_day(y, month0, day);
  const double t = make_time(hours, minutes, seconds, ms);
  if (std::isnan(d) || std::isnan(t)) return kNaN;
  return time_clip(d * kMsPerDay + t);
}

Fields utc_fields(double t) {
  if (std::isnan(t)) return Fields{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const double days = std::floor(t / kMsPerDay);
  const double in_day = t - days * kMsPerDay;
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(static_cast<std::int64_t>(days), &y, &m, &d);
  double weekday = std::fmod(days + 4, 7);
  if (weekday < 0) weekday += 7;
  const double hours = std::floor(in_day / 3'600'000.0);
  const double minutes = std::floor(std::fmod(in_day, 3'600'000.0) / 60'000.0);
  const double seconds = std::floor(std::fmod(in_day, 60'000.0) / 1000.0);
  const double ms = std::fmod(in_day, 1000.0);
  return Fields{static_cast<double>(y), static_cast<double>(m - 1), static_cast<double>(d),
                weekday, hours, minutes, seconds, ms};
}

}  // namespace scl::jsonata::pictures::detail
