// $toMillis(timestamp) without a picture. The reference first checks the text against its own
// ISO 8601 pattern (else D3110) and then hands it to JavaScript's Date.parse, so what a string
// means is what V8's date parser makes of it: the ES date-time format (with V8's "+hhmm"
// extension), and, where that grammar stops early, V8's legacy parser carrying on from there.
// That is how "2018-02-31" is 3 March, "2018-05:30" is 30 May and "2018.5" is 1 May. This file
// models those two parsers for the strings the pattern admits (they use no words but T and Z).
// NOTE(emulator): a timestamp with a time and no offset is local time to V8; we read it as UTC.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "engine/core/regex.hpp"
#include "engine/jsonata/pictures/calendar.hpp"
#include "engine/jsonata/pictures/iso8601.hpp"

namespace scl::jsonata::pictures::detail {
namespace {

constexpr int kNone = std::numeric_limits<int>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Token {
  enum Kind { kEnd, kNumber, kSymbol, kKeywordT, kKeywordZ, kOther } kind = kEnd;
  int number = 0;   // first 9 significant digits
  int length = 0;   // characters, leading zeros included
  char symbol = 0;
  bool is_sign() const { return kind == kSymbol && (symbol == '+' || symbol == '-'); }
  bool is_symbol(char c) const { return kind == kSymbol && symbol == c; }
  bool fixed(int n) const { return kind == kNumber && length == n; }
};

class Tokens {
 public:
  explicit Tokens(const std::string& text) : text_(text) { next_ = scan(); }
  Token next() {
    Token t = next_;
    next_ = scan();
    return t;
  }
  const Token& peek() const { return next_; }
  bool skip_symbol(char c) {
    if (next_.is_symbol(c)) {
      next();
      return true;
    }
    return false;
  }

 private:
  Token scan() {
    Token t;
    if (pos_ >= text_.size()) return t;
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (c >= '0' && c <= '9') {
      while (pos_ < text_.size() && text_[pos_] == '0') ++pos_;
      int n = 0;
      int significant = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        if (significant < 9) n = n * 10 + (text_[pos_] - '0');
        ++significant;
        ++pos_;
      }
      t.kind = Token::kNumber;
      t.number = n;
      t.length = static_cast<int>(pos_ - start);
      return t;
    }
    ++pos_;
    if (c == ':' || c == '-' || c == '+' || c == '.' || c == ')') {
      t.kind = Token::kSymbol;
      t.symbol = c;
    } else if (c == 'T') {
      t.kind = Token::kKeywordT;
    } else if (c == 'Z') {
      t.kind = Token::kKeywordZ;
    } else {
      t.kind = Token::kOther;
    }
    return t;
  }

  const std::string& text_;
  std::size_t pos_ = 0;
  Token next_;
};

bool between(int x, int lo, int hi) { return x >= lo && x <= hi; }
bool is_month(int x) { return between(x, 1, 12); }
bool is_day(int x) { return between(x, 1, 31); }
bool is_hour(int x) { return between(x, 0, 23); }
bool is_minute(int x) { return between(x, 0, 59); }
bool is_millisecond(int x) { return between(x, 0, 999); }

struct Day {
  int comp[3] = {0, 0, 0};
  int index = 0;
  bool iso = false;
  bool add(int n) {
    if (index >= 3) return false;
    comp[index++] = n;
    return true;
  }
  bool write(double* year_out, double* month_out, double* day_out) {
    if (index < 1) return false;
    while (index < 3) comp[index++] = 1;
    int year = 0;
    int month = 0;
    int day = 0;
    if (iso || !is_day(comp[0])) {
      year = comp[0];
      month = comp[1];
      day = comp[2];
    } else {
      month = comp[0];
      day = comp[1];
      year = comp[2];
    }
    if (!iso) {
      if (between(year, 0, 49)) year += 2000;
      else if (between(year, 50, 99)) year += 1900;
    }
    if (!is_month(month) || !is_day(day)) return false;
    *year_out = year;
    *month_out = month - 1;
    *day_out = day;
    return true;
  }
};

struct Time {
  int comp[4] = {0, 0, 0, 0};
  int index = 0;
  bool empty() const { return index == 0; }
  bool add(int n) {
    if (index >= 4) return false;
    comp[index++] = n;
    return true;
  }
  bool add_final(int n) {
    if (!add(n)) return false;
    while (index < 4) comp[index++] = 0;
    return true;
  }
  bool expecting(int n) const {
    return (index == 1 && is_minute(n)) || (index == 2 && is_minute(n)) ||
           (index == 3 && is_millisecond(n));
  }
  bool write(double* out) {
    while (index < 4) comp[index++] = 0;
    const int h = comp[0], m = comp[1], s = comp[2], ms = comp[3];
    if (!is_hour(h) || !is_minute(m) || !is_minute(s) || !is_millisecond(ms)) {
      if (h != 24 || m != 0 || s != 0 || ms != 0) return false;
    }
    out[0] = h;
    out[1] = m;
    out[2] = s;
    out[3] = ms;
    return true;
  }
};

struct Zone {
  int sign = kNone;
  int hour = kNone;
  int minute = kNone;
  void set(int offset_hours) {
    sign = offset_hours < 0 ? -1 : 1;
    hour = offset_hours < 0 ? -offset_hours : offset_hours;
    minute = 0;
  }
  bool empty() const { return hour == kNone; }
  bool utc() const { return hour == 0 && minute == 0; }
  bool expecting(int n) const { return hour != kNone && minute == kNone && is_minute(n); }
  double offset_seconds() {
    if (sign == kNone) return kNaN;
    if (hour == kNone) hour = 0;
    if (minute == kNone) minute = 0;
    const double total = hour * 3600.0 + minute * 60.0;
    return sign < 0 ? -total : total;
  }
};

int read_milliseconds(const Token& t) {
  int number = t.number;
  int length = t.length;
  if (length == 1) {
    number *= 100;
  } else if (length == 2) {
    number *= 10;
  } else if (length > 3) {
    if (length > 9) length = 9;
    int factor = 1;
    do {
      factor *= 10;
      --length;
    } while (length > 3);
    number /= factor;
  }
  return number;
}

enum class Es5 { kDone, kInvalid, kContinue };

// The ES date-time grammar; on kContinue `*rest` is the first token it did not take.
Es5 parse_es5(Tokens& in, Day& day, Time& time, Zone& zone, Token* rest) {
  if (!in.peek().fixed(4)) {
    *rest = in.next();
    return Es5::kContinue;
  }
  day.add(in.next().number);
  if (in.skip_symbol('-')) {
    if (!in.peek().fixed(2) || !is_month(in.peek().number)) {
      *rest = in.next();
      return Es5::kContinue;
    }
    day.add(in.next().number);
    if (in.skip_symbol('-')) {
      if (!in.peek().fixed(2) || !is_day(in.peek().number)) {
        *rest = in.next();
        return Es5::kContinue;
      }
      day.add(in.next().number);
    }
  }
  if (in.peek().kind != Token::kKeywordT) {
    if (in.peek().kind != Token::kEnd) {
      *rest = in.next();
      return Es5::kContinue;
    }
  } else {
    in.next();
    if (!in.peek().fixed(2) || !between(in.peek().number, 0, 24)) return Es5::kInvalid;
    const bool hour24 = in.peek().number == 24;
    time.add(in.next().number);
    if (!in.skip_symbol(':')) return Es5::kInvalid;
    if (!in.peek().fixed(2) || !is_minute(in.peek().number) || (hour24 && in.peek().number > 0)) {
      return Es5::kInvalid;
    }
    time.add(in.next().number);
    if (in.skip_symbol(':')) {
      if (!in.peek().fixed(2) || !is_minute(in.peek().number) ||
          (hour24 && in.peek().number > 0)) {
        return Es5::kInvalid;
      }
      time.add(in.next().number);
      if (in.skip_symbol('.')) {
        if (in.peek().kind != Token::kNumber || (hour24 && in.peek().number > 0)) {
          return Es5::kInvalid;
        }
        time.add(read_milliseconds(in.next()));
      }
    }
    if (in.peek().kind == Token::kKeywordZ) {
      in.next();
      zone.set(0);
    } else if (in.peek().is_sign()) {
      zone.sign = in.next().symbol == '+' ? 1 : -1;
      if (in.peek().fixed(4)) {
        const int hm = in.next().number;
        if (!is_hour(hm / 100) || !is_minute(hm % 100)) return Es5::kInvalid;
        zone.hour = hm / 100;
        zone.minute = hm % 100;
      } else {
        if (!in.peek().fixed(2) || !is_hour(in.peek().number)) return Es5::kInvalid;
        zone.hour = in.next().number;
        if (!in.skip_symbol(':')) return Es5::kInvalid;
        if (!in.peek().fixed(2) || !is_minute(in.peek().number)) return Es5::kInvalid;
        zone.minute = in.next().number;
      }
    }
    if (in.peek().kind != Token::kEnd) return Es5::kInvalid;
  }
  if (zone.empty() && time.empty()) zone.set(0);
  day.iso = true;
  return Es5::kDone;
}

// V8's Date.parse on `text` (in UTC): the time value, or NaN.
double v8_date_parse(const std::string& text) {
  Tokens in(text);
  Day day;
  Time time;
  Zone zone;
  Token token;
  const Es5 es5 = parse_es5(in, day, time, zone, &token);
  if (es5 == Es5::kInvalid) return kNaN;
  if (es5 == Es5::kContinue) {
    bool has_read_number = day.index > 0;
    for (; token.kind != Token::kEnd; token = in.next()) {
      if (token.kind == Token::kNumber) {
        has_read_number = true;
        const int n = token.number;
        if (in.skip_symbol(':')) {
          if (in.skip_symbol(':')) {
            if (!time.empty()) return kNaN;
            time.add(n);
            time.add(0);
          } else {
            if (!time.add(n)) return kNaN;
            if (in.peek().is_symbol('.')) in.next();
          }
        } else if (in.skip_symbol('.') && time.expecting(n)) {
          time.add(n);
          if (in.peek().kind != Token::kNumber) return kNaN;
          const int ms = read_milliseconds(in.next());
          if (ms < 0) return kNaN;
          time.add_final(ms);
        } else if (zone.expecting(n)) {
          zone.minute = n;
        } else if (time.expecting(n)) {
          time.add_final(n);
          const Token& peek = in.peek();
          if (peek.kind != Token::kEnd && peek.kind != Token::kKeywordZ && !peek.is_sign()) {
            return kNaN;
          }
        } else {
          if (!day.add(n)) return kNaN;
          in.skip_symbol('-');
        }
      } else if (token.kind == Token::kKeywordZ) {
        if (has_read_number) zone.set(0);
      } else if (token.kind == Token::kKeywordT) {
        if (has_read_number) return kNaN;  // a word after a number
        if (in.peek().kind == Token::kNumber) return kNaN;
      } else if (token.is_sign() && (zone.utc() || !time.empty())) {
        zone.sign = token.symbol == '+' ? 1 : -1;
        int n = 0;
        int length = 0;
        if (in.peek().kind == Token::kNumber) {
          const Token number = in.next();
          length = number.length;
          n = number.number;
        }
        has_read_number = true;
        if (in.peek().is_symbol(':')) {
          zone.hour = n;
          zone.minute = kNone;
        } else if (length == 1 || length == 2) {
          zone.hour = n;
          zone.minute = 0;
        } else if (length == 3 || length == 4) {
          zone.hour = n / 100;
          zone.minute = n % 100;
        } else {
          return kNaN;
        }
      } else if ((token.is_sign() || token.is_symbol(')')) && has_read_number) {
        return kNaN;
      }
    }
  }
  double year = 0, month0 = 0, mday = 0;
  double hms[4] = {0, 0, 0, 0};
  if (!day.write(&year, &month0, &mday) || !time.write(hms)) return kNaN;
  const double offset = zone.offset_seconds();
  const double date = make_day(year, month0, mday) * kMsPerDay + make_time(hms[0], hms[1], hms[2], hms[3]);
  double utc = date;
  if (!std::isnan(offset)) utc = date - offset * 1000.0;
  if (std::isnan(utc) || std::abs(utc) > 8.64e15 + (std::isnan(offset) ? kMsPerDay : 0)) {
    return kNaN;
  }
  return time_clip(utc);
}

}  // namespace

Result<double> parse_iso8601(const std::string& timestamp) {
  static const std::optional<core::Regex> kIso = core::Regex::compile(
      R"(^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?\z)");
  if (!kIso || kIso->search(timestamp) != core::Regex::Outcome::kMatch) {
    return picture_error("D3110", json_quote(timestamp));
  }
  return v8_date_parse(timestamp);
}

}  // namespace scl::jsonata::pictures::detail
