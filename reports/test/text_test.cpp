// The internal text helpers every writer relies on.
#include "text.hpp"

#include <gtest/gtest.h>

#include "svg.hpp"

namespace sisyphus::reports {
namespace {

TEST(Text, SanitizeUtf8KeepsValidAndReplacesInvalid) {
  EXPECT_EQ(text::sanitize_utf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(text::sanitize_utf8("\xff"), fffd);
  EXPECT_EQ(text::sanitize_utf8("a\xC3"), "a" + fffd);                            // cut sequence
  EXPECT_EQ(text::sanitize_utf8("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(text::sanitize_utf8("\xED\xA0\x80"), fffd + fffd + fffd);             // surrogate
  EXPECT_EQ(text::sanitize_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
  EXPECT_EQ(text::sanitize_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Text, XmlEscape) {
  EXPECT_EQ(text::xml_escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(text::xml_escape("a\tb\nc\rd"), "a\tb\nc&#13;d");
  EXPECT_EQ(text::xml_escape("a\tb\nc\rd", true), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(text::xml_escape(std::string("\0\x01\x1f\x7f", 4)), "\\x00\\x01\\x1f\x7f");
  EXPECT_EQ(text::xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Text, MarkdownCodeBlock) {
  EXPECT_EQ(text::markdown_code_block("echo hi"), "```sh\necho hi\n```\n");
  EXPECT_EQ(text::markdown_code_block("a ``` b\n", "text"), "````text\na ``` b\n````\n");
}

TEST(Text, Truncate) {
  EXPECT_EQ(text::truncate("abcdef", 6), "abcdef");
  EXPECT_EQ(text::truncate("abcdefg", 6), "abcde\xE2\x80\xA6");
  EXPECT_EQ(text::truncate("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(text::truncate("abc", 0), "");
  EXPECT_EQ(text::truncate("", 3), "");
}

TEST(Text, ClassnameSlug) {
  EXPECT_EQ(text::junit_classname({"reference", "reference"}), "sisyphus.reference");
  EXPECT_EQ(text::junit_classname({"reference", "reference full-jitter if-range"}),
            "sisyphus.reference-full-jitter-if-range");
  EXPECT_EQ(text::junit_classname({"command", "command: ./x.sh {url} {output}"}),
            "sisyphus.command-x-sh-url-output");
  EXPECT_EQ(text::junit_classname({"curl", ""}), "sisyphus.curl");
  EXPECT_EQ(text::junit_classname({"", "..."}), "sisyphus.client");
}

TEST(Text, CorruptionLine) {
  EXPECT_EQ(text::corruption_line({CorruptionKind::truncated, 100, 1, {{100, 100}}, std::nullopt}),
            "truncated from byte 100, 1 bad byte in 1 range: 100-100");
  Corruption many{CorruptionKind::mismatch, 0, 64, {}, std::nullopt};
  for (std::uint64_t i = 0; i < kMaxBadRanges; ++i) many.bad_ranges.push_back({i * 10, i * 10});
  EXPECT_EQ(text::corruption_line(many).substr(0, 58),
            "mismatch from byte 0, 64 bad bytes in at least 16 ranges: ");
  EXPECT_EQ(text::corruption_line({CorruptionKind::extended, 4096, 10, {}, std::nullopt}),
            "extended from byte 4096, 10 bad bytes");
}

TEST(Text, FailureMessage) {
  ScenarioResult s;
  EXPECT_EQ(text::failure_message(s), "failed");
  s.timed_out = true;
  EXPECT_EQ(text::failure_message(s), "client killed at the deadline");
  s.expectations = {{"verdict", "ok", "failed-clean", false}, {"max_attempts", "3", "3", true}};
  EXPECT_EQ(text::failure_message(s),
            "verdict: expected ok, got failed-clean (client killed at the deadline)");
}

TEST(Svg, RangeStart) {
  EXPECT_EQ(svg::range_start(std::nullopt, 1000), 0u);
  EXPECT_EQ(svg::range_start("bytes=500-", 1000), 500u);
  EXPECT_EQ(svg::range_start("bytes=500-999", 1000), 500u);
  EXPECT_EQ(svg::range_start("bytes=-300", 1000), 700u);
  EXPECT_EQ(svg::range_start("bytes=-3000", 1000), 0u);
  EXPECT_EQ(svg::range_start("bytes=5000-", 1000), 1000u);
  EXPECT_EQ(svg::range_start("items=5-", 1000), 0u);
  EXPECT_EQ(svg::range_start("bytes=x-", 1000), 0u);
  EXPECT_EQ(svg::range_start("bytes=99999999999999999999-", 1000), 0u);
}

TEST(Svg, AttemptClass) {
  AttemptRecord a;
  a.status = 206;
  EXPECT_EQ(svg::attempt_class(a), "a-ok");
  a.status = 503;
  EXPECT_EQ(svg::attempt_class(a), "a-err");
  a.status = 0;
  EXPECT_EQ(svg::attempt_class(a), "a-none");
  a.status = 200;
  a.fault = "drop";
  EXPECT_EQ(svg::attempt_class(a), "a-fault");
  // A 503 a status fault sent is drawn red, as the legend says 4xx/5xx are.
  a.status = 503;
  a.fault = "status";
  EXPECT_EQ(svg::attempt_class(a), "a-err");
}

TEST(Text, CountsAreSingularForOne) {
  EXPECT_EQ(text::count(0, "attempt"), "0 attempts");
  EXPECT_EQ(text::count(1, "attempt"), "1 attempt");
  EXPECT_EQ(text::count(2, "attempt"), "2 attempts");
}

TEST(Text, BoundsSayAtMostAndAtLeast) {
  EXPECT_EQ(text::expectation_line({"max_wasted_bytes", "1KiB", "26 bytes", true}),
            "max_wasted_bytes: expected at most 1KiB, got 26 bytes");
  EXPECT_EQ(text::expectation_line({"min_attempts", "2", "1", false}),
            "min_attempts: expected at least 2, got 1");
  EXPECT_EQ(text::expectation_line({"verdict", "ok", "corrupt", false}),
            "verdict: expected ok, got corrupt");
}

}  // namespace
}  // namespace sisyphus::reports
