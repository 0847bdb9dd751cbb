#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "sisyphus/core/units.hpp"

namespace sisyphus::reports::text {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  }
  return n;
}

// Every escaper: the text is made valid UTF-8 first, then each code point is either kept or
// replaced by what `spell` returns for it.
template <typename Spell>
std::string escape(std::string_view raw, Spell spell) {
  const std::string s = sanitize_utf8(raw);
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    const std::string_view code_point(s.data() + i, utf8_length(s, i));
    if (const std::optional<std::string> spelled = spell(code_point)) {
      out += *spelled;
    } else {
      out += code_point;
    }
    i += code_point.size();
  }
  return out;
}

// The characters markup reads: the same references in XML, HTML and Markdown.
std::optional<std::string> markup_reference(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    default:
      return std::nullopt;
  }
}

bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20;
}

}  // namespace

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::string xml_escape(std::string_view raw, bool attribute) {
  return escape(raw, [attribute](std::string_view cp) -> std::optional<std::string> {
    // U+FFFE and U+FFFF are not XML characters.
    if (cp == "\xEF\xBF\xBE" || cp == "\xEF\xBF\xBF") return "\xEF\xBF\xBD";
    if (cp.size() != 1) return std::nullopt;
    const char c = cp.front();
    if (auto reference = markup_reference(c)) return reference;
    switch (c) {
      case '"':
        return "&quot;";
      case '\'':
        return "&#39;";
      case '\t':
        return attribute ? "&#9;" : "\t";
      case '\n':
        return attribute ? "&#10;" : "\n";
      case '\r':
        return "&#13;";
      default:
        if (is_control(c)) return fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        return std::nullopt;
    }
  });
}

std::string markdown_cell(std::string_view raw) {
  return escape(raw, [](std::string_view cp) -> std::optional<std::string> {
    if (cp.size() != 1) return std::nullopt;
    const char c = cp.front();
    if (auto reference = markup_reference(c)) return reference;
    switch (c) {
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
        return std::string{'\\', c};
      default:
        // Newlines, tabs and other control characters would end or break the table row.
        if (is_control(c)) return " ";
        return std::nullopt;
    }
  });
}

std::string markdown_code_block(std::string_view raw, std::string_view lang) {
  const std::string code = sanitize_utf8(raw);
  std::size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string out = fence + std::string(lang) + "\n" + code;
  if (out.back() != '\n') out += '\n';
  return out + fence + "\n";
}

std::string bytes(std::uint64_t n) {
  return format_size_human(n);
}

std::string seconds(double s) {
  return fmt::format("{:.2f} s", s);
}

std::string wasted(const ScenarioResult& s) {
  if (s.bytes_wasted == 0 || s.size == 0) return bytes(s.bytes_wasted);
  return fmt::format("{} ({:.1f}%)", bytes(s.bytes_wasted),
                     100.0 * static_cast<double>(s.bytes_wasted) / static_cast<double>(s.size));
}

std::string junit_classname(const ClientInfo& client) {
  std::string slug;
  for (char c : client.label.empty() ? client.kind : client.label) {
    const bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (keep) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return "sisyphus." + (slug.empty() ? std::string("client") : slug);
}

std::string count(std::uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string expectation_line(const Expectation& e) {
  const std::string_view name = e.name;
  const std::string_view bound = name.starts_with("max_")   ? "at most "
                                 : name.starts_with("min_") ? "at least "
                                                            : "";
  return fmt::format("{}: expected {}{}, got {}", e.name, bound, e.expected, e.actual);
}

std::string failure_message(const ScenarioResult& s) {
  std::string out;
  for (const auto& e : s.expectations) {
    if (e.passed) continue;
    if (!out.empty()) out += "; ";
    out += expectation_line(e);
  }
  if (s.verdict == Verdict::error && s.error) {
    out = out.empty() ? *s.error : *s.error + "; " + out;
  }
  if (s.timed_out)
    out = out.empty() ? "client killed at the deadline" : out + " (client killed at the deadline)";
  return out.empty() ? std::string("failed") : out;
}

std::string corruption_line(const Corruption& c) {
  std::string out = fmt::format("{} from byte {}, {} bad byte{}", to_string(c.kind),
                                c.first_bad_offset, c.bad_bytes, c.bad_bytes == 1 ? "" : "s");
  if (!c.bad_ranges.empty()) {
    out += fmt::format(" in {}{} range{}:", c.bad_ranges.size() == kMaxBadRanges ? "at least " : "",
                       c.bad_ranges.size(), c.bad_ranges.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < c.bad_ranges.size(); ++i) {
      out +=
          fmt::format("{} {}-{}", i == 0 ? "" : ",", c.bad_ranges[i].first, c.bad_ranges[i].last);
    }
  }
  return out;
}

std::string attempt_log_table(const ScenarioResult& s) {
  std::string out = fmt::format("{:>7}  {:>8}  {:>8}  {:<22}  {:<14}  {:>6}  {:>12}  {:>13}  {}\n",
                                "attempt", "t (s)", "gap (s)", "range", "if-range", "status",
                                "bytes sent", "bytes written", "fault");
  for (const auto& a : s.attempt_log) {
    out += fmt::format("{:>7}  {:>8.3f}  {:>8}  {:<22}  {:<14}  {:>6}  {:>12}  {:>13}  {}\n",
                       a.attempt, a.t, a.gap_s ? fmt::format("{:.3f}", *a.gap_s) : "-",
                       a.range.value_or("-"), a.if_range.value_or("-"), a.status, a.bytes_sent,
                       a.bytes_written, a.fault.value_or("-"));
  }
  return out;
}

}  // namespace sisyphus::reports::text

namespace sisyphus::reports::text {

std::string truncate(std::string_view raw, std::size_t max_chars) {
  const std::string s = sanitize_utf8(raw);
  if (max_chars == 0) return "";
  std::size_t chars = 0, cut = s.size();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) {
      cut = i;
      break;
    }
    ++chars;
  }
  if (cut == s.size()) return s;
  // Make room for the ellipsis by dropping one more code point.
  std::size_t keep = cut;
  do {
    --keep;
  } while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80);
  return s.substr(0, keep) + "\xE2\x80\xA6";
}

}  // namespace sisyphus::reports::text

namespace sisyphus::reports::text {

std::string decimal(double v, int max_decimals) {
  std::string out = fmt::format("{:.{}f}", v, max_decimals);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}

}  // namespace sisyphus::reports::text
