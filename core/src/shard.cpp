#include "sisyphus/core/shard.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "sisyphus/core/error.hpp"

namespace sisyphus {
namespace {

[[noreturn]] void bad_shard(std::string_view whole) {
  throw ParseError(fmt::format("bad shard '{}': expected I/N such as 1/4 (1 <= I <= N)", whole));
}

std::uint32_t parse_count(std::string_view text, std::string_view whole) {
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) bad_shard(whole);
  return n;
}

}  // namespace

Shard Shard::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) bad_shard(text);
  Shard s;
  s.index = parse_count(text.substr(0, slash), text);
  s.count = parse_count(text.substr(slash + 1), text);
  if (s.count == 0 || s.index == 0 || s.index > s.count) bad_shard(text);
  return s;
}

}  // namespace sisyphus
