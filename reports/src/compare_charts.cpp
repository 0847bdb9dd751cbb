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

std::string line(double x1, double y1, double x2, double y2, std::string_view cls) {
  return fmt::format(
      "<line class=\"{}\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", cls, x1, y1,
      x2, y2);
}

std::string named_label(double x, double y, const std::string& name) {
  return fmt::format(
      "<text class=\"lbl\" x=\"{:.1f}\" y=\"{:.1f}\" "
      "text-anchor=\"end\">{}<title>{}</title></text>\n",
      x, y, text::xml_escape(text::truncate(name, kNameChars)), text::xml_escape(name));
}

// A horizontal axis at `y` from x0 to x1 with its ticks labelled below, and light vertical
// grid lines up to `top`.
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

struct Unit {
  double factor;
  std::string_view name;
};

Unit unit_for(double max, Quantity q) {
  if (q == Quantity::seconds) return max >= 1 || max == 0 ? Unit{1, "s"} : Unit{1e-3, "ms"};
  constexpr std::array<Unit, 4> units{
      {{1024.0 * 1024 * 1024, "GiB"}, {1024.0 * 1024, "MiB"}, {1024.0, "KiB"}, {1, "B"}}};
  for (const auto& u : units) {
    if (max >= u.factor) return u;
  }
  return units.back();
}

}  // namespace

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
    t.labels.push_back(fmt::format("{} {}", text::decimal(v, 3), u.name));
  }
  return t;
}

std::string cdf_chart(std::string_view aria_label, std::string_view x_title,
                      const std::vector<Series>& series, Quantity q) {
  constexpr double kLeft = 56, kRight = 40, kTop = 12, kPlotH = 240, kBottom = 46;
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kTop + kPlotH, y1 = kTop;
  double max = 0;
  for (const auto& s : series) {
    for (double v : s.values) max = std::max(max, v);
  }
  const Ticks t = axis_ticks(max, q);
  const double end = t.values.back();
  const auto x_of = [&](double v) { return x0 + (x1 - x0) * v / end; };
  const auto y_of = [&](double share) { return y0 - (y0 - y1) * share; };

  std::string out = open_svg(kTop + kPlotH + kBottom, aria_label);
  for (int pct = 0; pct <= 100; pct += 25) {
    const double y = y_of(pct / 100.0);
    if (pct > 0) out += line(x0, y, x1, y, "grid");
    out += line(x0 - 4, y, x0, y, "axis");
    out += label(x0 - 7, y + 4, fmt::format("{} %", pct), "axis", "end");
  }
  out += line(x0, y_of(0.95), x1, y_of(0.95), "p95");
  // Right of the plot: inside it the label would sit on the lines that reach 100 %.
  out += label(x1 + 4, y_of(0.95) + 4, "p95", "axis");
  out += x_axis(t, x0, x1, y0, y1);
  out += line(x0, y0, x0, y1, "axis");
  out += label((x0 + x1) / 2, y0 + 38, x_title, "axis", "middle");

  for (const auto& s : series) {
    if (s.values.empty()) continue;
    std::vector<double> v = s.values;
    std::sort(v.begin(), v.end());
    const double n = static_cast<double>(v.size());
    std::string d = fmt::format("M{:.1f},{:.1f}", x_of(v.front()), y0);
    for (std::size_t i = 0; i < v.size(); ++i) {
      // Equal values are one step: the line rises once, by all of them.
      if (i + 1 < v.size() && v[i + 1] == v[i]) continue;
      d += fmt::format("H{:.1f}V{:.1f}", x_of(v[i]), y_of(static_cast<double>(i + 1) / n));
    }
    d += fmt::format("H{:.1f}", x1);
    out += fmt::format("<path class=\"cdf {}\" d=\"{}\"><title>{}</title></path>\n",
                       strategy_class(s.index), d, text::xml_escape(s.name));
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
