#include "sisyphus/client/options.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/url/parse.hpp>
#include <cctype>

#include "sisyphus/core/client_token.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/core/sha256.hpp"

namespace sisyphus::client {
namespace {

constexpr std::array<std::pair<std::string_view, BackoffStrategy>, 6> kStrategies{{
    {"none", BackoffStrategy::none},
    {"constant", BackoffStrategy::constant},
    {"exponential", BackoffStrategy::exponential},
    {"full-jitter", BackoffStrategy::full_jitter},
    {"equal-jitter", BackoffStrategy::equal_jitter},
    {"decorrelated-jitter", BackoffStrategy::decorrelated_jitter},
}};

constexpr std::array<std::pair<std::string_view, ResumePolicy>, 3> kPolicies{{
    {"if-range", ResumePolicy::if_range},
    {"range", ResumePolicy::range},
    {"restart", ResumePolicy::restart},
}};

template <class Table>
std::string names(const Table& table) {
  std::string out;
  for (const auto& [name, value] : table) {
    if (!out.empty()) out += " | ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view to_string(BackoffStrategy s) {
  for (const auto& [name, value] : kStrategies) {
    if (value == s) return name;
  }
  return "?";
}

std::string_view to_string(ResumePolicy p) {
  for (const auto& [name, value] : kPolicies) {
    if (value == p) return name;
  }
  return "?";
}

BackoffStrategy parse_backoff_strategy(std::string_view text) {
  for (const auto& [name, value] : kStrategies) {
    if (name == text) return value;
  }
  throw ParseError(
      fmt::format("invalid backoff strategy '{}': expected one of {}", text, names(kStrategies)));
}

ResumePolicy parse_resume_policy(std::string_view text) {
  for (const auto& [name, value] : kPolicies) {
    if (name == text) return value;
  }
  throw ParseError(
      fmt::format("invalid resume policy '{}': expected one of {}", text, names(kPolicies)));
}

std::optional<std::string> validate(const Options& o) {
  auto url = boost::urls::parse_uri(o.url);
  if (!url) return fmt::format("invalid URL '{}': {}", o.url, url.error().message());
  if (url->scheme() != "http" && url->scheme() != "https") {
    return fmt::format("invalid URL '{}': expected an http:// or https:// URL", o.url);
  }
  if (url->encoded_host().empty()) return fmt::format("invalid URL '{}': no host", o.url);
  if (o.on_body) {
    if (!o.output.empty()) return std::string("an output file and on_body are exclusive");
    if (o.naive) return std::string("the naive client writes a file: on_body is not for it");
  } else if (o.output.empty()) {
    return std::string("no output file given");
  }
  if (o.sha256) {
    Sha256::Digest d;
    if (!parse_sha256_hex(*o.sha256, d)) {
      return fmt::format("invalid sha256 '{}': expected 64 hexadecimal digits", *o.sha256);
    }
  }
  if (o.max_attempts == 0) return std::string("max attempts must be at least 1");
  if (o.backoff.base.count() < 0 || o.backoff.cap.count() < 0) {
    return std::string("backoff base and cap must not be negative");
  }
  if (o.connect_timeout.count() <= 0 || o.read_timeout.count() <= 0 ||
      (o.timeout && o.timeout->count() <= 0)) {
    return std::string("timeouts must be positive");
  }
  if (o.buffer_size < 4096) return std::string("buffer size must be at least 4096 bytes");
  if (!o.client_id.empty() && !is_client_token(o.client_id)) {
    return fmt::format("invalid client id '{}': expected 1 to {} characters of [A-Za-z0-9._-]",
                       o.client_id, kClientTokenMax);
  }
  for (const auto& [name, value] : o.headers) {
    if (name.empty() || name.find_first_of(":\r\n \t") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return fmt::format("invalid header '{}: {}'", name, value);
    }
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "range" || lower == "if-range") {
      return fmt::format("header '{}' cannot be set: the client sends it when it resumes", name);
    }
    if (lower == "sisyphus-client") {
      return fmt::format("header '{}' cannot be set: the client id sends it", name);
    }
  }
  return std::nullopt;
}

}  // namespace sisyphus::client
