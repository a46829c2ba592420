#pragma once
// Source of identifiers (UUIDs, request ids). Injected so tests get deterministic ids.

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace scl::core {

class IdSource {
 public:
  virtual ~IdSource() = default;
  /// A lower-case RFC 4122 version-4 UUID string (36 characters). Thread-safe.
  virtual std::string uuid() = 0;
};

/// Random v4 UUIDs from a seeded 64-bit Mersenne Twister (seeded from std::random_device).
class RandomIdSource final : public IdSource {
 public:
  RandomIdSource();
  std::string uuid() override;

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

/// 00000000-0000-4000-8000-000000000001, ...002, ... for tests.
class SequentialIdSource final : public IdSource {
 public:
  std::string uuid() override;

 private:
  std::mutex mu_;
  std::uint64_t next_ = 1;
};

/// Formats two 64-bit halves as a v4 UUID (version and variant bits forced).
std::string format_uuid_v4(std::uint64_t hi, std::uint64_t lo);

/// A random v4 UUID from a thread-local generator (no lock): request ids.
std::string thread_uuid_v4();

}  // namespace scl::core
