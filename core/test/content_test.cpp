#include "sisyphus/core/content.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "sisyphus/core/rng.hpp"

namespace sisyphus::content {
namespace {

constexpr std::size_t kMiB = 1 << 20;

std::vector<std::byte> generate(std::uint64_t seed, std::uint64_t offset, std::size_t n) {
  std::vector<std::byte> v(n);
  content::fill(seed, offset, v);
  return v;
}

std::string hex(const std::vector<std::byte>& v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (auto b : v) {
    s.push_back(digits[std::to_integer<unsigned>(b) >> 4]);
    s.push_back(digits[std::to_integer<unsigned>(b) & 15]);
  }
  return s;
}

// Pinned from an independent reimplementation of the generator, so the content of a
// (size, seed) resource cannot change silently between versions.
TEST(Content, PinnedBytes) {
  EXPECT_EQ(hex(generate(1, 0, 16)), "b8d5c082fc23e4dc1e61397408ab415e");
  EXPECT_EQ(hex(generate(1, 1ULL << 31, 8)), "98dd9cf9430e2a3b");
  EXPECT_EQ(hex(generate(42, (1ULL << 40) + 3, 8)), "308e39d26a1e6d87");
  EXPECT_EQ(hex(generate(0, 0, 8)), "bfd43cff26822148");
  EXPECT_EQ(byte_at(1, 0), std::byte{0xb8});
  EXPECT_EQ(byte_at(1, 15), std::byte{0x5e});
}

TEST(Content, FillAtAnyOffsetAndLengthEqualsByteAt) {
  Rng rng(2024);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::uint64_t seed = rng.below(4);
    // Offsets anywhere, including next to the end of the 64-bit space, and lengths that
    // give every head/tail alignment, empty and single-byte spans included.
    std::uint64_t offset = trial % 3 == 0 ? rng.below(64) : rng.next() >> rng.below(64);
    std::size_t len = static_cast<std::size_t>(rng.below(trial % 10 == 0 ? 5000 : 40));
    if (offset > ~std::uint64_t{0} - len) offset -= len;
    auto buf = generate(seed, offset, len);
    for (std::size_t i = 0; i < len; ++i) {
      ASSERT_EQ(buf[i], byte_at(seed, offset + i))
          << "seed " << seed << " offset " << offset << " len " << len << " i " << i;
    }
  }
}

TEST(Content, PiecesEqualTheWhole) {
  const auto whole = generate(9, 1000, 100'000);
  Rng rng(5);
  std::size_t pos = 0;
  std::vector<std::byte> pieces(whole.size());
  while (pos < whole.size()) {
    std::size_t n = std::min<std::size_t>(rng.below(300), whole.size() - pos);
    content::fill(9, 1000 + pos, std::span<std::byte>(pieces.data() + pos, n));
    pos += n;
  }
  EXPECT_EQ(pieces, whole);
}

TEST(Content, SameSeedAndOffsetGiveTheSameBytes) {
  EXPECT_EQ(generate(3, 12345, 70'000), generate(3, 12345, 70'000));
  EXPECT_EQ(generate(3, 0, 1), generate(3, 0, 1));
  // Filling does not depend on what the buffer held before.
  std::vector<std::byte> dirty(4096, std::byte{0xAA});
  content::fill(3, 777, dirty);
  EXPECT_EQ(dirty, generate(3, 777, 4096));
}

TEST(Content, ShiftingByAnyKUpTo64KiBMismatches) {
  // Content at offset p + k must differ from content at p for every k in 1..65536: a
  // client that splices at the wrong offset always produces visibly wrong bytes. Windows
  // of 64 bytes at several positions p, both near 0 and deep in a 2 GiB resource.
  constexpr std::size_t kWindow = 64;
  constexpr std::size_t kMaxShift = 65536;
  const std::array<std::size_t, 4> positions{0, 1, 4093, 30'000};
  for (std::uint64_t base : {std::uint64_t{0}, (std::uint64_t{2} << 30) - 40'000}) {
    const auto buf = generate(1, base, 30'000 + kMaxShift + kWindow);
    for (std::size_t k = 1; k <= kMaxShift; ++k) {
      for (std::size_t p : positions) {
        ASSERT_NE(std::memcmp(buf.data() + p, buf.data() + p + k, kWindow), 0)
            << "content at " << base + p << " repeats at shift " << k;
      }
    }
  }
}

TEST(Content, AlignedWordsNeverRepeatWithinAWindow) {
  // A stronger form of "no period" where it is cheap: no two 8-byte words in 1 MiB are
  // equal (a bijective mix of distinct counters).
  const auto buf = generate(1, 0, kMiB);
  std::vector<std::uint64_t> words(kMiB / 8);
  std::memcpy(words.data(), buf.data(), kMiB);
  std::sort(words.begin(), words.end());
  EXPECT_EQ(std::adjacent_find(words.begin(), words.end()), words.end());
}

TEST(Content, TwoSeedsDifferEverywhereButByChance) {
  // Two independent uniform bytes are equal with probability 1/256: over 1 MiB that is
  // 4096 expected equal bytes (standard deviation 64). Bounds at about 6 sigma.
  const std::array<std::pair<std::uint64_t, std::uint64_t>, 4> pairs{
      {{1, 2}, {0, 1}, {1, 1ULL << 63}, {42, 43}}};
  for (auto [a, b] : pairs) {
    for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{5} << 30}) {
      const auto x = generate(a, offset, kMiB), y = generate(b, offset, kMiB);
      std::size_t equal = 0;
      for (std::size_t i = 0; i < kMiB; ++i) equal += x[i] == y[i];
      EXPECT_GT(equal, 3700u) << a << " vs " << b;
      EXPECT_LT(equal, 4500u) << a << " vs " << b;
    }
  }
}

TEST(Content, BytesAreUniform) {
  const auto buf = generate(7, 0, kMiB);
  std::array<std::size_t, 256> count{};
  for (auto b : buf) ++count[std::to_integer<unsigned>(b)];
  // Chi-square with 255 degrees of freedom: mean 255, sd ~22.6; bound far out.
  double chi2 = 0;
  const double expected = kMiB / 256.0;
  for (auto c : count) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 400.0);
  EXPECT_GT(chi2, 130.0);
}

TEST(Content, FirstMismatchFindsTheExactOffset) {
  const std::uint64_t offset = 123'457;
  auto buf = generate(5, offset, 300'000);  // spans several internal 64 KiB blocks
  EXPECT_EQ(first_mismatch(5, offset, buf), std::nullopt);
  EXPECT_EQ(first_mismatch(5, offset, std::span<const std::byte>()), std::nullopt);
  for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{65535}, std::size_t{65536},
                         std::size_t{200'001}, buf.size() - 1}) {
    auto bad = buf;
    bad[at] ^= std::byte{0x01};
    EXPECT_EQ(first_mismatch(5, offset, bad), at);
    // A second error later does not hide the first.
    if (at + 10 < bad.size()) bad[at + 10] ^= std::byte{0xFF};
    EXPECT_EQ(first_mismatch(5, offset, bad), at);
  }
}

TEST(Content, FirstMismatchSeesSplicesAndOtherVersions) {
  const auto good = generate(5, 0, 100'000);
  // Another version (seed) of the resource: wrong from the first byte unless by chance.
  auto other = generate(6, 0, 100'000);
  auto expected = std::size_t{0};
  while (other[expected] == good[expected]) ++expected;
  EXPECT_EQ(first_mismatch(5, 0, other), expected);
  // A resumed download that re-requested 1 KiB too late: correct up to 50,000, then the
  // bytes of offset 51,024 onwards.
  auto spliced = good;
  content::fill(5, 51'024, std::span<std::byte>(spliced).subspan(50'000));
  EXPECT_EQ(first_mismatch(5, 0, spliced), 50'000u);
  // Verifying at the wrong offset fails at once.
  EXPECT_EQ(first_mismatch(5, 8, good), 0u);
}

}  // namespace
}  // namespace sisyphus::content
