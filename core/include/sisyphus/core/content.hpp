#pragma once
// Deterministic synthetic content: byte i of resource (seed) is a pure function of
// (seed, i) with random access, so the runner can verify a 2 GiB download by regenerating
// it and a splice of two offsets or two versions is always visible.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sisyphus::content {

// Writes bytes [offset, offset + out.size()) of content `seed` into out.
void fill(std::uint64_t seed, std::uint64_t offset, std::span<std::byte> out);
std::byte byte_at(std::uint64_t seed, std::uint64_t offset);

// Offset (relative to `data`) of the first byte that differs from content `seed` placed at
// `offset`, or nullopt when all match.
std::optional<std::size_t> first_mismatch(std::uint64_t seed, std::uint64_t offset,
                                          std::span<const std::byte> data);

}  // namespace sisyphus::content
