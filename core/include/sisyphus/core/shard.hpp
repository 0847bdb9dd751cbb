#pragma once
// `--shard I/N`, the one rule for `run` and `compare`: item k (0-based: the k-th scenario by
// name, or trial k of every strategy) belongs to shard (k mod N) + 1, so shards are
// deterministic and differ in size by at most one, and every shard of a comparison gets
// every strategy's trial k together.
#include <cstdint>
#include <string_view>

namespace sisyphus {

struct Shard {
  std::uint32_t index = 1;  // I, 1-based
  std::uint32_t count = 1;  // N
  // "I/N" with 1 <= I <= N; throws sisyphus::ParseError naming the text.
  static Shard parse(std::string_view text);
  bool contains(std::uint64_t k) const { return count == 0 || k % count + 1 == index; }
  bool operator==(const Shard&) const = default;
};

}  // namespace sisyphus
