#include "sisyphus/testing/content.hpp"

#include <span>

#include "sisyphus/core/content.hpp"
#include "sisyphus/core/sha256.hpp"

namespace sisyphus::testing {

std::string content_bytes(std::uint64_t seed, std::uint64_t offset, std::uint64_t length) {
  std::string out(length, '\0');
  content::fill(seed, offset, std::as_writable_bytes(std::span(out.data(), out.size())));
  return out;
}

std::optional<std::size_t> first_mismatch(const std::string& data, std::uint64_t seed,
                                          std::uint64_t offset) {
  return content::first_mismatch(seed, offset, std::as_bytes(std::span(data.data(), data.size())));
}

std::string sha256_hex_of_content(std::uint64_t seed, std::uint64_t size) {
  return to_hex(Sha256::of(std::string_view(content_bytes(seed, 0, size))));
}

::testing::AssertionResult same_bytes(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  std::size_t i = 0;
  while (i < actual.size() && i < expected.size() && actual[i] == expected[i]) ++i;
  return ::testing::AssertionFailure() << "got " << actual.size() << " bytes, expected "
                                       << expected.size() << "; first difference at offset " << i;
}

}  // namespace sisyphus::testing
