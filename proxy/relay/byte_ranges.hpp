#pragma once
// A set of byte ranges [first, end), merged as they are added: which bytes of a
// representation were seen (the recorder's coverage of what the client got, RecordedBodies'
// of what it kept), and which never were.
#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <string>

namespace sisyphus::proxy {

class ByteRanges {
 public:
  void add(std::uint64_t first, std::uint64_t end) {
    if (first >= end) return;
    auto at = ranges_.upper_bound(first);
    if (at != ranges_.begin() && std::prev(at)->second >= first) --at;
    while (at != ranges_.end() && at->first <= end) {
      first = std::min(first, at->first);
      end = std::max(end, at->second);
      at = ranges_.erase(at);
    }
    ranges_.emplace(first, end);
  }
  void clear() { ranges_.clear(); }
  std::uint64_t bytes() const {
    std::uint64_t n = 0;
    for (const auto& [first, end] : ranges_) n += end - first;
    return n;
  }
  // The ranges of [0, size) not in the set, as "1000-1999, 3000-4095" (inclusive, as
  // Content-Range writes them); "" when none is missing.
  std::string holes(std::uint64_t size) const {
    std::string out;
    std::uint64_t at = 0;
    auto hole = [&](std::uint64_t from, std::uint64_t to) {
      out += fmt::format("{}{}-{}", out.empty() ? "" : ", ", from, to - 1);
    };
    for (const auto& [first, end] : ranges_) {
      if (first >= size) break;
      if (first > at) hole(at, first);
      at = std::max(at, end);
    }
    if (at < size) hole(at, size);
    return out;
  }

 private:
  std::map<std::uint64_t, std::uint64_t> ranges_;  // first -> end, disjoint, not touching
};

}  // namespace sisyphus::proxy
