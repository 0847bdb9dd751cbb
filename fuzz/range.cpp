// Range (RFC 9110 §14.2) and Content-Range (§14.4) parsing: the input is one header value.
// It is parsed as a Range header and decided against resources of several sizes (the decided
// ranges must lie within the size, sorted, coalesced, and answer with a Content-Range that
// parses back), and parsed as a Content-Range value (check_content_range).
#include "sisyphus/core/range.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "check.hpp"
#include "content_range_check.hpp"

namespace {

using namespace sisyphus;
using range::Decision;

// The largest is the largest whose Content-Range parses: parse_content_range refuses a
// complete length of UINT64_MAX, the value its numbers saturate to.
constexpr std::uint64_t kSizes[] = {0, 1, 1000, 10'000,
                                    std::numeric_limits<std::uint64_t>::max() - 1};

void check_decision(std::string_view header, const std::optional<range::RangeHeader>& parsed,
                    std::uint64_t size) {
  const range::Result result = range::decide(header, size);
  const bool honoured =
      parsed && parsed->unit == "bytes" && parsed->specs.size() <= range::kMaxRanges;
  if (!honoured) {
    FUZZ_CHECK(result.decision == Decision::full && result.ranges.empty(),
               "'{}' size {}: an ignored header must mean the whole body", header, size);
    return;
  }
  if (result.decision != Decision::partial) {
    FUZZ_CHECK(result.ranges.empty(), "'{}' size {}: ranges without a 206", header, size);
    FUZZ_CHECK(result.decision == Decision::unsatisfiable,
               "'{}' size {}: valid bytes header "
               "answered in full",
               header, size);
    return;
  }
  FUZZ_CHECK(!result.ranges.empty() && result.ranges.size() <= parsed->specs.size(),
             "'{}' size {}: {} ranges from {} specs", header, size, result.ranges.size(),
             parsed->specs.size());
  for (std::size_t i = 0; i < result.ranges.size(); ++i) {
    const range::ByteRange& r = result.ranges[i];
    FUZZ_CHECK(r.first <= r.last && r.last < size, "'{}' size {}: range {}-{} outside", header,
               size, r.first, r.last);
    // Sorted and coalesced: a gap of at least one byte between neighbours.
    if (i > 0) {
      FUZZ_CHECK(result.ranges[i - 1].last + 1 < r.first, "'{}' size {}: {}-{} not coalesced",
                 header, size, r.first, r.last);
    }
    const std::string content_range = range::format_content_range(r, size);
    const auto back = range::parse_content_range(content_range);
    FUZZ_CHECK(back && back->range == r && back->complete_length == size,
               "'{}' answers '{}', which does not parse back", header, content_range);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = range::parse(text);
  if (parsed) {
    FUZZ_CHECK(!parsed->specs.empty(), "'{}': parsed with no range-spec", text);
    for (const auto& spec : parsed->specs) {
      if (spec.first && spec.last) {
        FUZZ_CHECK(*spec.first <= *spec.last, "'{}': spec with last < first", text);
      }
    }
  }
  for (std::uint64_t resource_size : kSizes) check_decision(text, parsed, resource_size);
  fuzz::check_content_range(text);
  return 0;
}
