#pragma once
// The expected bytes of synthetic content (sisyphus/core/content.hpp), as strings that
// assertions can compare, and a comparison that does not print megabytes of binary.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sisyphus::testing {

// Bytes [offset, offset + length) of the content with seed `seed`.
std::string content_bytes(std::uint64_t seed, std::uint64_t offset, std::uint64_t length);

// The first offset where `data`, read as content `seed` from `offset`, differs from it, or
// nullopt when every byte is right.
std::optional<std::size_t> first_mismatch(const std::string& data, std::uint64_t seed,
                                          std::uint64_t offset = 0);

// The SHA-256 (lowercase hex) of the first `size` bytes of content `seed`.
std::string sha256_hex_of_content(std::uint64_t seed, std::uint64_t size);

// Byte-exact comparison that reports both sizes and the first differing offset.
::testing::AssertionResult same_bytes(const std::string& actual, const std::string& expected);

}  // namespace sisyphus::testing
