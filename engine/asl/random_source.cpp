#include "engine/asl/random_source.hpp"

#include "engine/core/id_source.hpp"

namespace scl::asl {

std::uint64_t SeededRandomSource::next_u64() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

std::int64_t SeededRandomSource::uniform_int(std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1U;
  if (span == 0) return static_cast<std::int64_t>(next_u64());  // full 64-bit range
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + next_u64() % span);
}

double SeededRandomSource::uniform_real() {
  return static_cast<double>(next_u64() >> 11U) * 0x1.0p-53;
}

std::string SeededRandomSource::uuid() {
  const std::uint64_t hi = next_u64();
  const std::uint64_t lo = next_u64();
  return core::format_uuid_v4(hi, lo);
}

}  // namespace scl::asl
