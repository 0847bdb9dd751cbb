#pragma once
// RFC 9110 §14: Range, Content-Range and the 200/206/416 decision.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::range {

// A resolved, inclusive byte range [first, last].
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

// One range-spec as written: "500-999", "500-", or the suffix "-500".
struct RangeSpec {
  std::optional<std::uint64_t> first;  // absent for a suffix range
  std::optional<std::uint64_t> last;   // absent for "N-"
  std::uint64_t suffix_length = 0;     // only for a suffix range
  bool is_suffix() const { return !first.has_value(); }
  bool operator==(const RangeSpec&) const = default;
};

struct RangeHeader {
  std::string unit;  // lower-cased
  std::vector<RangeSpec> specs;
};

// nullopt when the header is syntactically invalid (RFC 9110: then it is ignored).
// Numbers too large for 64 bits saturate to UINT64_MAX (they are still "past the end").
std::optional<RangeHeader> parse(std::string_view header);

enum class Decision { full, partial, unsatisfiable };

struct Result {
  Decision decision = Decision::full;
  std::vector<ByteRange> ranges;  // for partial: satisfiable ranges, sorted and coalesced
};

// More ranges than this in one header: the header is ignored (200), a defence against
// range-amplification requests (RFC 9110 §14.2 allows ignoring).
inline constexpr std::size_t kMaxRanges = 100;

// The server's decision for a GET of a resource of `size` bytes:
//  - invalid syntax, a unit other than "bytes", or too many ranges -> full (200)
//  - no satisfiable range -> unsatisfiable (416, "Content-Range: bytes */size")
//  - else partial (206) with the satisfiable ranges clipped to the size and coalesced.
Result decide(std::string_view header, std::uint64_t size);

struct ContentRange {
  std::optional<ByteRange> range;             // absent for "bytes */N"
  std::optional<std::uint64_t> complete_length;  // absent for "bytes 0-9/*"
};

// nullopt when invalid (including last < first, or last >= complete length).
std::optional<ContentRange> parse_content_range(std::string_view value);
std::string format_content_range(ByteRange r, std::uint64_t complete_length);
std::string format_unsatisfied_range(std::uint64_t complete_length);  // "bytes */N"

}  // namespace sisyphus::range
