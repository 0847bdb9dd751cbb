#pragma once
// The Content-Range invariants, shared by the range target (the server's side) and the
// response-head target (the client's side).
#include <string_view>

namespace sisyphus::fuzz {

// parse_content_range(value): a parsed range lies within the complete length it names, and
// what it parsed formats (format_content_range / format_unsatisfied_range) into text that
// parses back to the same.
void check_content_range(std::string_view value);

}  // namespace sisyphus::fuzz
