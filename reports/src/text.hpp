#pragma once
// Text helpers shared by the writers (internal): escaping for XML/HTML and Markdown, and
// the human spellings every table uses so the formats agree with each other.
#include <string>
#include <string_view>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports::text {

// Invalid UTF-8 sequences become U+FFFD, so a client's binary output cannot make a report
// unparseable.
std::string sanitize_utf8(std::string_view s);

// Escapes & < > " ' for XML 1.0 and HTML. Control characters XML forbids are shown as
// "\xNN"; in attributes tab, CR and LF become character references so they survive.
std::string xml_escape(std::string_view s, bool attribute = false);

// A Markdown table cell: pipes and markup characters escaped, newlines become spaces.
std::string markdown_cell(std::string_view s);
// A fenced code block (```sh) whose fence is longer than any backtick run inside.
std::string markdown_code_block(std::string_view code, std::string_view lang = "sh");

std::string bytes(std::uint64_t n);           // "1.0 MiB", "512 B"
std::string seconds(double s);                // "0.25 s"
std::string wasted(const ScenarioResult& s);  // "20.5 KiB (2.0%)" or "0 B"
// "1 attempt", "3 attempts": `noun` with an "s" unless n is 1.
std::string count(std::uint64_t n, std::string_view noun);

// "sisyphus.<label>" with the label reduced to [A-Za-z0-9_] and single '-' between runs
// ("command: ./x {url}" -> "sisyphus.command-x-url"), so JUnit viewers do not split it into
// packages at dots.
std::string junit_classname(const ClientInfo& client);

// "verdict: expected ok, got corrupt"; a max_ or min_ bound reads "max_attempts: expected at
// most 3, got 4" (the results keep the bare limit).
std::string expectation_line(const Expectation& e);
// "verdict: expected ok, got corrupt; max_attempts: expected 3, got 4", or the harness
// error / "failed" when no expectation failed.
std::string failure_message(const ScenarioResult& s);
// "mismatch from byte 2048, 2040 bad bytes in 2 ranges: 2048-4000, 4090-4095"
std::string corruption_line(const Corruption& c);

// Fixed-width attempt log, one line per attempt, with a header line.
std::string attempt_log_table(const ScenarioResult& s);

}  // namespace sisyphus::reports::text

namespace sisyphus::reports::text {

// At most `max_chars` code points of `s`, with "…" replacing what was cut.
std::string truncate(std::string_view s, std::size_t max_chars);

}  // namespace sisyphus::reports::text

namespace sisyphus::reports::text {

// `v` with at most `max_decimals` decimals and no trailing zeros: 2 -> "2", 2.5 -> "2.5",
// 0.99499 -> "0.995" (3).
std::string decimal(double v, int max_decimals);

}  // namespace sisyphus::reports::text
