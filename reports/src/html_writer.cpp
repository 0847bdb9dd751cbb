// report.html: one file a CI artifact viewer can open offline. Inline CSS, inline SVG, no
// scripts, no external URLs; every piece of text from the results is escaped.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "html_style.hpp"
#include "sisyphus/reports/html.hpp"
#include "svg.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace {

std::string esc(std::string_view s) {
  return text::xml_escape(s);
}

std::string verdict_badge(const ScenarioResult& s) {
  std::string out = fmt::format("<span class=\"v v-{0}\">{0}</span>", to_string(s.verdict));
  if (s.timed_out) out += " <span class=\"v v-error\">timed out</span>";
  return out;
}

std::string anchor(std::size_t i) {
  return fmt::format("s-{}", i + 1);
}

std::string summary_table(const RunResults& r) {
  std::string out =
      "<table>\n<tr><th>Scenario</th><th>Client</th><th>Result</th><th>Verdict</th>"
      "<th>Attempts</th><th>Bytes sent</th><th>Wasted</th><th>Duration</th></tr>\n";
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const auto& s = r.scenarios[i];
    out += fmt::format(
        "<tr{}><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\" title=\"{} bytes\">{}</td>"
        "<td class=\"n\" title=\"{} bytes\">{}</td><td class=\"n\">{}</td></tr>\n",
        s.passed ? "" : " class=\"fail\"", anchor(i), esc(s.name), esc(s.client.label),
        s.passed ? "<span class=\"pass\">pass</span>" : "<span class=\"mark\">FAIL</span>",
        verdict_badge(s), s.attempts, s.bytes_sent, esc(text::bytes(s.bytes_sent)), s.bytes_wasted,
        esc(text::wasted(s)), esc(text::seconds(s.duration_s)));
  }
  return out + "</table>\n";
}

// A scenario run with several client labels is a strategy comparison: a scenario x client
// grid, shown when at least one scenario has two or more clients.
std::string comparison_section(const RunResults& r) {
  std::vector<std::string> names, clients;
  for (const auto& s : r.scenarios) {
    if (std::find(names.begin(), names.end(), s.name) == names.end()) names.push_back(s.name);
    if (std::find(clients.begin(), clients.end(), s.client.label) == clients.end()) {
      clients.push_back(s.client.label);
    }
  }
  if (clients.size() < 2) return "";
  std::vector<std::vector<const ScenarioResult*>> grid(
      names.size(), std::vector<const ScenarioResult*>(clients.size(), nullptr));
  std::map<std::string, std::size_t> name_index, client_index;
  for (std::size_t i = 0; i < names.size(); ++i) name_index[names[i]] = i;
  for (std::size_t i = 0; i < clients.size(); ++i) client_index[clients[i]] = i;
  for (const auto& s : r.scenarios) grid[name_index[s.name]][client_index[s.client.label]] = &s;
  const bool shared = std::any_of(grid.begin(), grid.end(), [](const auto& row) {
    return std::count_if(row.begin(), row.end(), [](const auto* s) { return s != nullptr; }) > 1;
  });
  if (!shared) return "";  // each scenario ran with one client: nothing to put side by side

  std::string out =
      "<h2 id=\"comparison\">Strategy comparison</h2>\n<table>\n<tr><th>Scenario</th>";
  for (const auto& c : clients) out += "<th>" + esc(c) + "</th>";
  out += "</tr>\n";
  for (std::size_t n = 0; n < names.size(); ++n) {
    out += "<tr><td>" + esc(names[n]) + "</td>";
    for (std::size_t c = 0; c < clients.size(); ++c) {
      const ScenarioResult* s = grid[n][c];
      if (!s) {
        out += "<td>not run</td>";
        continue;
      }
      out += fmt::format("<td>{}{} · {} wasted · {}</td>", verdict_badge(*s),
                         s->passed ? "" : " <span class=\"mark\">FAIL</span>",
                         esc(text::wasted(*s)), text::count(s->attempts, "attempt"));
    }
    out += "</tr>\n";
  }
  out += "<tr><th>Total</th>";
  for (std::size_t c = 0; c < clients.size(); ++c) {
    std::size_t run = 0, passed = 0;
    std::uint64_t wasted = 0, attempts = 0;
    for (std::size_t n = 0; n < names.size(); ++n) {
      if (const ScenarioResult* s = grid[n][c]) {
        ++run;
        passed += s->passed ? 1 : 0;
        wasted += s->bytes_wasted;
        attempts += s->attempts;
      }
    }
    out += fmt::format("<th>{}/{} passed · {} wasted · {}</th>", passed, run,
                       esc(text::bytes(wasted)), text::count(attempts, "attempt"));
  }
  out += "</tr>\n</table>\n";
  out += "<h3>Bytes wasted per client</h3>\n" +
         svg::comparison_chart(names, clients, grid, svg::Metric::bytes_wasted);
  out += "<h3>Attempts per client</h3>\n" +
         svg::comparison_chart(names, clients, grid, svg::Metric::attempts);
  return out;
}

std::string attempt_table(const ScenarioResult& s) {
  std::string out =
      "<table>\n<tr><th>#</th><th>t (s)</th><th>Gap (s)</th><th>Range</th><th>If-Range</th>"
      "<th>Status</th><th>Bytes sent</th><th>Bytes written</th><th>Fault</th></tr>\n";
  for (const auto& a : s.attempt_log) {
    out += fmt::format(
        "<tr><td class=\"n\">{}</td><td class=\"n\">{:.3f}</td><td class=\"n\">{}</td>"
        "<td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td>{}</td></tr>\n",
        a.attempt, a.t, a.gap_s ? fmt::format("{:.3f}", *a.gap_s) : "-", esc(a.range.value_or("-")),
        esc(a.if_range.value_or("-")), a.status, a.bytes_sent, a.bytes_written,
        esc(a.fault.value_or("-")));
  }
  return out + "</table>\n";
}

std::string scenario_section(const ScenarioResult& s, std::size_t i) {
  std::string out = fmt::format("<section id=\"{}\">\n<h3>{} <small>· {}</small> {}{}</h3>\n",
                                anchor(i), esc(s.name), esc(s.client.label), verdict_badge(s),
                                s.passed ? "" : " <span class=\"mark\">FAIL</span>");
  if (!s.description.empty()) out += "<p>" + esc(s.description) + "</p>\n";
  out += fmt::format(
      "<p class=\"meta\">{} · {} bytes sent ({} written) · {} wasted · resource {} "
      "bytes · {} · seed {}{}</p>\n",
      text::count(s.attempts, "attempt"), s.bytes_sent, s.bytes_written, esc(text::wasted(s)),
      s.size, esc(text::seconds(s.duration_s)), s.seed,
      s.client_exit_code ? fmt::format(" · client exit code {}", *s.client_exit_code) : "");
  if (!s.expectations.empty()) {
    out += "<ul>\n";
    for (const auto& e : s.expectations) {
      out += fmt::format(
          "<li>{} {}</li>\n",
          e.passed ? "<span class=\"pass\">held</span>" : "<span class=\"mark\">failed</span>",
          esc(text::expectation_line(e)));
    }
    out += "</ul>\n";
  }
  if (s.corruption) out += "<p>Corruption: " + esc(text::corruption_line(*s.corruption)) + "</p>\n";
  if (s.error) out += "<p>Harness error: " + esc(*s.error) + "</p>\n";
  out += "<p>Replay:</p>\n<pre>" + esc(s.replay) + "</pre>\n";
  if (s.attempt_log.empty()) {
    out += "<p class=\"meta\">No request reached the server.</p>\n";
  } else {
    out += svg::attempt_waterfall(s) + attempt_table(s);
  }
  if (s.client_output && !s.client_output->empty()) {
    out += "<details><summary>Client output (tail)</summary><pre>" + esc(*s.client_output) +
           "</pre></details>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::string to_html(const RunResults& r) {
  const Tally t = tally(r);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>sisyphus: {} passed, {} failed</title>\n", t.passed, t.failed);
  out += "<style>" + std::string(html_style::kCss) + "</style>\n</head>\n<body>\n";
  out += fmt::format("<h1>sisyphus: {} passed, {} failed of {} scenario{}</h1>\n", t.passed,
                     t.failed, t.total, t.total == 1 ? "" : "s");
  out += fmt::format("<p class=\"meta\">Client {} · seed {} · sisyphus {} · started {}</p>\n",
                     esc(r.client), r.seed ? std::to_string(*r.seed) : "per scenario",
                     esc(r.sisyphus_version), esc(r.started_at));
  out += "<h2>Summary</h2>\n" + summary_table(r);

  std::vector<const ScenarioResult*> all;
  for (const auto& s : r.scenarios) all.push_back(&s);
  if (!all.empty()) out += "<h2>Bytes wasted per scenario</h2>\n" + svg::wasted_bar_chart(all);
  out += comparison_section(r);

  out +=
      "<h2>Scenarios</h2>\n<p class=\"legend\">Attempt colours: "
      "<span><i class=\"sw a-ok\"></i>2xx, no fault</span>"
      "<span><i class=\"sw a-fault\"></i>2xx, fault applied</span>"
      "<span><i class=\"sw a-err\"></i>4xx/5xx (a status fault too)</span>"
      "<span><i class=\"sw a-none\"></i>no status</span></p>\n"
      "<p class=\"meta\">In each chart, left: each attempt from its start to its end in time "
      "from the scenario start; right: the bytes it sent, from where its Range began.</p>\n";
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) out += scenario_section(r.scenarios[i], i);
  return out + "</body>\n</html>\n";
}

}  // namespace sisyphus::reports
