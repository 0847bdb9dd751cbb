#include "relay/relay_validators.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "wire/http_date.hpp"

namespace sisyphus::proxy::relay {
namespace {

constexpr std::string_view kMarker = ";sisyphus=";
constexpr std::int64_t kHour = 3600;
// What a tag of another generation becomes in If-Match: nothing an upstream sends.
constexpr std::string_view kNeverMatches = "\"sisyphus-stale-validator\"";

struct Tag {
  bool weak = false;
  std::string opaque;  // between the quotes, marker removed
  std::uint32_t generation = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One entity-tag as sent: [W/]"opaque". The generation is the marker's number, 0 without one.
std::optional<Tag> parse_tag(std::string_view text) {
  text = trim(text);
  Tag tag;
  if (text.starts_with("W/")) {
    tag.weak = true;
    text.remove_prefix(2);
  }
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  std::string_view opaque = text.substr(1, text.size() - 2);
  if (opaque.find('"') != std::string_view::npos) return std::nullopt;
  if (const auto at = opaque.rfind(kMarker); at != std::string_view::npos) {
    const std::string_view digits = opaque.substr(at + kMarker.size());
    std::uint32_t g = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), g);
    if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) {
      tag.generation = g;
      opaque = opaque.substr(0, at);
    }
  }
  tag.opaque = std::string(opaque);
  return tag;
}

std::string format_tag(bool weak, std::string_view opaque) {
  return fmt::format("{}\"{}\"", weak ? "W/" : "", opaque);
}

// Splits "a", W/"b" ,"c" into tags as written (commas inside quotes are part of a tag).
std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || (list[i] == ',' && !quoted)) {
      std::string_view item = trim(list.substr(start, i - start));
      if (!item.empty()) out.push_back(item);
      start = i + 1;
    } else if (list[i] == '"') {
      quoted = !quoted;
    }
  }
  return out;
}

std::string shift_date(std::string_view date, std::int64_t seconds) {
  const auto parsed = parse_http_date(trim(date));
  if (!parsed) return std::string(date);
  return format_http_date(*parsed + seconds);
}

}  // namespace

std::string client_etag(std::string_view upstream_etag, std::uint32_t generation) {
  const auto tag = parse_tag(upstream_etag);
  if (generation == 0 || !tag) return std::string(upstream_etag);
  return format_tag(tag->weak, fmt::format("{}{}{}", tag->opaque, kMarker, generation));
}

std::string client_date(std::string_view upstream_date_text, std::uint32_t generation) {
  if (generation == 0) return std::string(upstream_date_text);
  return shift_date(upstream_date_text, kHour * generation);
}

std::string upstream_date(std::string_view client_date_text, std::uint32_t generation) {
  if (generation == 0) return std::string(client_date_text);
  return shift_date(client_date_text, -kHour * static_cast<std::int64_t>(generation));
}

std::optional<std::string> if_range_tag(std::string_view value, std::uint32_t generation) {
  const auto tag = parse_tag(value);
  if (!tag) return std::string(value);  // not a tag: the upstream judges it
  if (tag->generation != generation) return std::nullopt;
  return format_tag(tag->weak, tag->opaque);
}

std::optional<std::string> if_none_match_list(std::string_view value, std::uint32_t generation) {
  if (trim(value) == "*") return std::string(value);
  std::string out;
  for (std::string_view item : split_list(value)) {
    const auto tag = parse_tag(item);
    if (tag && tag->generation != generation) continue;
    out +=
        (out.empty() ? "" : ", ") + (tag ? format_tag(tag->weak, tag->opaque) : std::string(item));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string if_match_list(std::string_view value, std::uint32_t generation) {
  if (trim(value) == "*") return std::string(value);
  std::string out;
  for (std::string_view item : split_list(value)) {
    const auto tag = parse_tag(item);
    std::string mapped = !tag                            ? std::string(item)
                         : tag->generation != generation ? std::string(kNeverMatches)
                                                         : format_tag(tag->weak, tag->opaque);
    out += (out.empty() ? "" : ", ") + mapped;
  }
  return out;
}

}  // namespace sisyphus::proxy::relay
