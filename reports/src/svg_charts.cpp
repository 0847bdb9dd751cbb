#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "compare_charts.hpp"
#include "svg.hpp"
#include "text.hpp"

namespace sisyphus::reports::svg {
namespace {

constexpr double kRow = 22;
constexpr double kBar = 14;
constexpr std::size_t kPalette = 8;  // client colours: .c0 .. .c7 in the page CSS

std::string scenario_label(const ScenarioResult& s) {
  return s.name + " · " + s.client.label;
}

double metric_value(const ScenarioResult& s, Metric m) {
  return m == Metric::attempts ? static_cast<double>(s.attempts)
                               : static_cast<double>(s.bytes_wasted);
}

std::string metric_text(const ScenarioResult& s, Metric m) {
  return m == Metric::attempts ? text::count(s.attempts, "attempt") : text::wasted(s);
}

// When attempt `i` stopped sending: the next attempt's start minus its gap, else the end of
// the run. Never before its own start.
double attempt_end(const ScenarioResult& s, std::size_t i) {
  const auto& log = s.attempt_log;
  double end = s.duration_s;
  if (i + 1 < log.size()) end = log[i + 1].t - log[i + 1].gap_s.value_or(0);
  return std::max(end, log[i].t);
}

}  // namespace

std::string open_svg(double height, std::string_view label) {
  return fmt::format(
      "<svg class=\"chart\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "role=\"img\" aria-label=\"{2}\">\n",
      kWidth, height, text::xml_escape(label, true));
}

std::string label(double x, double y, std::string_view s, std::string_view cls,
                  std::string_view anchor) {
  return fmt::format("<text class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>\n",
                     cls, x, y, anchor, text::xml_escape(s));
}

std::string rect(double x, double y, double w, double h, std::string_view cls,
                 std::string_view title) {
  return fmt::format(
      "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
      "<title>{}</title></rect>\n",
      cls, x, y, std::max(w, 1.0), h, text::xml_escape(title));
}

std::string attempt_class(const AttemptRecord& a) {
  // A 503 a `status` fault sent is a 5xx first: the legend says red for 4xx/5xx.
  if (a.status >= 400) return "a-err";
  if (a.fault) return "a-fault";
  if (a.status >= 200 && a.status < 300) return "a-ok";
  return "a-none";
}

std::uint64_t range_start(const std::optional<std::string>& range, std::uint64_t size) {
  if (!range || range->size() < 7) return 0;
  std::string_view r = *range;
  if (r.substr(0, 6) != "bytes=") return 0;
  r.remove_prefix(6);
  const bool suffix = r.front() == '-';
  if (suffix) r.remove_prefix(1);
  std::uint64_t n = 0;
  const auto [ptr, ec] = std::from_chars(r.data(), r.data() + r.size(), n);
  if (ec != std::errc{} || ptr == r.data()) return 0;
  if (suffix) return size - std::min(n, size);
  return std::min(n, size);
}

std::string wasted_bar_chart(const std::vector<const ScenarioResult*>& scenarios) {
  constexpr double kLabelW = 300, kValueW = 130, kTop = 8;
  const double plot = kWidth - kLabelW - kValueW;
  std::uint64_t max = 0;
  for (const auto* s : scenarios) max = std::max(max, s->bytes_wasted);
  const Ticks ticks = axis_ticks(static_cast<double>(max), Quantity::bytes, 5);
  const double end = ticks.values.back();
  const double axis_y = kTop + kRow * static_cast<double>(scenarios.size()) + 2;
  std::string out = open_svg(axis_y + 24, "Bytes wasted per scenario");
  out += x_axis(ticks, kLabelW, kLabelW + plot, axis_y, kTop);
  double y = kTop;
  for (const auto* s : scenarios) {
    const double w = plot * static_cast<double>(s->bytes_wasted) / end;
    out += label(kLabelW - 6, y + 15, text::truncate(scenario_label(*s), 44), "lbl", "end");
    const std::string cls = s->passed ? "bar" : "bar fail";
    if (s->bytes_wasted > 0) {
      out += rect(kLabelW, y + 4, w, kBar, cls,
                  fmt::format("{}: {} bytes wasted", scenario_label(*s), s->bytes_wasted));
    }
    out += label(kLabelW + w + 6, y + 15, text::wasted(*s), "val");
    y += kRow;
  }
  return out + "</svg>\n";
}

std::string attempt_waterfall(const ScenarioResult& s) {
  // The label column holds "#2 206 drop" in full: fault names are not cut.
  // kGap and the right margin hold half a tick label each ("1000 ms", "0 MiB", "80 MiB").
  constexpr double kLabelW = 150, kTimeW = 340, kGap = 56, kTop = 6;
  const double bytes_x = kLabelW + kTimeW + kGap;
  const double bytes_w = kWidth - bytes_x - 28;
  const auto& log = s.attempt_log;
  double tmax = s.duration_s;
  for (std::size_t i = 0; i < log.size(); ++i) tmax = std::max(tmax, attempt_end(s, i));
  const Ticks time_ticks = axis_ticks(tmax, Quantity::seconds, 4);
  const Ticks byte_ticks = axis_ticks(static_cast<double>(s.size), Quantity::bytes, 4);
  const double tend = time_ticks.values.back();
  const double bend = byte_ticks.values.back();
  const double rows_h = kRow * static_cast<double>(log.size());
  const double axis_y = kTop + rows_h + 2;

  std::string out = open_svg(axis_y + 24, "Attempts of " + scenario_label(s));
  out += fmt::format(
      "<rect class=\"track\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n",
      bytes_x, kTop, bytes_w * static_cast<double>(s.size) / bend, rows_h);
  out += x_axis(time_ticks, kLabelW, kLabelW + kTimeW, axis_y, kTop);
  out += x_axis(byte_ticks, bytes_x, bytes_x + bytes_w, axis_y, kTop);

  double y = kTop;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& a = log[i];
    const std::string cls = attempt_class(a);
    const double end = attempt_end(s, i);
    const std::string title = fmt::format(
        "attempt {}: t={:.3f} s, {}, range {}, if-range {}, status {}, {} bytes sent ({} "
        "written), fault {}",
        a.attempt, a.t, a.gap_s ? fmt::format("gap {:.3f} s", *a.gap_s) : "first",
        a.range.value_or("none"), a.if_range.value_or("none"), a.status, a.bytes_sent,
        a.bytes_written, a.fault.value_or("none"));
    out +=
        label(4, y + 15,
              fmt::format("#{} {}{}", a.attempt, a.status, a.fault ? " " + *a.fault : ""), "lbl");
    out +=
        rect(kLabelW + kTimeW * a.t / tend, y + 4, kTimeW * (end - a.t) / tend, kBar, cls, title);
    const double from = static_cast<double>(range_start(a.range, s.size));
    // A wrong_range or no-range answer can send past the end: clip to the resource.
    const double to =
        std::min(static_cast<double>(s.size), from + static_cast<double>(a.bytes_sent));
    out += rect(bytes_x + bytes_w * from / bend, y + 4, bytes_w * (to - from) / bend, kBar, cls,
                title);
    y += kRow;
  }
  return out + "</svg>\n";
}

std::string comparison_chart(const std::vector<std::string>& scenario_names,
                             const std::vector<std::string>& client_labels,
                             const std::vector<std::vector<const ScenarioResult*>>& grid,
                             Metric metric) {
  constexpr double kLabelW = 240, kValueW = 180, kSub = 16, kTop = 8;
  const double plot = kWidth - kLabelW - kValueW;
  const double legend_h = kRow * static_cast<double>(client_labels.size());
  const double group_h = kSub * static_cast<double>(client_labels.size()) + 8;
  double max = 0;
  for (const auto& row : grid) {
    for (const auto* s : row) {
      if (s) max = std::max(max, metric_value(*s, metric));
    }
  }
  const Ticks ticks =
      metric == Metric::attempts
          ? axis_ticks(max, Quantity::count, static_cast<int>(std::clamp(max, 1.0, 5.0)))  // whole
          : axis_ticks(max, Quantity::bytes, 5);
  max = ticks.values.back();
  const double axis_y = kTop + legend_h + group_h * static_cast<double>(scenario_names.size());
  std::string out =
      open_svg(axis_y + 24, metric == Metric::attempts ? "Attempts per scenario and client"
                                                       : "Bytes wasted per scenario and client");
  out += x_axis(ticks, kLabelW, kLabelW + plot, axis_y, kTop + legend_h);
  double y = kTop;
  for (std::size_t c = 0; c < client_labels.size(); ++c) {
    out +=
        fmt::format("<rect class=\"c{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\"/>\n",
                    c % kPalette, kLabelW, y + 4);
    out += label(kLabelW + 18, y + 14, text::truncate(client_labels[c], 60), "lbl");
    y += kRow;
  }
  for (std::size_t n = 0; n < scenario_names.size(); ++n) {
    out += label(kLabelW - 6, y + 12, text::truncate(scenario_names[n], 34), "lbl", "end");
    for (std::size_t c = 0; c < client_labels.size(); ++c) {
      const ScenarioResult* s = grid[n][c];
      const double by = y + kSub * static_cast<double>(c);
      if (!s) {
        out += label(kLabelW + 4, by + 11, "not run", "val");
        continue;
      }
      const double w = plot * metric_value(*s, metric) / max;
      if (metric_value(*s, metric) > 0) {
        out += rect(kLabelW, by + 2, w, kSub - 4, fmt::format("c{}", c % kPalette),
                    fmt::format("{} · {}: {}", s->name, s->client.label, metric_text(*s, metric)));
      }
      out += label(kLabelW + w + 4, by + 11, metric_text(*s, metric) + (s->passed ? "" : " (FAIL)"),
                   "val");
    }
    y += group_h;
  }
  return out + "</svg>\n";
}

}  // namespace sisyphus::reports::svg
