#include "origin/digest_fields.hpp"

#include <charconv>
#include <vector>

namespace sisyphus::proxy {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_key(std::string_view key) {
  // RFC 8941 §3.1.2 key: lcalpha / "*", then lcalpha / DIGIT / "_" / "-" / "." / "*".
  if (key.empty() || !((key[0] >= 'a' && key[0] <= 'z') || key[0] == '*')) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    c == '.' || c == '*';
    if (!ok) return false;
  }
  return true;
}

// The weight of each member of a Want-* Dictionary ("sha-256=3, sha-512=10"); nullopt when
// the field is not one (RFC 9530 §4: Integers from 0 to 10; parameters are ignored).
std::optional<std::vector<std::pair<std::string, int>>> parse_want(std::string_view field) {
  std::vector<std::pair<std::string, int>> members;
  while (true) {
    const std::size_t comma = field.find(',');
    std::string_view member = trim(field.substr(0, comma));
    if (const std::size_t semi = member.find(';'); semi != std::string_view::npos) {
      member = member.substr(0, semi);
    }
    const std::size_t eq = member.find('=');
    if (eq == std::string_view::npos) return std::nullopt;  // a bare key is `true`, not a weight
    const std::string_view key = member.substr(0, eq);
    const std::string_view value = member.substr(eq + 1);
    int weight = -1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), weight);
    if (!is_key(key) || ec != std::errc() || end != value.data() + value.size() || weight < 0 ||
        weight > 10) {
      return std::nullopt;
    }
    members.emplace_back(std::string(key), weight);  // a later duplicate overrides (RFC 8941)
    if (comma == std::string_view::npos) break;
    field.remove_prefix(comma + 1);
  }
  return members;
}

}  // namespace

bool sends_digest_field(const std::optional<std::string>& want) {
  if (!want) return true;
  const auto members = parse_want(*want);
  if (!members) return true;
  int weight = 0;
  for (const auto& [key, w] : *members) {
    if (key == "sha-256") weight = w;
  }
  return weight > 0;
}

std::string digest_field(const Sha256::Digest& digest) {
  return "sha-256=:" + to_base64(digest) + ":";
}

std::string digest_field(const Sha256::Digest& digest, DigestLie lie) {
  switch (lie) {
    case DigestLie::none:
      break;
    case DigestLie::other: {
      Sha256::Digest other = digest;
      other.back() ^= 0x01;
      return digest_field(other);
    }
    case DigestLie::malformed:
      // 31 bytes: valid base64, a Byte Sequence, but no SHA-256.
      return "sha-256=:" + to_base64(std::span(digest.data(), digest.size() - 1)) + ":";
  }
  return digest_field(digest);
}

}  // namespace sisyphus::proxy
