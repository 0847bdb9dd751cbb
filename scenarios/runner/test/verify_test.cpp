// Output verification and the verdict, with exact offsets and byte counts.
#include "sisyphus/runner/verify.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "sisyphus/core/content.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

using reports::ByteRange;
using reports::Classification;
using reports::CorruptionKind;
using reports::OutputCheck;
using reports::Verdict;

constexpr std::uint64_t kSeed = 7;
constexpr std::uint64_t kSize = 10000;

std::vector<std::byte> content_bytes(std::uint64_t seed, std::uint64_t size) {
  std::vector<std::byte> v(size);
  content::fill(seed, 0, v);
  return v;
}

void write(const std::filesystem::path& p, const std::vector<std::byte>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

class VerifyTest : public ::testing::Test {
 protected:
  sisyphus::testing::TempDir dir_;
  std::filesystem::path out_ = dir_.path() / "out";
  ExpectedContent expected_ = ExpectedContent::synthetic(kSeed, kSize);
};

TEST_F(VerifyTest, IdenticalOutputIsOk) {
  write(out_, content_bytes(kSeed, kSize));
  const OutputCheck c = compare_output(out_, expected_);
  EXPECT_TRUE(c.exists);
  EXPECT_EQ(c.size, kSize);
  EXPECT_TRUE(c.identical());
  EXPECT_FALSE(c.corruption);
  const Classification v = classify(true, c, kSize);
  EXPECT_EQ(v.verdict, Verdict::ok);
  EXPECT_FALSE(v.corruption);
}

TEST_F(VerifyTest, FlippedBytesAreAMismatchWithExactRanges) {
  auto bytes = content_bytes(kSeed, kSize);
  for (std::size_t i : {100, 101, 5000}) bytes[i] ^= std::byte{0x40};
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->kind, CorruptionKind::mismatch);
  EXPECT_EQ(c.corruption->first_bad_offset, 100u);
  EXPECT_EQ(c.corruption->bad_bytes, 3u);
  EXPECT_EQ(c.corruption->bad_ranges, (std::vector<ByteRange>{{100, 101}, {5000, 5000}}));
  EXPECT_EQ(c.common_bad, 3u);

  const Classification success = classify(true, c, kSize);
  EXPECT_EQ(success.verdict, Verdict::corrupt);
  EXPECT_EQ(success.corruption, c.corruption);
  const Classification failure = classify(false, c, kSize);
  EXPECT_EQ(failure.verdict, Verdict::failed_dirty);
  EXPECT_EQ(failure.corruption, c.corruption);
}

TEST_F(VerifyTest, ChanceMatchesInsideARegionDoNotSplitIt) {
  // Bad at 100 and 110 (9 good bytes between): one region, two bad bytes. Bad at 200 and
  // 217 (16 good bytes between): two regions.
  auto bytes = content_bytes(kSeed, kSize);
  for (std::size_t i : {100, 110, 200, 217}) bytes[i] ^= std::byte{0x01};
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->bad_bytes, 4u);
  EXPECT_EQ(c.corruption->bad_ranges, (std::vector<ByteRange>{{100, 110}, {200, 200}, {217, 217}}));
}

TEST_F(VerifyTest, SplicedVersionIsOneRange) {
  // The naive splice: first half of version 2, second half of version 1.
  auto bytes = content_bytes(kSeed, kSize);
  const auto other = content_bytes(kSeed + 1, kSize);
  std::copy(other.begin(), other.begin() + 5000, bytes.begin());
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->kind, CorruptionKind::mismatch);
  EXPECT_EQ(c.corruption->first_bad_offset, 0u);
  const auto original = content_bytes(kSeed, 5000);
  std::uint64_t differing = 0;
  for (std::size_t i = 0; i < 5000; ++i) differing += bytes[i] != original[i] ? 1 : 0;
  EXPECT_EQ(c.corruption->bad_bytes, differing);
  ASSERT_EQ(c.corruption->bad_ranges.size(), 1u);
  EXPECT_EQ(c.corruption->bad_ranges[0].first, 0u);
  EXPECT_GE(c.corruption->bad_ranges[0].last, 4990u);  // the last byte may match by chance
  EXPECT_LE(c.corruption->bad_ranges[0].last, 4999u);
}

TEST_F(VerifyTest, BadRangesAreCappedAtSixteenButCountedInFull) {
  auto bytes = content_bytes(kSeed, kSize);
  for (std::size_t k = 0; k < 20; ++k) bytes[100 + 100 * k] ^= std::byte{0xff};
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->bad_bytes, 20u);
  ASSERT_EQ(c.corruption->bad_ranges.size(), reports::kMaxBadRanges);
  EXPECT_EQ(c.corruption->bad_ranges.front(), (ByteRange{100, 100}));
  EXPECT_EQ(c.corruption->bad_ranges.back(), (ByteRange{1600, 1600}));
}

TEST_F(VerifyTest, CorrectPrefixIsTruncatedForASuccessAndCleanForAFailure) {
  auto bytes = content_bytes(kSeed, 6000);
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  EXPECT_EQ(c.size, 6000u);
  EXPECT_EQ(c.common_bad, 0u);
  EXPECT_TRUE(c.clean_prefix(kSize));
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->kind, CorruptionKind::truncated);
  EXPECT_EQ(c.corruption->first_bad_offset, 6000u);
  EXPECT_EQ(c.corruption->bad_bytes, 4000u);
  EXPECT_EQ(c.corruption->bad_ranges, (std::vector<ByteRange>{{6000, 9999}}));

  const Classification success = classify(true, c, kSize);
  EXPECT_EQ(success.verdict, Verdict::corrupt);
  ASSERT_TRUE(success.corruption);
  EXPECT_EQ(success.corruption->kind, CorruptionKind::truncated);
  const Classification failure = classify(false, c, kSize);
  EXPECT_EQ(failure.verdict, Verdict::failed_clean);
  EXPECT_FALSE(failure.corruption);
}

TEST_F(VerifyTest, WrongPrefixIsFailedDirty) {
  auto bytes = content_bytes(kSeed, 6000);
  bytes[42] ^= std::byte{0x10};
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  EXPECT_FALSE(c.clean_prefix(kSize));
  const Classification failure = classify(false, c, kSize);
  EXPECT_EQ(failure.verdict, Verdict::failed_dirty);
  ASSERT_TRUE(failure.corruption);
  EXPECT_EQ(failure.corruption->kind, CorruptionKind::truncated);
  EXPECT_EQ(failure.corruption->first_bad_offset, 42u);
  EXPECT_EQ(failure.corruption->bad_bytes, 1u + 4000u);
  EXPECT_EQ(failure.corruption->bad_ranges, (std::vector<ByteRange>{{42, 42}, {6000, 9999}}));
  // A correct prefix of another version the client saw is stale, not wrong.
  EXPECT_EQ(classify(false, c, kSize, /*clean_prefix_of_other_version=*/true).verdict,
            Verdict::failed_clean);
}

TEST_F(VerifyTest, LongerOutputIsExtended) {
  auto bytes = content_bytes(kSeed, kSize);
  bytes.resize(kSize + 10, std::byte{0});
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected_);
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->kind, CorruptionKind::extended);
  EXPECT_EQ(c.corruption->first_bad_offset, kSize);
  EXPECT_EQ(c.corruption->bad_bytes, 10u);
  EXPECT_EQ(c.corruption->bad_ranges, (std::vector<ByteRange>{{kSize, kSize + 9}}));
  EXPECT_FALSE(c.clean_prefix(kSize));
  EXPECT_EQ(classify(true, c, kSize).verdict, Verdict::corrupt);
  EXPECT_EQ(classify(false, c, kSize).verdict, Verdict::failed_dirty);
}

TEST_F(VerifyTest, AbsentOutput) {
  const OutputCheck c = compare_output(out_, expected_);
  EXPECT_FALSE(c.exists);
  EXPECT_EQ(c.size, 0u);
  EXPECT_TRUE(c.clean_prefix(kSize));
  EXPECT_EQ(classify(false, c, kSize).verdict, Verdict::failed_clean);
  const Classification success = classify(true, c, kSize);
  EXPECT_EQ(success.verdict, Verdict::corrupt);
  ASSERT_TRUE(success.corruption);
  EXPECT_EQ(success.corruption->kind, CorruptionKind::truncated);
  EXPECT_EQ(success.corruption->first_bad_offset, 0u);
  EXPECT_EQ(success.corruption->bad_bytes, kSize);
}

TEST_F(VerifyTest, FileResourceIsComparedWithTheFile) {
  const auto source = dir_.path() / "source.bin";
  std::vector<std::byte> bytes(3 * (1 << 20) + 17);  // more than one verification block
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = std::byte(i * 31 % 251);
  write(source, bytes);
  const ExpectedContent expected = ExpectedContent::file(source);
  EXPECT_EQ(expected.size(), bytes.size());
  bytes[(1 << 20) + 5] ^= std::byte{0x80};
  write(out_, bytes);
  const OutputCheck c = compare_output(out_, expected);
  ASSERT_TRUE(c.corruption);
  EXPECT_EQ(c.corruption->first_bad_offset, (1u << 20) + 5);
  EXPECT_EQ(c.corruption->bad_bytes, 1u);
}

}  // namespace
}  // namespace sisyphus::runner
