#include "schema_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sisyphus::model::detail {

std::uint32_t bounded(const Params& p, std::string_view key, std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = p.unsigned_integer(key);
  if (n < min || n > max) {
    p.fail(key, fmt::format("expected an integer from {} to {}, got {}", min, max, n));
  }
  return static_cast<std::uint32_t>(n);
}

std::string read_name(const Params& root) {
  std::string name = root.string("name");
  bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!ok) {
    root.fail(
        "name",
        fmt::format("invalid name '{}': expected lowercase letters, digits and '-' only", name));
  }
  return name;
}

}  // namespace sisyphus::model::detail
