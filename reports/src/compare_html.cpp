// compare.html: one file a CI artifact viewer opens offline, like report.html (the same
// stylesheet, no scripts, no external URLs, every text escaped). Per matrix: the table of
// compare.md, the bounds, a legend, four charts and the worst trials' replay commands.
#include <fmt/format.h>

#include <algorithm>

#include "compare_charts.hpp"
#include "compare_table.hpp"
#include "compare_text.hpp"
#include "html_style.hpp"
#include "sisyphus/reports/compare.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace {

// One colour per strategy (.s0 .. .s9; CDF lines of the 11th strategy on are dashed).
constexpr std::string_view kCompareCss = R"css(
.s0{color:#4a78c2}.s1{color:#e08a1e}.s2{color:#3f9b5a}.s3{color:#c8453b}.s4{color:#8d5fc9}
.s5{color:#2aa1a8}.s6{color:#b5652b}.s7{color:#6b7385}.s8{color:#c24a9a}.s9{color:#8a9a1e}
path.cdf,path.ts{fill:none;stroke:currentColor;stroke-width:2}.d1{stroke-dasharray:6 3}.d2{stroke-dasharray:2 3}.d3{stroke-dasharray:8 3 2 3}
rect.bar-s{fill:currentColor}line.whisker{stroke:currentColor;stroke-width:2}
line.p95{stroke:#9aa3b2;stroke-dasharray:4 4}
.sw.s0,.sw.s1,.sw.s2,.sw.s3,.sw.s4,.sw.s5,.sw.s6,.sw.s7,.sw.s8,.sw.s9{background:currentColor}
td.n{white-space:nowrap}td.best{font-weight:700;background:#eef6ee}h4{font-size:14px;margin:18px 0 2px}.note{color:#5b6577;margin:0 0 4px;font-size:13px}
)css";

std::string esc(std::string_view s) {
  return text::xml_escape(s);
}

std::string table(const MatrixResult& m) {
  const compare_table::Table t = compare_table::build(m);
  std::string out = "<table>\n<tr><th>Strategy</th>";
  for (const auto& c : t.columns) {
    out += fmt::format("<th title=\"{}\">{}</th>", text::xml_escape(c.title, true), esc(c.header));
  }
  out += "</tr>\n";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    out += fmt::format("<tr><td><i class=\"sw {}\"></i>{}<br><small>{}</small></td>",
                       svg::strategy_class(r), esc(row.strategy), esc(row.label));
    for (const auto& e : row.entries) {
      out += fmt::format("<td class=\"n{}\">{}</td>", e.best ? " best" : "", esc(e.text));
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string bounds_list(const MatrixResult& m) {
  const auto results = check_bounds(m);
  if (results.empty()) return "";
  std::string out = "<ul>\n";
  for (const auto& b : results) {
    out += fmt::format(
        "<li>{} {}</li>\n",
        b.passed ? "<span class=\"pass\">held</span>" : "<span class=\"mark\">FAIL</span>",
        esc(compare_text::bound_line(b)));
  }
  return out + "</ul>\n";
}

std::string legend(const MatrixResult& m) {
  std::string out = "<p class=\"legend\">";
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    out += fmt::format("<span><i class=\"sw {}\"></i>{}</span>", svg::strategy_class(i),
                       esc(m.cells[i].strategy));
  }
  return out + "</p>\n";
}

std::string charts(const MatrixResult& m) {
  std::vector<svg::Series> durations, sent;
  std::vector<svg::Spread> wasted;
  std::vector<svg::Rate> corrupt;
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    const Cell& c = m.cells[i];
    const CellSummary s = summarize(c);
    svg::Series d{c.strategy, i, {}}, b{c.strategy, i, {}};
    for (const auto& t : c.trials) {
      d.values.push_back(t.duration_s);
      b.values.push_back(static_cast<double>(t.bytes_sent));
    }
    durations.push_back(std::move(d));
    sent.push_back(std::move(b));
    wasted.push_back({c.strategy, i, s.bytes_wasted.p50, s.bytes_wasted.p95, !c.trials.empty()});
    corrupt.push_back({c.strategy, i, s.verdicts.corrupt, s.verdicts.total()});
  }
  // A herd's records are its clients, over every trial.
  const bool herd =
      std::any_of(m.cells.begin(), m.cells.end(), [](const Cell& c) { return c.clients > 1; });
  const std::string records = herd ? "clients (of every trial)" : "trials";
  std::string out = legend(m);
  out += "<h4>Duration</h4>\n<p class=\"note\">Share of " + records +
         " (y) that finished within a time (x); further left and steeper is better.</p>\n";
  out += svg::cdf_chart("CDF of duration per strategy", "duration of a trial", durations,
                        svg::Quantity::seconds);
  out += "<h4>Bytes sent</h4>\n<p class=\"note\">Share of " + records +
         " (y) that were sent at most so many body bytes (x); the resource is " +
         esc(text::bytes(m.size)) + ".</p>\n";
  out += svg::cdf_chart("CDF of bytes sent per strategy", "bytes sent in a trial", sent,
                        svg::Quantity::bytes);
  out +=
      "<h4>Bytes wasted</h4>\n<p class=\"note\">Bar: the median trial; whisker: up to the "
      "95th percentile.</p>\n";
  out += svg::whisker_chart("Bytes wasted per strategy, p50 and p95", wasted);
  out += "<h4>Corruption rate</h4>\n<p class=\"note\">" +
         std::string(herd ? "Clients that" : "Trials whose client") +
         " reported success over wrong bytes.</p>\n";
  out += svg::rate_chart("Corruption rate per strategy", corrupt);
  return out;
}

// The mean trial of the cell's series: `of` each bin divided by the trials summed.
template <typename Of>
svg::TimeLine mean_trial(const Cell& c, std::size_t index, Of of) {
  svg::TimeLine l{c.strategy, index, c.server->bin_s, {}};
  const auto trials = static_cast<double>(std::max<std::uint32_t>(c.server->trials, 1));
  for (std::size_t i = 0; i < c.server->arrivals.size(); ++i) {
    l.values.push_back(of(*c.server, i) / trials);
  }
  return l;
}

// What the server saw over time, when the run measured it: arrivals and transfers in
// flight of the mean trial, every strategy on the same axes.
std::string server_charts(const MatrixResult& m) {
  std::vector<svg::TimeLine> arrivals, active;
  std::size_t bins = 0;
  double bin_s = kSeriesBinSeconds;
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    const Cell& c = m.cells[i];
    if (!c.server) continue;
    if (bins == 0) bin_s = c.server->bin_s;
    bins = std::max(bins, c.server->arrivals.size());
    arrivals.push_back(mean_trial(c, i, [](const ServerSeries& s, std::size_t b) {
      return static_cast<double>(s.arrivals[b]);
    }));
    active.push_back(
        mean_trial(c, i, [](const ServerSeries& s, std::size_t b) { return s.active[b]; }));
  }
  if (arrivals.empty()) return "";
  const std::size_t g = svg::bins_per_step(bins);
  const std::string bin = text::decimal(bin_s, 6) + " s";
  const std::string steps =
      g == 1 ? ""
             : fmt::format(" Each step averages {} bins ({} s); the peaks below are exact.", g,
                           text::decimal(bin_s * static_cast<double>(g), 6));
  const std::string x_title = "time since the trial's server started";
  std::string out = "<h4>Arrivals per " + esc(bin) +
                    "</h4>\n<p class=\"note\">Requests that reached the server in each " +
                    esc(bin) +
                    " of the mean trial (the cell's trials summed, divided by their number); "
                    "spikes are clients retrying together." +
                    esc(steps) + "</p>\n";
  out += svg::time_chart("Arrivals per " + bin + " at the server, per strategy", x_title, arrivals);
  out +=
      "<h4>Active transfers</h4>\n<p class=\"note\">Transfers in flight at the server "
      "(a request answered over capacity is none), time-averaged over each " +
      esc(bin) + " of the mean trial." + esc(steps) + "</p>\n";
  out += svg::time_chart("Active transfers at the server, per strategy", x_title, active);
  out += "<ul>\n";
  for (const auto& c : m.cells) {
    if (c.server) out += "<li>" + esc(compare_text::server_line(c)) + "</li>\n";
  }
  return out + "</ul>\n";
}

std::string worst_trials(const MatrixResult& m) {
  std::string out = "<h4>Worst trial of each strategy</h4>\n";
  for (const auto& c : m.cells) {
    const auto worst = worst_trial(c);
    if (!worst) {
      out += "<p><b>" + esc(c.strategy) + "</b>: no trials</p>\n";
      continue;
    }
    out += "<p><b>" + esc(c.strategy) + "</b> " + esc(compare_text::trial_line(*worst)) +
           "</p>\n<pre>" + esc(compare_text::replay_command(c, *worst)) + "</pre>\n";
  }
  return out;
}

std::string matrix_section(const MatrixResult& m, std::size_t i) {
  std::string out = fmt::format("<section id=\"m-{}\">\n<h2>{}</h2>\n", i + 1, esc(m.name));
  if (!m.description.empty()) out += "<p>" + esc(m.description) + "</p>\n";
  out += "<p class=\"meta\">" + esc(compare_text::matrix_meta(m)) + "</p>\n";
  if (m.cells.empty()) return out + "<p>No strategies ran.</p>\n</section>\n";
  out += table(m) + bounds_list(m) + charts(m) + server_charts(m) + worst_trials(m);
  return out + "</section>\n";
}

}  // namespace

std::string to_compare_html(const CompareResults& r) {
  const std::string headline = compare_text::headline(r);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>" + esc(headline) + "</title>\n";
  out += "<style>" + std::string(html_style::kCss) + std::string(kCompareCss) +
         "</style>\n</head>\n<body>\n";
  out += "<h1>" + esc(headline) + "</h1>\n";
  out += fmt::format(
      "<p class=\"meta\">sisyphus {} · started {} · time scale {}{}</p>\n", esc(r.sisyphus_version),
      esc(r.started_at), text::decimal(r.time_scale, 6),
      r.shard ? fmt::format(" · shard {}/{} only", r.shard->index, r.shard->count) : "");
  if (r.matrices.size() > 1) {
    out += "<p>";
    for (std::size_t i = 0; i < r.matrices.size(); ++i) {
      out += fmt::format("{}<a href=\"#m-{}\">{}</a>", i == 0 ? "" : " · ", i + 1,
                         esc(r.matrices[i].name));
    }
    out += "</p>\n";
  }
  for (std::size_t i = 0; i < r.matrices.size(); ++i) out += matrix_section(r.matrices[i], i);
  return out + "</body>\n</html>\n";
}

}  // namespace sisyphus::reports
