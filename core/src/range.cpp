#include "sisyphus/core/range.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace sisyphus::range {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// 1*DIGIT; values beyond 64 bits saturate (they are then simply past the end).
bool parse_digits(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    out = kMax;
    return true;
  }
  return ec == std::errc{} && p == s.data() + s.size();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<RangeHeader> parse(std::string_view header) {
  header = trim(header);
  auto eq = header.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  std::string_view unit = header.substr(0, eq);
  if (!std::all_of(unit.begin(), unit.end(), is_tchar)) return std::nullopt;
  RangeHeader out;
  out.unit = lower(unit);
  std::string_view set = header.substr(eq + 1);
  // range-set = 1#range-spec; empty list elements (", ,") are allowed by the # rule.
  bool any = false;
  while (true) {
    auto comma = set.find(',');
    std::string_view item = trim(set.substr(0, comma));
    if (!item.empty()) {
      auto dash = item.find('-');
      if (dash == std::string_view::npos) return std::nullopt;
      std::string_view a = item.substr(0, dash), b = item.substr(dash + 1);
      RangeSpec spec;
      if (a.empty()) {
        std::uint64_t n = 0;
        if (!parse_digits(b, n)) return std::nullopt;
        spec.suffix_length = n;
      } else {
        std::uint64_t first = 0;
        if (!parse_digits(a, first)) return std::nullopt;
        spec.first = first;
        if (!b.empty()) {
          std::uint64_t last = 0;
          if (!parse_digits(b, last)) return std::nullopt;
          if (last < first) return std::nullopt;  // invalid int-range
          spec.last = last;
        }
      }
      out.specs.push_back(spec);
      any = true;
      if (out.specs.size() > kMaxRanges * 100) return std::nullopt;  // absurd: treat as invalid
    }
    if (comma == std::string_view::npos) break;
    set = set.substr(comma + 1);
  }
  if (!any) return std::nullopt;
  return out;
}

Result decide(std::string_view header, std::uint64_t size) {
  Result result;
  auto parsed = parse(header);
  if (!parsed || parsed->unit != "bytes" || parsed->specs.size() > kMaxRanges) return result;
  std::vector<ByteRange> ranges;
  for (const auto& spec : parsed->specs) {
    if (spec.is_suffix()) {
      // A suffix of zero length is unsatisfiable; one longer than the resource is all of it.
      if (spec.suffix_length == 0 || size == 0) continue;
      std::uint64_t len = std::min(spec.suffix_length, size);
      ranges.push_back({size - len, size - 1});
    } else {
      if (*spec.first >= size) continue;
      std::uint64_t last = spec.last ? std::min(*spec.last, size - 1) : size - 1;
      ranges.push_back({*spec.first, last});
    }
  }
  if (ranges.empty()) {
    result.decision = Decision::unsatisfiable;
    return result;
  }
  // Coalesce overlapping or adjacent ranges (RFC 9110 §14.2 permits it), so a client can
  // never make the server send the same bytes twice.
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& x, const ByteRange& y) { return x.first < y.first; });
  std::vector<ByteRange> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && (merged.back().last == kMax || r.first <= merged.back().last + 1)) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  result.decision = Decision::partial;
  result.ranges = std::move(merged);
  return result;
}

std::optional<ContentRange> parse_content_range(std::string_view value) {
  value = trim(value);
  auto sp = value.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  if (lower(value.substr(0, sp)) != "bytes") return std::nullopt;
  std::string_view rest = trim(value.substr(sp + 1));
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view resp = rest.substr(0, slash), total = rest.substr(slash + 1);
  ContentRange out;
  if (total != "*") {
    std::uint64_t n = 0;
    if (!parse_digits(total, n) || n == kMax) return std::nullopt;
    out.complete_length = n;
  }
  if (resp == "*") {
    if (!out.complete_length) return std::nullopt;  // "bytes */*" is meaningless
    return out;
  }
  auto dash = resp.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::uint64_t first = 0, last = 0;
  if (!parse_digits(resp.substr(0, dash), first) || !parse_digits(resp.substr(dash + 1), last)) {
    return std::nullopt;
  }
  if (first == kMax || last == kMax || last < first) return std::nullopt;
  if (out.complete_length && last >= *out.complete_length) return std::nullopt;
  out.range = ByteRange{first, last};
  return out;
}

std::string format_content_range(ByteRange r, std::uint64_t complete_length) {
  return fmt::format("bytes {}-{}/{}", r.first, r.last, complete_length);
}

std::string format_unsatisfied_range(std::uint64_t complete_length) {
  return fmt::format("bytes */{}", complete_length);
}

}  // namespace sisyphus::range
