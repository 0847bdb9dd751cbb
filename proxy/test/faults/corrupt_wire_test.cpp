// corrupt over loopback: exactly the configured bytes differ, each XORed with the seeded
// mask, in a full body and in a range that covers part of them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 100000;

// The masks rule 0 draws for GET #k (docs/faults.md: derive_seed(seed, "PATH:K:RULE")).
std::vector<std::uint8_t> masks(std::uint32_t k, int n) {
  Rng rng(derive_seed(11, fmt::format("/file:{}:0", k)));
  std::vector<std::uint8_t> out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(rng.between(1, 255)));
  return out;
}

TEST_F(ServerTest, CorruptFlipsExactlyTheConfiguredBytes) {
  start(
      "name: corrupt\nseed: 11\nresource: {size: 100000, seed: 8}\nfaults:\n"
      "  - corrupt: {at: 50%, bytes: 4}\n");
  const std::string clean = content_bytes(8, 0, kSize);

  HttpResponse full = get("/file");
  ASSERT_EQ(full.end, End::complete);
  ASSERT_EQ(full.body.size(), kSize);
  const std::vector<std::uint8_t> m1 = masks(1, 4);
  for (std::uint64_t i = 0; i < kSize; ++i) {
    const auto expected = static_cast<char>(
        i >= 50000 && i < 50004 ? static_cast<std::uint8_t>(clean[i]) ^ m1[i - 50000] : clean[i]);
    if (full.body[i] != expected) {
      ADD_FAILURE() << "byte " << i << " is wrong";
      break;
    }
  }
  std::size_t differing = 0;
  for (std::uint64_t i = 0; i < kSize; ++i) differing += full.body[i] != clean[i];
  EXPECT_EQ(differing, 4u);

  // A range that starts inside the corrupted run sees the rest of it, with GET #2's masks.
  HttpResponse part = get("/file", {{"Range", "bytes=50002-50009"}});
  ASSERT_EQ(part.status, 206);
  const std::vector<std::uint8_t> m2 = masks(2, 4);
  std::string expected = clean.substr(50002, 8);
  expected[0] = static_cast<char>(static_cast<std::uint8_t>(expected[0]) ^ m2[2]);
  expected[1] = static_cast<char>(static_cast<std::uint8_t>(expected[1]) ^ m2[3]);
  EXPECT_EQ(part.body, expected);

  // A range that does not cover them is clean.
  HttpResponse other = get("/file", {{"Range", "bytes=0-49999"}});
  EXPECT_EQ(other.body, clean.substr(0, 50000));

  const auto log = by_attempt(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  for (const auto& record : log) EXPECT_EQ(record.fault, "corrupt");
}

}  // namespace
}  // namespace sisyphus::testing
