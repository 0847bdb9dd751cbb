#include "compare_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "svg.hpp"
#include "text.hpp"

namespace sisyphus::reports::svg {
namespace {

constexpr double kLabelW = 250;  // strategy names left of a bar chart
constexpr double kValueW = 170;  // the value written right of a bar
constexpr double kRowH = 26;
constexpr std::size_t kNameChars = 38;  // longer strategy names are cut, in full in <title>

std::string named_label(double x, double y, const std::string& name) {
  return fmt::format(
      "<text class=\"lbl\" x=\"{:.1f}\" y=\"{:.1f}\" "
      "text-anchor=\"end\">{}<title>{}</title></text>\n",
      x, y, text::xml_escape(text::truncate(name, kNameChars)), text::xml_escape(name));
}

// A vertical axis at x0 from y0 (value 0) up to y1 (the last tick) with its ticks labelled
// left of it and light horizontal grid lines across to x1.
std::string y_axis(const Ticks& t, double x0, double x1, double y0, double y1) {
  std::string out;
  const double end = t.values.back();
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    const double y = y0 - (y0 - y1) * t.values[i] / end;
    if (i > 0) out += line(x0, y, x1, y, "grid");
    out += line(x0 - 4, y, x0, y, "axis");
    out += label(x0 - 7, y + 4, t.labels[i], "axis", "end");
  }
  return out + line(x0, y0, x0, y1, "axis");
}

// A step line from (x, y): to each step's x horizontally, then to its y vertically; then
// horizontally to end_x. One <path> with the strategy's class and a tooltip.
struct Step {
  double x, y;
};
std::string step_path(std::string_view cls, std::string_view title, Step from,
                      const std::vector<Step>& steps, double end_x) {
  std::string d = fmt::format("M{:.1f},{:.1f}", from.x, from.y);
  for (const auto& s : steps) d += fmt::format("H{:.1f}V{:.1f}", s.x, s.y);
  d += fmt::format("H{:.1f}", end_x);
  return fmt::format("<path class=\"{}\" d=\"{}\"><title>{}</title></path>\n", cls, d,
                     text::xml_escape(title));
}

// The frame of a line chart: the plot's corners and the height of the whole <svg>.
struct Frame {
  double x0 = 56, x1 = kWidth - 40, y0 = 12 + 240, y1 = 12;
  double height = 12 + 240 + 46;
};

struct Unit {
  double factor;
  std::string_view name;
};

Unit unit_for(double max, Quantity q) {
  if (q == Quantity::count) return {1, ""};
  if (q == Quantity::seconds) return max >= 1 || max == 0 ? Unit{1, "s"} : Unit{1e-3, "ms"};
  constexpr std::array<Unit, 4> units{
      {{1024.0 * 1024 * 1024, "GiB"}, {1024.0 * 1024, "MiB"}, {1024.0, "KiB"}, {1, "B"}}};
  for (const auto& u : units) {
    if (max >= u.factor) return u;
  }
  return units.back();
}

}  // namespace

std::string line(double x1, double y1, double x2, double y2, std::string_view cls) {
  return fmt::format(
      "<line class=\"{}\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", cls, x1, y1,
      x2, y2);
}

std::string x_axis(const Ticks& t, double x0, double x1, double y, double top) {
  std::string out;
  const double end = t.values.back();
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    const double x = x0 + (x1 - x0) * t.values[i] / end;
    if (i > 0) out += line(x, top, x, y, "grid");
    out += line(x, y, x, y + 4, "axis");
    out += label(x, y + 16, t.labels[i], "axis", "middle");
  }
  return out + line(x0, y, x1, y, "axis");
}

std::string strategy_class(std::size_t index) {
  const std::size_t dash = index / kStrategyColours;
  std::string out = fmt::format("s{}", index % kStrategyColours);
  if (dash > 0) out += fmt::format(" d{}", (dash - 1) % 3 + 1);
  return out;
}

Ticks axis_ticks(double max, Quantity q, int target) {
  const Unit u = unit_for(max, q);
  const double scaled = max / u.factor;
  double step = 1;
  if (scaled > 0) {
    const double raw = scaled / target;
    const double magnitude = std::pow(10, std::floor(std::log10(raw)));
    step = magnitude * 10;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
      if (m * magnitude >= raw) {
        step = m * magnitude;
        break;
      }
    }
  }
  // Bytes below a KiB are whole bytes.
  if (q == Quantity::bytes && u.factor == 1) step = std::max(step, 1.0);
  const auto n = static_cast<int>(std::max(1.0, std::ceil(scaled / step - 1e-9)));
  Ticks t;
  for (int i = 0; i <= n; ++i) {
    const double v = step * i;
    t.values.push_back(v * u.factor);
    t.labels.push_back(u.name.empty() ? text::decimal(v, 3)
                                      : fmt::format("{} {}", text::decimal(v, 3), u.name));
  }
  return t;
}

std::string cdf_chart(std::string_view aria_label, std::string_view x_title,
                      const std::vector<Series>& series, Quantity q) {
  const Frame f;
  double max = 0;
  for (const auto& s : series) {
    for (double v : s.values) max = std::max(max, v);
  }
  const Ticks t = axis_ticks(max, q);
  const double end = t.values.back();
  const auto x_of = [&](double v) { return f.x0 + (f.x1 - f.x0) * v / end; };
  const auto y_of = [&](double share) { return f.y0 - (f.y0 - f.y1) * share; };

  Ticks shares;
  for (int pct = 0; pct <= 100; pct += 25) {
    shares.values.push_back(pct / 100.0);
    shares.labels.push_back(fmt::format("{} %", pct));
  }
  std::string out = open_svg(f.height, aria_label);
  out += y_axis(shares, f.x0, f.x1, f.y0, f.y1);
  out += line(f.x0, y_of(0.95), f.x1, y_of(0.95), "p95");
  // Right of the plot: inside it the label would sit on the lines that reach 100 %.
  out += label(f.x1 + 4, y_of(0.95) + 4, "p95", "axis");
  out += x_axis(t, f.x0, f.x1, f.y0, f.y1);
  out += label((f.x0 + f.x1) / 2, f.y0 + 38, x_title, "axis", "middle");

  for (const auto& s : series) {
    if (s.values.empty()) continue;
    std::vector<double> v = s.values;
    std::sort(v.begin(), v.end());
    const double n = static_cast<double>(v.size());
    std::vector<Step> steps;
    for (std::size_t i = 0; i < v.size(); ++i) {
      // Equal values are one step: the line rises once, by all of them.
      if (i + 1 < v.size() && v[i + 1] == v[i]) continue;
      steps.push_back({x_of(v[i]), y_of(static_cast<double>(i + 1) / n)});
    }
    out +=
        step_path("cdf " + strategy_class(s.index), s.name, {x_of(v.front()), f.y0}, steps, f.x1);
  }
  return out + "</svg>\n";
}

std::size_t bins_per_step(std::size_t bins) {
  return std::max<std::size_t>(1, (bins + kMaxSteps - 1) / kMaxSteps);
}

std::string time_chart(std::string_view aria_label, std::string_view x_title,
                       const std::vector<TimeLine>& lines) {
  const Frame f;
  // What is drawn: each line's bins averaged in groups (the last group over the bins it has).
  std::vector<std::vector<double>> drawn;
  double t_end = 0, y_max = 0;
  for (const auto& l : lines) {
    const std::size_t g = bins_per_step(l.values.size());
    std::vector<double> steps;
    for (std::size_t i = 0; i < l.values.size(); i += g) {
      const std::size_t n = std::min(g, l.values.size() - i);
      double sum = 0;
      for (std::size_t k = i; k < i + n; ++k) sum += l.values[k];
      steps.push_back(sum / static_cast<double>(n));
      y_max = std::max(y_max, steps.back());
    }
    t_end = std::max(t_end, l.bin_s * static_cast<double>(l.values.size()));
    drawn.push_back(std::move(steps));
  }
  const Ticks xt = axis_ticks(t_end, Quantity::seconds);
  const Ticks yt = axis_ticks(y_max, Quantity::count);
  const auto x_of = [&](double s) { return f.x0 + (f.x1 - f.x0) * s / xt.values.back(); };
  const auto y_of = [&](double v) { return f.y0 - (f.y0 - f.y1) * v / yt.values.back(); };

  std::string out = open_svg(f.height, aria_label);
  out += y_axis(yt, f.x0, f.x1, f.y0, f.y1);
  out += x_axis(xt, f.x0, f.x1, f.y0, f.y1);
  out += label((f.x0 + f.x1) / 2, f.y0 + 38, x_title, "axis", "middle");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    const auto& v = drawn[i];
    if (v.empty()) continue;
    const double step_s = l.bin_s * static_cast<double>(bins_per_step(l.values.size()));
    std::vector<Step> steps;
    for (std::size_t k = 1; k < v.size(); ++k) {
      steps.push_back({x_of(step_s * static_cast<double>(k)), y_of(v[k])});
    }
    // After its last bin the server saw nothing more of this strategy: down to 0.
    steps.push_back({x_of(l.bin_s * static_cast<double>(l.values.size())), y_of(0)});
    const double peak = *std::max_element(l.values.begin(), l.values.end());
    out += step_path("ts " + strategy_class(l.index),
                     fmt::format("{}: peak {}", l.name, text::decimal(peak, 2)),
                     {f.x0, y_of(v.front())}, steps, f.x1);
  }
  return out + "</svg>\n";
}

namespace {

// One row per strategy on an x axis with ticks `t` from x0 = kLabelW to x1: the name on
// the left, then "no trials" or what `draw(row, mid)` adds (bars, whisker, the value at
// x1 + 8), where `mid` is the row's centre line.
template <typename Row, typename Draw>
std::string row_chart(std::string_view aria_label, const std::vector<Row>& rows, const Ticks& t,
                      Draw draw) {
  constexpr double kTop = 8, kBottom = 30;
  const double x0 = kLabelW, x1 = kWidth - kValueW;
  const double y_axis = kTop + kRowH * static_cast<double>(rows.size());
  std::string out = open_svg(y_axis + kBottom, aria_label);
  out += x_axis(t, x0, x1, y_axis, kTop);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double mid = kTop + kRowH * (static_cast<double>(i) + 0.5);
    out += named_label(x0 - 8, mid + 4, rows[i].name);
    out += rows[i].has_trials() ? draw(rows[i], mid) : label(x0 + 6, mid + 4, "no trials", "val");
  }
  return out + "</svg>\n";
}

}  // namespace

std::string whisker_chart(std::string_view aria_label, const std::vector<Spread>& rows) {
  double max = 0;
  for (const auto& r : rows) max = std::max({max, r.p50, r.p95});
  const Ticks t = axis_ticks(max, Quantity::bytes);
  const double x0 = kLabelW, x1 = kWidth - kValueW, end = t.values.back();
  const auto x_of = [&](double v) { return x0 + (x1 - x0) * v / end; };
  return row_chart(aria_label, rows, t, [&](const Spread& r, double mid) {
    const std::string cls = strategy_class(r.index);
    const std::string values =
        fmt::format("p50 {} · p95 {}", text::bytes(static_cast<std::uint64_t>(r.p50)),
                    text::bytes(static_cast<std::uint64_t>(r.p95)));
    std::string out;
    if (r.p50 > 0) {
      out += rect(x0, mid - 7, x_of(r.p50) - x0, 14, "bar-s " + cls, r.name + ": " + values);
    }
    if (r.p95 > r.p50) {
      out += line(x_of(r.p50), mid, x_of(r.p95), mid, "whisker " + cls);
      out += line(x_of(r.p95), mid - 6, x_of(r.p95), mid + 6, "whisker " + cls);
    }
    return out + label(x1 + 8, mid + 4, values, "val");
  });
}

std::string rate_chart(std::string_view aria_label, const std::vector<Rate>& rows) {
  Ticks t;
  for (int pct = 0; pct <= 100; pct += 25) {
    t.values.push_back(pct);
    t.labels.push_back(fmt::format("{} %", pct));
  }
  const double x0 = kLabelW, x1 = kWidth - kValueW;
  return row_chart(aria_label, rows, t, [&](const Rate& r, double mid) {
    const double rate = static_cast<double>(r.count) / static_cast<double>(r.total);
    const std::string value =
        fmt::format("{} % ({} of {})", text::decimal(100 * rate, 1), r.count, r.total);
    std::string out;
    if (r.count > 0) {
      out += rect(x0, mid - 7, (x1 - x0) * rate, 14, "bar-s " + strategy_class(r.index),
                  r.name + ": " + value);
    }
    return out + label(x1 + 8, mid + 4, value, "val");
  });
}

}  // namespace sisyphus::reports::svg
