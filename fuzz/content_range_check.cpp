#include "content_range_check.hpp"

#include "check.hpp"
#include "sisyphus/core/range.hpp"

namespace sisyphus::fuzz {

void check_content_range(std::string_view value) {
  const auto parsed = range::parse_content_range(value);
  if (!parsed) return;
  FUZZ_CHECK(parsed->range || parsed->complete_length, "'{}': neither range nor length", value);
  if (parsed->range) {
    FUZZ_CHECK(parsed->range->first <= parsed->range->last, "'{}': last before first", value);
  }
  if (!parsed->complete_length) return;  // "bytes A-B/*" has no formatter: the server knows
  const std::uint64_t length = *parsed->complete_length;
  if (parsed->range) {
    FUZZ_CHECK(parsed->range->last < length, "'{}': range past the complete length", value);
  }
  const std::string again = parsed->range ? range::format_content_range(*parsed->range, length)
                                          : range::format_unsatisfied_range(length);
  const auto reparsed = range::parse_content_range(again);
  FUZZ_CHECK(reparsed && reparsed->range == parsed->range &&
                 reparsed->complete_length == parsed->complete_length,
             "'{}' formats as '{}', which does not parse back to the same", value, again);
}

}  // namespace sisyphus::fuzz
