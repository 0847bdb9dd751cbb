#include "sisyphus/core/sha256.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sisyphus/core/content.hpp"
#include "sisyphus/core/rng.hpp"

namespace sisyphus {
namespace {

std::string hex_of(std::string_view s) {
  return to_hex(Sha256::of(s));
}

std::span<const std::uint8_t> as_u8(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

constexpr std::string_view kAbcHex =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view kAbcBase64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

TEST(Sha256, NistVectors) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of("abc"), kAbcHex);
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_of(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MillionAsStreamedOneAtATimeAndInBlocks) {
  Sha256 h;
  for (int i = 0; i < 1000; ++i) h.update(std::string(1000, 'a'));
  EXPECT_EQ(to_hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, StreamingInUnevenChunksEqualsOneShot) {
  std::vector<std::byte> data(1 << 20);
  content::fill(3, 0, data);
  const auto expected = Sha256::of(std::span<const std::byte>(data));
  Rng rng(99);
  for (int trial = 0; trial < 5; ++trial) {
    Sha256 h;
    std::size_t pos = 0;
    while (pos < data.size()) {
      // Chunks of 0..4999 bytes: empty updates, and every alignment to the 64-byte block.
      std::size_t n = std::min<std::size_t>(rng.below(5000), data.size() - pos);
      h.update(std::span<const std::byte>(data).subspan(pos, n));
      pos += n;
    }
    EXPECT_EQ(h.finish(), expected);
  }
}

TEST(Sha256, FinishResetsForReuseAndResetDiscards) {
  Sha256 h;
  h.update("ab");
  h.update(std::string_view("c"));
  EXPECT_EQ(to_hex(h.finish()), kAbcHex);
  h.update("abc");
  EXPECT_EQ(to_hex(h.finish()), kAbcHex);
  h.update("something else");
  h.reset();
  h.update("abc");
  EXPECT_EQ(to_hex(h.finish()), kAbcHex);
}

TEST(Sha256, MovedHasherKeepsItsState) {
  Sha256 a;
  a.update("a");
  Sha256 b(std::move(a));
  b.update("b");
  Sha256 c;
  c = std::move(b);
  c.update("c");
  EXPECT_EQ(to_hex(c.finish()), kAbcHex);
}

TEST(Sha256, ByteAndStringOverloadsAgree) {
  const std::string s = "The quick brown fox jumps over the lazy dog";
  auto bytes = std::as_bytes(std::span<const char>(s.data(), s.size()));
  EXPECT_EQ(Sha256::of(bytes), Sha256::of(s));
  EXPECT_EQ(to_hex(Sha256::of(s)),
            "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
}

TEST(Encoding, Hex) {
  EXPECT_EQ(to_hex(as_u8("")), "");
  const std::uint8_t raw[] = {0x00, 0x0f, 0xf0, 0xff, 0x5a};
  EXPECT_EQ(to_hex(raw), "000ff0ff5a");
}

TEST(Encoding, Base64Rfc4648Vectors) {
  EXPECT_EQ(to_base64(as_u8("")), "");
  EXPECT_EQ(to_base64(as_u8("f")), "Zg==");
  EXPECT_EQ(to_base64(as_u8("fo")), "Zm8=");
  EXPECT_EQ(to_base64(as_u8("foo")), "Zm9v");
  EXPECT_EQ(to_base64(as_u8("foob")), "Zm9vYg==");
  EXPECT_EQ(to_base64(as_u8("fooba")), "Zm9vYmE=");
  EXPECT_EQ(to_base64(as_u8("foobar")), "Zm9vYmFy");
  const std::uint8_t high[] = {0xff, 0xfe, 0xfb, 0xef};
  EXPECT_EQ(to_base64(high), "//777w==");
}

TEST(Encoding, Base64OfDigestsForReprDigest) {
  EXPECT_EQ(to_base64(Sha256::of("abc")), kAbcBase64);
  EXPECT_EQ(to_base64(Sha256::of("")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(ParseSha256, HexAcceptsBothCases) {
  Sha256::Digest d{};
  ASSERT_TRUE(parse_sha256_hex(kAbcHex, d));
  EXPECT_EQ(d, Sha256::of("abc"));
  Sha256::Digest u{};
  ASSERT_TRUE(
      parse_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", u));
  EXPECT_EQ(u, d);
  ASSERT_TRUE(
      parse_sha256_hex("Ba7816bF8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aD", u));
  EXPECT_EQ(u, d);
}

// `text` with the character at `pos` replaced by `c`.
std::string with(std::string_view text, std::size_t pos, char c) {
  std::string s(text);
  s[pos] = c;
  return s;
}

TEST(ParseSha256, HexRejectsBadInput) {
  Sha256::Digest d{};
  EXPECT_FALSE(parse_sha256_hex("", d));
  EXPECT_FALSE(parse_sha256_hex(kAbcHex.substr(0, 63), d));
  EXPECT_FALSE(parse_sha256_hex(kAbcHex.substr(0, 62), d));
  EXPECT_FALSE(parse_sha256_hex(std::string(kAbcHex) + "0", d));
  EXPECT_FALSE(parse_sha256_hex(with(kAbcHex, 0, 'g'), d));
  EXPECT_FALSE(parse_sha256_hex(with(kAbcHex, 63, 'z'), d));
  EXPECT_FALSE(parse_sha256_hex(with(kAbcHex, 0, ' '), d));
  EXPECT_FALSE(parse_sha256_hex(with(kAbcHex, 32, '-'), d));
  EXPECT_FALSE(parse_sha256_hex(with(kAbcHex, 1, 'x'), d));  // "0x..."-style
  EXPECT_FALSE(parse_sha256_hex(std::string(64, ' '), d));
}

TEST(ParseSha256, Base64RoundTrips) {
  Sha256::Digest d{};
  ASSERT_TRUE(parse_sha256_base64(kAbcBase64, d));
  EXPECT_EQ(d, Sha256::of("abc"));
  Rng rng(1);
  for (int i = 0; i < 200; ++i) {
    Sha256::Digest x{};
    for (auto& b : x) b = static_cast<std::uint8_t>(rng.below(256));
    Sha256::Digest y{};
    ASSERT_TRUE(parse_sha256_base64(to_base64(x), y)) << to_base64(x);
    EXPECT_EQ(x, y);
    ASSERT_TRUE(parse_sha256_hex(to_hex(x), y));
    EXPECT_EQ(x, y);
  }
}

TEST(ParseSha256, Base64RejectsBadInput) {
  Sha256::Digest d{};
  const std::string good(kAbcBase64);
  EXPECT_FALSE(parse_sha256_base64("", d));
  EXPECT_FALSE(parse_sha256_base64(good.substr(0, 43), d));  // padding missing
  EXPECT_FALSE(parse_sha256_base64(good + "=", d));
  EXPECT_FALSE(parse_sha256_base64(with(good, 42, '='), d));  // "==": 31 bytes
  EXPECT_FALSE(parse_sha256_base64(with(good, 0, '*'), d));
  EXPECT_FALSE(parse_sha256_base64(with(good, 20, '='), d));
  EXPECT_FALSE(parse_sha256_base64(with(good, 43, 'A'), d));  // no padding, 44 characters
  // The URL-safe alphabet is not what Repr-Digest uses.
  EXPECT_FALSE(parse_sha256_base64(with(good, good.find('+'), '-'), d));
  EXPECT_FALSE(parse_sha256_base64(with(good, good.find('/'), '_'), d));
  // '1' instead of '0' before the padding sets bits beyond the 256th: not canonical.
  ASSERT_EQ(good[42], '0');
  EXPECT_FALSE(parse_sha256_base64(with(good, 42, '1'), d));
  EXPECT_FALSE(parse_sha256_base64(kAbcHex, d));
}

}  // namespace
}  // namespace sisyphus
