#include "sisyphus/client/http_fields.hpp"

#include <cctype>
#include <charconv>

namespace sisyphus::client {
namespace {

using namespace std::chrono;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<Duration> parse_retry_after(std::string_view value, SysSeconds now) {
  value = trim(value);
  if (!value.empty() && std::isdigit(static_cast<unsigned char>(value.front()))) {
    std::uint64_t secs = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (p != value.data() + value.size()) return std::nullopt;
    // A huge value is still "wait a long time"; the backoff cap bounds it anyway.
    constexpr std::uint64_t kMaxSeconds = 1'000'000'000;
    if (ec == std::errc::result_out_of_range || secs > kMaxSeconds) secs = kMaxSeconds;
    return duration_cast<Duration>(seconds{secs});
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return Duration{0};
  return duration_cast<Duration>(*when - now);
}

bool last_modified_is_strong(std::optional<std::string_view> last_modified,
                             std::optional<std::string_view> date) {
  if (!last_modified || !date) return false;
  auto lm = parse_http_date(*last_modified);
  auto d = parse_http_date(*date);
  return lm && d && *d - *lm >= seconds{1};
}

bool is_weak_etag(std::string_view etag) {
  return trim(etag).starts_with("W/");
}

bool is_valid_etag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() < 2 || etag.front() != '"' || etag.back() != '"') return false;
  for (char ch : etag.substr(1, etag.size() - 2)) {
    auto c = static_cast<unsigned char>(ch);
    if (!(c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80)) return false;
  }
  return true;
}

std::optional<Sha256::Digest> parse_repr_digest_sha256(std::string_view value) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto member = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    auto eq = member.find('=');
    if (eq == std::string_view::npos || trim(member.substr(0, eq)) != "sha-256") continue;
    auto item = trim(member.substr(eq + 1));
    if (auto semi = item.find(';'); semi != std::string_view::npos) item = item.substr(0, semi);
    item = trim(item);
    if (item.size() < 2 || item.front() != ':' || item.back() != ':') return std::nullopt;
    Sha256::Digest d;
    if (!parse_sha256_base64(item.substr(1, item.size() - 2), d)) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

}  // namespace sisyphus::client
