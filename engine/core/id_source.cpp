#include "id_source.hpp"

#include <array>

namespace scl::core {

std::string format_uuid_v4(std::uint64_t hi, std::uint64_t lo) {
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(36);
  auto put = [&](std::uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) out.push_back(kHex[(v >> (i * 4)) & 0xF]);
  };
  put(hi >> 32, 8);
  out.push_back('-');
  put((hi >> 16) & 0xFFFF, 4);
  out.push_back('-');
  put(hi & 0xFFFF, 4);
  out.push_back('-');
  put(lo >> 48, 4);
  out.push_back('-');
  put(lo & 0xFFFFFFFFFFFFULL, 12);
  return out;
}

RandomIdSource::RandomIdSource() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
  rng_.seed(seq);
}

std::string RandomIdSource::uuid() {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  {
    std::lock_guard lock(mu_);
    hi = rng_();
    lo = rng_();
  }
  return format_uuid_v4(hi, lo);
}

std::string SequentialIdSource::uuid() {
  std::uint64_t n = 0;
  {
    std::lock_guard lock(mu_);
    n = next_++;
  }
  return format_uuid_v4(0, n);
}

std::string thread_uuid_v4() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto hi = rng();
  const auto lo = rng();
  return format_uuid_v4(hi, lo);
}

}  // namespace scl::core
