#pragma once
// Streaming SHA-256 over OpenSSL EVP.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace sisyphus {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::span<const std::byte> data);
  void update(std::string_view data);
  Digest finish();  // resets the state for reuse
  void reset();

  static Digest of(std::span<const std::byte> data);
  static Digest of(std::string_view data);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_base64(std::span<const std::uint8_t> bytes);
// Returns false when `hex` is not exactly 64 hex digits.
bool parse_sha256_hex(std::string_view hex, Sha256::Digest& out);
// Returns false when `b64` is not valid standard base64 of 32 bytes.
bool parse_sha256_base64(std::string_view b64, Sha256::Digest& out);

}  // namespace sisyphus
