// HTTP-date (RFC 9110 §5.6.7): the input is one field value. A date that parses (in any of
// the three forms) formats as an IMF-fixdate of 29 characters that parses back to the same
// instant, and formatting that instant again gives the same text.
#include "sisyphus/core/http_date.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sisyphus;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_http_date(text);
  if (!parsed) return 0;
  const std::string fixdate = format_http_date(*parsed);
  FUZZ_CHECK(fixdate.size() == 29 && fixdate.ends_with(" GMT"), "'{}' formats as '{}'", text,
             fixdate);
  const auto again = parse_http_date(fixdate);
  FUZZ_CHECK(again && *again == *parsed, "'{}' formats as '{}', which parses to another instant",
             text, fixdate);
  FUZZ_CHECK(format_http_date(*again) == fixdate, "'{}' does not format stably", fixdate);
  return 0;
}
