#include <fmt/format.h>
#include <gtest/gtest.h>

#include "compare_charts.hpp"
#include "compare_sample.hpp"
#include "html_inspect.hpp"
#include "sisyphus/reports/compare.hpp"
#include "sisyphus/testing/python.hpp"

namespace sisyphus::reports {
namespace {

using testing::count;

// Every <svg> of the page parsed as XML: per chart its aria-label, its CDF paths (class),
// and its axis tick labels.
constexpr const char* kCharts = R"py(
import re, sys
import xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r"<svg .*?</svg>", page, re.S):
    svg = ET.fromstring(m.group(0))
    paths = [p.get("class") for p in svg.iter("path")]
    ticks = [t.text for t in svg.iter("text") if t.get("class") == "axis"]
    print(svg.get("aria-label"), "|", paths, "|", ticks)
)py";

std::string charts(const std::string& html, const std::string& name) {
  const auto r = sisyphus::testing::python_on(kCharts, html, name);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return r.out;
}

// A well-formed, self-contained page of one matrix with `svgs` charts.
void expect_one_matrix_page(const std::string& html, const std::string& name, std::size_t svgs) {
  testing::expect_self_contained(html);
  EXPECT_EQ(count(html, "<svg"), svgs);
  EXPECT_EQ(testing::inspect(html, name),
            fmt::format("unclosed [] bad []\nsvg {}\nrefs []\nids ['m-1']\n", svgs));
}

TEST(CompareHtml, FourChartsPerMatrixWellFormedWithTicks) {
  const std::string html = to_compare_html(testing::small_compare());
  expect_one_matrix_page(html, "compare-html", 4);
  // Durations 0.25..2.5 s: ticks of 0.5 s; bytes sent 1..5 MiB: ticks of 1 MiB; wasted
  // p95 up to 4 MiB: ticks of 1 MiB; rates 0..100 %.
  EXPECT_EQ(charts(html, "compare-charts"),
            "CDF of duration per strategy | ['cdf s0', 'cdf s1'] | ['0 %', '25 %', '50 %', '75 %', "
            "'100 %', 'p95', '0 s', '0.5 s', '1 s', '1.5 s', '2 s', '2.5 s', 'duration of a "
            "trial']\n"
            "CDF of bytes sent per strategy | ['cdf s0', 'cdf s1'] | ['0 %', '25 %', '50 %', '75 "
            "%', '100 %', 'p95', '0 MiB', '1 MiB', '2 MiB', '3 MiB', '4 MiB', '5 MiB', 'bytes sent "
            "in a trial']\n"
            "Bytes wasted per strategy, p50 and p95 | [] | ['0 MiB', '1 MiB', '2 MiB', '3 MiB', '4 "
            "MiB']\n"
            "Corruption rate per strategy | [] | ['0 %', '25 %', '50 %', '75 %', '100 %']\n");
  EXPECT_NE(html.find("<title>sisyphus compare: 1 matrix, 2 strategies, 2 of 4 bounds "
                      "failed</title>"),
            std::string::npos);
  // The legend: one swatch per strategy in the colour its marks have in every chart.
  EXPECT_NE(html.find("<p class=\"legend\"><span><i class=\"sw s0\"></i>restart</span><span><i "
                      "class=\"sw s1\"></i>resume</span></p>"),
            std::string::npos);
  EXPECT_NE(html.find("<pre>sisyphus compare matrices/small.yaml --filter restart --trial "
                      "2</pre>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"n best\">4</td>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"mark\">FAIL</span> restart: max_duration: expected at most "
                      "2s, got 2.5s"),
            std::string::npos);
}

TEST(CompareHtml, CdfStepsThroughEverySample) {
  // Four trials at 0.25, 0.5, 1.5, 2.5 s on an axis 0..2.5 s over x 56..780 (724 px), y
  // from 252 (0 %) to 12 (100 %): a rise of 60 px per trial, then flat to the right edge.
  const std::string svg =
      svg::cdf_chart("d", "t", {{"restart", 0, {2.5, 0.5, 0.25, 1.5}}}, svg::Quantity::seconds);
  EXPECT_NE(svg.find("<path class=\"cdf s0\" d=\"M128.4,252.0H128.4V192.0H200.8V132.0H490.4V72.0"
                     "H780.0V12.0H780.0\"><title>restart</title></path>"),
            std::string::npos)
      << svg;
  // Equal samples are one step.
  const std::string ties =
      svg::cdf_chart("d", "t", {{"x", 3, {1, 1, 2, 2}}}, svg::Quantity::seconds);
  EXPECT_NE(ties.find("d=\"M418.0,252.0H418.0V132.0H780.0V12.0H780.0\""), std::string::npos)
      << ties;
}

TEST(CompareHtml, TicksAreRoundNumbersInTheirUnit) {
  const auto labels = [](double max, svg::Quantity q) { return svg::axis_ticks(max, q).labels; };
  using V = std::vector<std::string>;
  EXPECT_EQ(labels(59.02, svg::Quantity::seconds), (V{"0 s", "20 s", "40 s", "60 s"}));
  EXPECT_EQ(labels(0.043, svg::Quantity::seconds),
            (V{"0 ms", "10 ms", "20 ms", "30 ms", "40 ms", "50 ms"}));
  EXPECT_EQ(labels(121912765, svg::Quantity::bytes), (V{"0 MiB", "50 MiB", "100 MiB", "150 MiB"}));
  EXPECT_EQ(labels(3000, svg::Quantity::bytes), (V{"0 KiB", "1 KiB", "2 KiB", "3 KiB"}));
  EXPECT_EQ(labels(3, svg::Quantity::bytes), (V{"0 B", "1 B", "2 B", "3 B"}));
  EXPECT_EQ(labels(0, svg::Quantity::bytes), (V{"0 B", "1 B"}));
  EXPECT_EQ(svg::strategy_class(3), "s3");
  EXPECT_EQ(svg::strategy_class(13), "s3 d1");
}

TEST(CompareHtml, EscapesAndCellsWithoutTrials) {
  CompareResults r = testing::small_compare();
  r.matrices[0].name = "<script>x</script>";
  r.matrices[0].cells[0].strategy = "\"><svg onload=alert(1)>";
  r.matrices[0].cells[1].trials.clear();
  r.matrices.push_back(testing::small_compare().matrices[0]);
  const std::string html = to_compare_html(r);
  testing::expect_self_contained(html);
  EXPECT_EQ(count(html, "<svg"), 8u);  // the strategy name's "<svg" is text
  EXPECT_NE(html.find("&quot;&gt;&lt;svg onload=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(testing::inspect(html, "compare-escape"),
            "unclosed [] bad []\n"
            "svg 8\n"
            "refs ['#m-1', '#m-2']\n"
            "ids ['m-1', 'm-2']\n");
  // The cell without trials: no CDF path, "no trials" in the bar charts.
  EXPECT_EQ(count(html, "<path class=\"cdf s1\""), 2u);  // only the second matrix's
  EXPECT_EQ(count(html, ">no trials</text>"), 2u);
}

}  // namespace
}  // namespace sisyphus::reports

namespace sisyphus::reports {
namespace {

TEST(CompareHtmlSeries, TimeChartDrawsEveryLineOnSharedAxes) {
  // 0.2 s of bins: x ticks every 50 ms over 56..780; y up to 4 over 252..12 (60 px per unit).
  const std::string svg = svg::time_chart(
      "a", "t", {{"restart", 0, 0.1, {1, 2}}, {"resume", 1, 0.1, {4}}, {"none", 2, 0.1, {}}});
  const std::string out = charts(svg, "time-chart");
  EXPECT_EQ(out,
            "a | ['ts s0', 'ts s1'] | ['0', '1', '2', '3', '4', '0 ms', '50 ms', '100 ms', "
            "'150 ms', '200 ms', 't']\n");
  // Each value held over its bin; a line ends at 0 after its last bin, then runs on to the
  // right edge.
  EXPECT_NE(svg.find("<path class=\"ts s0\" d=\"M56.0,192.0H418.0V132.0H780.0V252.0H780.0\">"
                     "<title>restart: peak 2</title></path>"),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("<path class=\"ts s1\" d=\"M56.0,12.0H418.0V252.0H780.0\">"
                     "<title>resume: peak 4</title></path>"),
            std::string::npos)
      << svg;
}

TEST(CompareHtmlSeries, LongLinesAreAveragedInGroupsOfBins) {
  EXPECT_EQ(svg::bins_per_step(0), 1u);
  EXPECT_EQ(svg::bins_per_step(362), 1u);
  EXPECT_EQ(svg::bins_per_step(363), 2u);
  EXPECT_EQ(svg::bins_per_step(3620), 10u);
  // 1086 bins holding 0, 3, 6, 0, 3, 6, ...: groups of 3 bins, 362 steps, every one the
  // average 3, the top of a 0..3 axis; the peak written is the bins' 6.
  std::vector<double> v;
  for (int i = 0; i < 1086; ++i) v.push_back(3.0 * (i % 3));
  const std::string svg = svg::time_chart("a", "t", {{"x", 0, 0.1, v}});
  const auto at = svg.find("<path class=\"ts s0\" d=\"");
  ASSERT_NE(at, std::string::npos);
  const std::string d = svg.substr(at, svg.find("\">", at + 23) - at);
  EXPECT_EQ(count(d, "H"), 363u) << d;      // 361 steps, the drop to 0, the run-out
  EXPECT_EQ(count(d, "V12.0"), 361u) << d;  // every step at 3
  // 108.6 s on an axis to 150 s: 0.3 s steps of 1.448 px; the drop at x = 580.2.
  EXPECT_NE(d.find("d=\"M56.0,12.0H57.4V12.0H58.9V12.0H60.3V12.0"), std::string::npos) << d;
  EXPECT_TRUE(d.ends_with("H578.7V12.0H580.2V252.0H780.0")) << d;
  EXPECT_NE(svg.find("<title>x: peak 6</title>"), std::string::npos);
}

TEST(CompareHtmlSeries, ArrivalsAndActiveChartsPerMatrixWithSeries) {
  const CompareResults r = testing::realistic_compare(40);
  const std::string html = to_compare_html(r);
  expect_one_matrix_page(html, "compare-series", 6);
  const std::string out = charts(html, "compare-series-charts");
  EXPECT_NE(out.find("Arrivals per 0.1 s at the server, per strategy | ['ts s0', 'ts s1', 'ts "
                     "s2'] | "),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("Active transfers at the server, per strategy | ['ts s0', 'ts s1', 'ts s2'] | "),
      std::string::npos)
      << out;
  EXPECT_NE(html.find("<h4>Arrivals per 0.1 s</h4>"), std::string::npos);
  EXPECT_NE(html.find("<h4>Active transfers</h4>"), std::string::npos);
  const ServerSeries& s = *r.matrices[0].cells[0].server;
  EXPECT_NE(html.find(fmt::format("<li>restart: {} requests over 40 trials, 8 over capacity; "
                                  "busiest 0.1 s: {} arrivals (trials summed); at most 3 "
                                  "transfers at once (busiest trial)</li>",
                                  s.requests, s.peak_arrivals_per_bin)),
            std::string::npos);
  // Without series (small_compare): the four charts only.
  EXPECT_EQ(count(to_compare_html(testing::small_compare()), "<svg"), 4u);
}

// A herd's records are clients: the notes say so, not "trials".
TEST(CompareHtmlSeries, AHerdsChartsCountClients) {
  CompareResults r = testing::small_compare();
  EXPECT_NE(to_compare_html(r).find("Share of trials (y) that finished"), std::string::npos);
  for (Cell& c : r.matrices[0].cells) c.clients = 500;
  const std::string html = to_compare_html(r);
  EXPECT_NE(html.find("Share of clients (of every trial) (y) that finished"), std::string::npos);
  EXPECT_NE(html.find("Share of clients (of every trial) (y) that were sent"), std::string::npos);
  EXPECT_NE(html.find("Clients that reported success over wrong bytes."), std::string::npos);
}

}  // namespace
}  // namespace sisyphus::reports
