// The client's reading of a response head (sisyphus/client/http_fields.hpp, and core's
// Content-Range parser the client judges a 206 with). The input is a response head as text:
// a status line, then `Name: value` lines (CRLF or LF); the fields the resume logic reads
// go to their parsers, each with its invariants:
//  - Content-Range: check_content_range;
//  - ETag: a valid entity-tag is weak exactly when it starts with W/, and W/ before a valid
//    strong one makes a valid weak one;
//  - Retry-After: never a negative delay; a date gives the delay from Date (else a fixed
//    now) to it, zero when it is past;
//  - Last-Modified with Date: never strong against itself, and never both ways round;
//  - Repr-Digest: a sha-256 it finds, written as `sha-256=:BASE64:`, is found again.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "check.hpp"
#include "content_range_check.hpp"
#include "sisyphus/client/http_fields.hpp"
#include "sisyphus/core/sha256.hpp"

namespace {

using namespace sisyphus;
using namespace std::chrono;

struct Head {
  std::optional<std::string_view> content_range, etag, retry_after, last_modified, date,
      repr_digest;
};

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The last of each field wins, as when the client looks one up; the status line and lines
// that are not fields are skipped.
Head read_head(std::string_view text) {
  Head head;
  const std::pair<std::string_view, std::optional<std::string_view> Head::*> fields[] = {
      {"content-range", &Head::content_range},
      {"etag", &Head::etag},
      {"retry-after", &Head::retry_after},
      {"last-modified", &Head::last_modified},
      {"date", &Head::date},
      {"repr-digest", &Head::repr_digest}};
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    for (const auto& [name, member] : fields) {
      if (same_name(line.substr(0, colon), name)) head.*member = trim(line.substr(colon + 1));
    }
  }
  return head;
}

void check_etag(std::string_view etag) {
  if (!client::is_valid_etag(etag)) return;
  FUZZ_CHECK(client::is_weak_etag(etag) == etag.starts_with("W/"), "ETag {}: weakness", etag);
  if (!etag.starts_with("W/")) {
    const std::string weak = "W/" + std::string(etag);
    FUZZ_CHECK(client::is_valid_etag(weak) && client::is_weak_etag(weak),
               "ETag {}: W/ in front is not a valid weak tag", etag);
  }
}

void check_retry_after(std::string_view value, SysSeconds now) {
  const auto delay = client::parse_retry_after(value, now);
  if (!delay) return;
  FUZZ_CHECK(*delay >= Duration{0}, "Retry-After '{}': negative delay", value);
  if (const auto when = parse_http_date(value)) {
    const Duration expected = *when <= now ? Duration{0} : duration_cast<Duration>(*when - now);
    FUZZ_CHECK(*delay == expected, "Retry-After '{}': not the delay to its date", value);
  }
}

void check_last_modified(std::optional<std::string_view> last_modified,
                         std::optional<std::string_view> date) {
  FUZZ_CHECK(!client::last_modified_is_strong(last_modified, last_modified),
             "Last-Modified '{}' strong against itself", last_modified.value_or(""));
  FUZZ_CHECK(!(client::last_modified_is_strong(last_modified, date) &&
               client::last_modified_is_strong(date, last_modified)),
             "Last-Modified '{}' and Date '{}' strong both ways", last_modified.value_or(""),
             date.value_or(""));
}

void check_repr_digest(std::string_view value) {
  const auto digest = client::parse_repr_digest_sha256(value);
  if (!digest) return;
  const std::string written = "sha-256=:" + to_base64(*digest) + ":";
  FUZZ_CHECK(client::parse_repr_digest_sha256(written) == digest,
             "Repr-Digest '{}' found, but not again in '{}'", value, written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Head head = read_head(std::string_view(reinterpret_cast<const char*>(data), size));
  // A fixed clock when there is no Date, so that an input always does the same.
  SysSeconds now = sys_days{year{2024} / 1 / 1};
  if (head.date) now = parse_http_date(*head.date).value_or(now);
  if (head.content_range) fuzz::check_content_range(*head.content_range);
  if (head.etag) check_etag(*head.etag);
  if (head.retry_after) check_retry_after(*head.retry_after, now);
  check_last_modified(head.last_modified, head.date);
  if (head.repr_digest) check_repr_digest(*head.repr_digest);
  return 0;
}
