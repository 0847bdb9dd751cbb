#pragma once
// The seeded PRNG behind every random choice: xoshiro256** seeded by splitmix64.
#include <cstdint>
#include <string_view>

namespace sisyphus {

std::uint64_t splitmix64(std::uint64_t& state);
// A stable child seed for an independent stream: derive_seed(42, "jitter").
std::uint64_t derive_seed(std::uint64_t seed, std::string_view label);

class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  result_type operator()() { return next(); }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  double uniform01();                         // [0, 1)
  std::uint64_t below(std::uint64_t bound);   // [0, bound), unbiased; bound 0 -> 0
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi);  // [lo, hi] inclusive
  bool chance(double probability);            // true with the given probability

 private:
  std::uint64_t s_[4];
};

}  // namespace sisyphus
