#include "sisyphus/core/content.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace sisyphus::content {
namespace {

// Each 8-byte word w of content `seed` is a bijective mix of (key(seed) + w * odd), so
// within one seed no two words repeat (no period shorter than 2^64 words) and different
// seeds give unrelated streams. The mix is the splitmix64/Stafford finaliser.
inline std::uint64_t seed_key(std::uint64_t seed) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline std::uint64_t word(std::uint64_t key, std::uint64_t index) {
  std::uint64_t z = key + index * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline void store_le(std::byte* dst, std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, &v, 8);
  } else {
    for (int i = 0; i < 8; ++i) dst[i] = static_cast<std::byte>(v >> (8 * i));
  }
}

}  // namespace

void fill(std::uint64_t seed, std::uint64_t offset, std::span<std::byte> out) {
  const std::uint64_t key = seed_key(seed);
  std::byte* dst = out.data();
  std::size_t n = out.size();
  std::uint64_t w = offset / 8;
  // Leading partial word.
  if (std::size_t head = offset % 8; head != 0 && n != 0) {
    std::byte tmp[8];
    store_le(tmp, word(key, w));
    std::size_t take = std::min<std::size_t>(8 - head, n);
    std::memcpy(dst, tmp + head, take);
    dst += take;
    n -= take;
    ++w;
  }
  // Whole words, four at a time so the multiplies of independent words overlap.
  while (n >= 32) {
    std::uint64_t a = word(key, w), b = word(key, w + 1), c = word(key, w + 2),
                  d = word(key, w + 3);
    store_le(dst, a);
    store_le(dst + 8, b);
    store_le(dst + 16, c);
    store_le(dst + 24, d);
    dst += 32;
    n -= 32;
    w += 4;
  }
  while (n >= 8) {
    store_le(dst, word(key, w));
    dst += 8;
    n -= 8;
    ++w;
  }
  if (n != 0) {
    std::byte tmp[8];
    store_le(tmp, word(key, w));
    std::memcpy(dst, tmp, n);
  }
}

std::byte byte_at(std::uint64_t seed, std::uint64_t offset) {
  std::uint64_t v = word(seed_key(seed), offset / 8);
  return static_cast<std::byte>(v >> (8 * (offset % 8)));
}

std::optional<std::size_t> first_mismatch(std::uint64_t seed, std::uint64_t offset,
                                          std::span<const std::byte> data) {
  constexpr std::size_t kBlock = 64 * 1024;
  std::byte expected[kBlock];
  for (std::size_t done = 0; done < data.size();) {
    std::size_t n = std::min(kBlock, data.size() - done);
    fill(seed, offset + done, std::span<std::byte>(expected, n));
    if (std::memcmp(expected, data.data() + done, n) != 0) {
      for (std::size_t i = 0; i < n; ++i) {
        if (expected[i] != data[done + i]) return done + i;
      }
    }
    done += n;
  }
  return std::nullopt;
}

}  // namespace sisyphus::content
