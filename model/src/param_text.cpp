#include "param_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

namespace sisyphus::model::detail {

std::string_view expected_text(ParamType type) {
  switch (type) {
    case ParamType::size:
      return "a size (e.g. 4MiB or 95%)";
    case ParamType::signed_size:
      return "a size (e.g. 1KiB or -1KiB)";
    case ParamType::duration:
      return "a duration (e.g. 100ms or 2s)";
    case ParamType::rate:
      return "a rate (e.g. 1MiB/s)";
    case ParamType::unsigned_integer:
      return "a non-negative integer";
    case ParamType::choice:
      return "one of its choices";
    case ParamType::string:
      return "a string";
    case ParamType::boolean:
      return "true or false";
  }
  return "a value";
}

std::uint64_t unsigned_from_text(std::string_view text) {
  std::uint64_t out = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (digits && ec == std::errc::result_out_of_range) {
    throw ParseError(fmt::format("integer '{}' is too large (at most {})", text,
                                 std::numeric_limits<std::uint64_t>::max()));
  }
  if (!digits || ec != std::errc{} || p != end) {
    throw ParseError(fmt::format("expected a non-negative integer, got '{}'", text));
  }
  return out;
}

std::int64_t signed_size_from_text(std::string_view text) {
  std::string_view body = text;
  const bool negative = !body.empty() && body.front() == '-';
  if (negative) body.remove_prefix(1);
  std::uint64_t magnitude = 0;
  try {
    magnitude = parse_size(body);
  } catch (const ParseError&) {
    throw ParseError(fmt::format(
        "invalid size '{}': expected an optionally negative size such as 1KiB or -512B", text));
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMax) {
    throw ParseError(
        fmt::format("invalid size '{}': too large (at most {} bytes either way)", text, kMax));
  }
  const auto v = static_cast<std::int64_t>(magnitude);
  return negative ? -v : v;
}

std::string choice_from_text(std::string_view text, std::span<const std::string_view> choices) {
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    throw ParseError(fmt::format("expected one of {}, got '{}'", fmt::join(choices, ", "), text));
  }
  return std::string(text);
}

FaultParams::Value value_from_text(const ParamKey& key, std::string_view text) {
  switch (key.type) {
    case ParamType::size:
      return SizeSpec::parse(text);
    case ParamType::signed_size:
      return signed_size_from_text(text);
    case ParamType::duration:
      return parse_duration(text);
    case ParamType::rate:
      return parse_rate(text);
    case ParamType::unsigned_integer:
      return unsigned_from_text(text);
    case ParamType::choice:
      return choice_from_text(text, key.choices);
    case ParamType::string:
      return std::string(text);
    case ParamType::boolean:
      if (text == "true") return true;
      if (text == "false") return false;
      throw ParseError(fmt::format("expected true or false, got '{}'", text));
  }
  throw std::logic_error("unknown parameter type");
}

}  // namespace sisyphus::model::detail
