#include "sisyphus/reports/html.hpp"

#include <gtest/gtest.h>

#include "html_inspect.hpp"
#include "sample.hpp"

namespace sisyphus::reports {
namespace {

using testing::count;
using testing::expect_self_contained;
using testing::inspect;

TEST(Html, OneSvgPerChartAndInternalLinksOnly) {
  const std::string html = to_html(testing::sample_results());
  expect_self_contained(html);
  // The wasted-bytes chart and one waterfall per scenario that reached the server; three
  // different clients on three different scenarios is not a comparison.
  EXPECT_EQ(count(html, "<svg"), 3u);
  EXPECT_EQ(count(html, "</svg>"), 3u);
  EXPECT_EQ(count(html, "Strategy comparison"), 0u);
  EXPECT_EQ(inspect(html, "html-sample"),
            "unclosed [] bad []\n"
            "svg 3\n"
            "refs ['#s-1', '#s-2', '#s-3']\n"
            "ids ['s-1', 's-2', 's-3']\n");
  EXPECT_NE(html.find("<title>sisyphus: 1 passed, 2 failed</title>"), std::string::npos);
  EXPECT_NE(html.find("No request reached the server."), std::string::npos);
  // The legend is its own paragraph: no sentence starts with a stray " . ".
  EXPECT_EQ(html.find("</span>. "), std::string::npos);
  EXPECT_NE(html.find("<span><i class=\"sw a-err\"></i>4xx/5xx (a status fault too)</span>"),
            std::string::npos);
  // The wasted-bytes chart has an axis with ticks up to 4 KiB (the largest waste).
  const auto chart = html.substr(html.find("<svg"), html.find("</svg>") - html.find("<svg"));
  for (const char* tick : {">0 KiB<", ">1 KiB<", ">2 KiB<", ">3 KiB<", ">4 KiB<"}) {
    EXPECT_NE(chart.find(tick), std::string::npos) << tick << "\n" << chart;
  }
}

TEST(Html, OneAttemptIsSingular) {
  RunResults r;
  ScenarioResult s = testing::ok_scenario();
  s.attempts = 1;
  s.attempt_log.resize(1);
  r.scenarios = {s};
  const std::string html = to_html(r);
  EXPECT_NE(html.find("<p class=\"meta\">1 attempt · "), std::string::npos) << html;
  EXPECT_EQ(html.find("1 attempts"), std::string::npos);
}

TEST(Html, WaterfallHasOneBarPairPerAttempt) {
  RunResults r;
  r.scenarios = {testing::ok_scenario()};
  const std::string html = to_html(r);
  const auto start = html.find("<svg", html.find("id=\"s-1\""));
  const auto end = html.find("</svg>", start);
  ASSERT_NE(start, std::string::npos);
  const std::string waterfall = html.substr(start, end - start);
  // Three attempts: a time bar and a byte bar each, plus the byte-axis track.
  EXPECT_EQ(count(waterfall, "<rect class=\"a-"), 6u);
  EXPECT_EQ(count(waterfall, "<rect class=\"a-fault\""), 4u);
  EXPECT_EQ(count(waterfall, "<rect class=\"a-ok\""), 2u);
  EXPECT_EQ(count(waterfall, "<rect class=\"track\""), 1u);
  // Attempt 1 starts at 0 and ends where attempt 2's gap began (0.1 - 0.05 s); the time axis
  // ends at its last tick, 300 ms (ticks of 100 ms over 0.25 s): x = 150, width = 340 * 0.05 /
  // 0.3 = 56.7. It sent bytes 0..996146 of 1 MiB.
  EXPECT_NE(waterfall.find("<rect class=\"a-fault\" x=\"150.0\" y=\"10.0\" width=\"56.7\" "
                           "height=\"14.0\"><title>attempt 1: t=0.000 s, first, range none, "
                           "if-range none, status 200, 996147 bytes sent (996147 written), fault "
                           "drop</title>"),
            std::string::npos)
      << waterfall;
  // Attempt 3 resumes at byte 1027604 (x = 546 + 246 * 1027604 / 1048576; the byte axis
  // ends at 1 MiB, its last tick).
  EXPECT_NE(waterfall.find("<rect class=\"a-ok\" x=\"787.1\" y=\"54.0\" width=\"4.9\""),
            std::string::npos)
      << waterfall;
  // Both axes have ticks; the labels say which attempt, its status and its fault in full.
  for (const char* tick :
       {">0 ms<", ">100 ms<", ">200 ms<", ">300 ms<", ">0 MiB<", ">0.5 MiB<", ">1 MiB<"}) {
    EXPECT_NE(waterfall.find(tick), std::string::npos) << tick << "\n" << waterfall;
  }
  EXPECT_NE(waterfall.find(">#1 200 drop</text>"), std::string::npos) << waterfall;
  EXPECT_NE(waterfall.find(">#3 206</text>"), std::string::npos) << waterfall;
}

TEST(Html, ComparisonWhenAScenarioRanWithSeveralClients) {
  RunResults r;
  for (const char* label : {"reference if-range", "reference restart"}) {
    for (ScenarioResult s : {testing::ok_scenario(), testing::corrupt_scenario()}) {
      s.client.label = label;
      r.scenarios.push_back(s);
    }
  }
  r.scenarios[2].bytes_sent = 2 * r.scenarios[2].size;
  r.scenarios[2].bytes_wasted = r.scenarios[2].size;
  const std::string html = to_html(r);
  expect_self_contained(html);
  // Wasted chart, two comparison charts (wasted, attempts), four waterfalls.
  EXPECT_EQ(count(html, "<svg"), 7u);
  EXPECT_EQ(count(html, "Strategy comparison"), 1u);
  EXPECT_NE(html.find("<tr><th>Scenario</th><th>reference if-range</th><th>reference "
                      "restart</th></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<th>1/2 passed · 4.0 KiB wasted · 5 attempts</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>1/2 passed · 1.0 MiB wasted · 5 attempts</th>"), std::string::npos)
      << html;
  EXPECT_EQ(inspect(html, "html-compare"),
            "unclosed [] bad []\n"
            "svg 7\n"
            "refs ['#s-1', '#s-2', '#s-3', '#s-4']\n"
            "ids ['comparison', 's-1', 's-2', 's-3', 's-4']\n");
}

TEST(Html, EscapesEveryText) {
  ScenarioResult s = testing::corrupt_scenario();
  s.name = "<script>alert('x')</script>";
  s.description = "a & b <img src=x onerror=alert(1)>";
  s.client.label = "\"><svg onload=alert(1)>";
  s.replay = "sisyphus run 'x<y>.yaml' && echo \"&\"";
  s.client_output = "</pre><script>evil()</script>\x01\xff";
  s.attempt_log[0].fault = "<fault>";
  s.attempt_log[1].range = "bytes=\"<1>\"";
  s.expectations[0].actual = "<corrupt>";
  const std::string html = to_html(testing::results_of({s}, "<b>client</b>", "0.1.0\"><script>"));
  // The description's "src=" is text here; the parser below proves no attribute holds one.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 2u);  // wasted chart + waterfall; the label's <svg is text
  EXPECT_EQ(count(html, "<img"), 0u);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a &amp; b &lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;svg onload=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("<pre>sisyphus run &#39;x&lt;y&gt;.yaml&#39; &amp;&amp; echo "
                      "&quot;&amp;&quot;</pre>"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;script&gt;evil()&lt;/script&gt;\\x01\xEF\xBF\xBD</pre>"),
            std::string::npos);
  EXPECT_EQ(inspect(html, "html-escape"),
            "unclosed [] bad []\n"
            "svg 2\n"
            "refs ['#s-1']\n"
            "ids ['s-1']\n");
}

TEST(Html, EmptyRun) {
  const std::string html = to_html(RunResults{});
  expect_self_contained(html);
  EXPECT_EQ(count(html, "<svg"), 0u);
  EXPECT_NE(html.find("<h1>sisyphus: 0 passed, 0 failed of 0 scenarios</h1>"), std::string::npos);
}

}  // namespace
}  // namespace sisyphus::reports
