#pragma once
// Sizes, rates and durations as users write them: "4KiB", "95%", "1MiB/s", "250ms".
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "sisyphus/core/error.hpp"

namespace sisyphus {

using Duration = std::chrono::microseconds;

// "512", "4KiB", "64MiB", "2GiB", "10MB", "1.5GiB" -> bytes. Throws ParseError that names
// the text and what was expected; values above 2^64-1 are an error, not a wrap-around.
std::uint64_t parse_size(std::string_view text);

// A size that may be relative to a resource: "4MiB" or "95%".
class SizeSpec {
 public:
  SizeSpec() = default;
  static SizeSpec bytes(std::uint64_t n);
  static SizeSpec percent(double p);
  static SizeSpec parse(std::string_view text);  // parse_size() or "<number>%" (0..100)

  bool is_percent() const { return is_percent_; }
  std::uint64_t byte_count() const { return bytes_; }
  double percent_value() const { return percent_; }
  // Absolute byte count for a resource of `total` bytes; percentages round down.
  std::uint64_t resolve(std::uint64_t total) const;
  std::string to_string() const;
  bool operator==(const SizeSpec&) const = default;

 private:
  std::uint64_t bytes_ = 0;
  double percent_ = 0;
  bool is_percent_ = false;
};

// "250us", "100ms", "2s", "1m", "1.5s", "0" -> microseconds.
Duration parse_duration(std::string_view text);
// "1MiB/s", "500KB/s" -> bytes per second.
std::uint64_t parse_rate(std::string_view text);

// Shortest exact spelling: 4194304 -> "4MiB", 1000 -> "1000B"... (round-trips with parse_size)
std::string format_size(std::uint64_t bytes);
// Human reading with one decimal: 1572864 -> "1.5 MiB".
std::string format_size_human(std::uint64_t bytes);
// Shortest exact spelling: 1500ms -> "1500ms", 2s -> "2s" (round-trips with parse_duration)
std::string format_duration(Duration d);

}  // namespace sisyphus
