// The console table, the progress line and the failure list the run command prints.
#include "sisyphus/reports/console.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>

#include "text.hpp"

namespace sisyphus::reports {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kDim = "\x1b[2m";

// Columns are measured in code points; the table only holds names, labels and numbers.
std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(std::string_view s, std::size_t width, bool right) {
  const std::size_t w = display_width(s);
  const std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + std::string(s) : std::string(s) + fill;
}

std::string paint(std::string_view s, std::string_view colour, bool color) {
  if (!color) return std::string(s);
  return fmt::format("{}{}{}", colour, s, kReset);
}

// Client labels are user text (command templates): keep control characters out of a
// terminal.
std::string printable(std::string_view s) {
  std::string out = text::sanitize_utf8(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') c = ' ';
  }
  return out;
}

}  // namespace

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return stream != nullptr && ::isatty(::fileno(stream)) == 1;
}

std::string format_console_table(std::span<const ScenarioResult> scenarios, bool color) {
  constexpr std::size_t kCols = 7;
  const std::array<std::string, kCols> head{"scenario",   "client", "verdict", "attempts",
                                            "bytes sent", "wasted", "duration"};
  constexpr std::array<bool, kCols> right{false, false, false, true, true, true, true};
  std::vector<std::array<std::string, kCols>> rows;
  std::size_t passed = 0;
  for (const auto& s : scenarios) {
    std::string verdict(to_string(s.verdict));
    if (s.timed_out) verdict += " (timed out)";
    if (!s.passed) verdict = "FAIL " + verdict;
    passed += s.passed ? 1 : 0;
    rows.push_back({printable(s.name), printable(s.client.label), verdict,
                    std::to_string(s.attempts), text::bytes(s.bytes_sent), text::wasted(s),
                    text::seconds(s.duration_s)});
  }
  std::array<std::size_t, kCols> width{};
  for (std::size_t c = 0; c < kCols; ++c) {
    width[c] = display_width(head[c]);
    for (const auto& row : rows) width[c] = std::max(width[c], display_width(row[c]));
  }
  const auto line = [&](const std::array<std::string, kCols>& cells, const ScenarioResult* s) {
    std::string out;
    for (std::size_t c = 0; c < kCols; ++c) {
      std::string cell = pad(cells[c], width[c], right[c]);
      if (s != nullptr && c == 2) {
        cell =
            paint(cell, s->passed ? (s->verdict == Verdict::ok ? kGreen : kYellow) : kRed, color);
      }
      if (s == nullptr) cell = paint(cell, kBold, color);
      out += cell;
      out += c + 1 < kCols ? "  " : "";
    }
    // Right-padded last columns leave no trailing blanks; left-padded ones might.
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(head, nullptr);
  for (std::size_t i = 0; i < rows.size(); ++i) out += line(rows[i], &scenarios[i]);
  const std::size_t failed = scenarios.size() - passed;
  out += fmt::format("{} passed, {}\n", paint(std::to_string(passed), kGreen, color && passed > 0),
                     paint(fmt::format("{} failed", failed), kRed, color && failed > 0));
  return out;
}

std::string format_console_table(const RunResults& results, bool color) {
  return format_console_table(std::span<const ScenarioResult>(results.scenarios), color);
}

std::string format_progress(std::size_t done, std::size_t total, std::size_t failed,
                            std::string_view current, bool color, std::size_t width) {
  done = std::min(done, total);
  const std::string counts = fmt::format("{}/{}", done, total);
  const std::string fails = failed > 0 ? fmt::format("  {} failed", failed) : "";
  constexpr std::size_t kBarCells = 24;
  std::string bar(kBarCells, ' ');
  const std::size_t filled = total == 0 ? kBarCells : kBarCells * done / total;
  std::fill_n(bar.begin(), filled, '=');
  if (filled < kBarCells && done > 0) bar[filled] = '>';
  std::string out = fmt::format("[{}] {}", bar, counts);
  std::size_t used = kBarCells + 3 + counts.size() + fails.size();
  out += paint(fails, kRed, color && failed > 0);
  const std::string name = printable(current);
  if (!name.empty() && used + 2 < width) {
    out += "  " + text::truncate(name, width - used - 2);
    used += 2;
  }
  return out;
}

std::string format_scenario_line(const ScenarioResult& s, std::size_t done, std::size_t total,
                                 bool color) {
  std::string verdict(to_string(s.verdict));
  if (s.timed_out) verdict += " (timed out)";
  std::string out =
      fmt::format("[{}/{}] {} {} ({}): {}, {}, {} wasted, {}", done, total,
                  s.passed ? paint("PASS", kGreen, color) : paint("FAIL", kRed, color),
                  printable(s.name), printable(s.client.label), verdict,
                  text::count(s.attempts, "attempt"), text::wasted(s), text::seconds(s.duration_s));
  if (s.verdict == Verdict::error && s.error) out += " -- " + printable(*s.error);
  return out;
}

std::string format_failures(const RunResults& results, bool color) {
  std::string out;
  for (const auto& s : results.scenarios) {
    if (s.passed) continue;
    out += fmt::format("{} {} ({}): {}\n", paint("FAIL", kRed, color), printable(s.name),
                       printable(s.client.label), to_string(s.verdict));
    for (const auto& e : s.expectations) {
      if (!e.passed) out += "  " + printable(text::expectation_line(e)) + "\n";
    }
    if (s.corruption) out += "  corruption: " + text::corruption_line(*s.corruption) + "\n";
    if (s.error) out += "  error: " + printable(*s.error) + "\n";
    out += fmt::format("  {}{}\n", paint("replay: ", kDim, color), printable(s.replay));
  }
  return out;
}

}  // namespace sisyphus::reports
