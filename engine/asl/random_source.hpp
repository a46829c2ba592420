#pragma once
// Randomness for States.MathRandom, States.UUID and FULL retry jitter. The engine never creates
// randomness itself (STYLE.md "Time, ids, threads"): the host injects a RandomSource.

#include <cstdint>
#include <string>

namespace scl::asl {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  /// Uniform integer in [lo, hi] (inclusive). Precondition: lo <= hi.
  virtual std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) = 0;
  /// Uniform real in [0, 1).
  virtual double uniform_real() = 0;
  /// A lower-case RFC 4122 v4 UUID.
  virtual std::string uuid() = 0;
};

/// Deterministic source (splitmix64 stream from `seed`). Used by tests and by
/// States.MathRandom's optional seed argument; hosts may seed it from their own entropy.
/// Not thread-safe; one per execution.
class SeededRandomSource final : public RandomSource {
 public:
  explicit SeededRandomSource(std::uint64_t seed) : state_(seed) {}
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) override;
  double uniform_real() override;
  std::string uuid() override;
  std::uint64_t next_u64();

 private:
  std::uint64_t state_;
};

}  // namespace scl::asl
