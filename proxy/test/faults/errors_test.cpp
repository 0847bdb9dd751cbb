// Every bad fault parameter is refused at load time with file:line:column and what was
// expected (the fault sits on line 6 from column 5, see with_attempt()).
#include <gtest/gtest.h>

#include <ostream>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

struct BadCase {
  const char* entry;
  const char* error;
};

// Readable, stable test names in CTest (the default would print the pointers).
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.entry;
}

class FaultErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(FaultErrors, NamesFileLineColumnAndWhatWasExpected) {
  EXPECT_EQ(load_error(with_attempt(GetParam().entry)), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, FaultErrors,
    ::testing::Values(
        // drop
        BadCase{"drop: {at: 50%, after: 10}",
                "t.yaml:6:28: give either 'at' (an offset in the resource) or 'after' (body bytes "
                "into this response), not both"},
        BadCase{"drop: {how: close}",
                "t.yaml:6:11: expected 'at' (an offset in the resource: 1000, 4MiB, 95%), "
                "'after' (body bytes into this response) or 'after_time' (transfer time from the "
                "first body write, time-scaled)"},
        BadCase{
            "drop: {at: 50%, how: crash}",
            "t.yaml:6:26: expected one of close, reset, stall, rst_stream, goaway, got 'crash'"},
        BadCase{"drop: {at: 50%, for: 1s}", "t.yaml:6:26: 'for' applies only to how: stall"},
        BadCase{"drop: {at: 120%}",
                "t.yaml:6:16: invalid percentage '120%': expected a number from 0 to 100 "
                "followed by %"},
        BadCase{"drop: {at: 50%, hwo: close}",
                "t.yaml:6:21: unknown key 'hwo' in drop, did you mean 'how'?"},
        BadCase{"drop: 50%", "t.yaml:6:11: expected a mapping, got '50%'"},
        BadCase{"drop: {at: 10, how: stall, for: soon}",
                "t.yaml:6:37: invalid duration 'soon': expected a number followed by a unit "
                "(us, ms, s, m)"},
        BadCase{"drop: {at: 10, close_notify: maybe}",
                "t.yaml:6:34: expected true or false, got 'maybe'"},
        BadCase{"drop: {at: 10, how: reset, close_notify: false}",
                "t.yaml:6:46: 'close_notify' applies to how: close and how: stall, not reset"},
        BadCase{"drop: {at: 10, probability: 0.5}",
                "t.yaml:6:20: unknown key 'probability' in drop, expected one of at, after, "
                "after_time, how, for, close_notify, code"},
        // status
        BadCase{"status: {}", "t.yaml:6:13: expected 'code' (an HTTP status from 300 to 599)"},
        BadCase{"status: {code: 200}",
                "t.yaml:6:20: expected an HTTP status from 300 to 599, got 200"},
        BadCase{"status: {code: abc}", "t.yaml:6:20: expected a non-negative integer, got 'abc'"},
        BadCase{"status: {code: 503, retry_after: soon}",
                "t.yaml:6:38: invalid duration 'soon': expected a number followed by a unit "
                "(us, ms, s, m)"},
        BadCase{R"(status: {code: 503, retry_after: "Thu, 21 Oct 2026 07:28:00 GMT"})",
                "t.yaml:6:38: invalid HTTP-date 'Thu, 21 Oct 2026 07:28:00 GMT': 21 Oct 2026 is "
                "a Wed, not a Thu"},
        BadCase{R"(status: {code: 503, retry_after: "21 Oct 2026 07:28:00 GMT"})",
                "t.yaml:6:38: invalid HTTP-date '21 Oct 2026 07:28:00 GMT': expected an "
                "IMF-fixdate such as \"Wed, 21 Oct 2026 07:28:00 GMT\""},
        BadCase{R"(status: {code: 503, retry_after: "Wed, 31 Feb 2026 07:28:00 GMT"})",
                "t.yaml:6:38: invalid HTTP-date 'Wed, 31 Feb 2026 07:28:00 GMT': no such date: "
                "31 Feb 2026"},
        BadCase{"status: {code: 503, retry-after: 1s}",
                "t.yaml:6:25: unknown key 'retry-after' in status, did you mean 'retry_after'?"},
        // latency
        BadCase{"latency: {}",
                "t.yaml:6:14: expected at least one of 'first_byte', 'per_chunk', 'jitter' "
                "(durations)"},
        BadCase{"latency: {first_byte: 100}",
                "t.yaml:6:27: invalid duration '100': missing unit, expected one of us, ms, s, m"},
        BadCase{"latency: {first_bytes: 1s}",
                "t.yaml:6:15: unknown key 'first_bytes' in latency, did you mean 'first_byte'?"},
        // throttle
        BadCase{"throttle: {rate: 1MiB}",
                "t.yaml:6:22: invalid rate '1MiB': expected a size per second such as 1MiB/s"},
        BadCase{"throttle: {rate: 0/s}",
                "t.yaml:6:22: invalid rate '0/s': must be greater than zero"},
        BadCase{"throttle: {}", "t.yaml:6:15: expected 'rate' (bytes per second, such as 1MiB/s)"},
        BadCase{"throttle: {rate: 1MiB/s, burst: 0}",
                "t.yaml:6:37: expected a burst from 1 byte to 16MiB, got 0B"},
        BadCase{"throttle: {rate: 1MiB/s, burst: 17MiB}",
                "t.yaml:6:37: expected a burst from 1 byte to 16MiB, got 17MiB"},
        BadCase{"throttle: {rate: 1MiB/s, burst: 10%}",
                "t.yaml:6:37: expected a burst from 1 byte to 16MiB, got 10%"},
        // stall
        BadCase{"stall: {for: 1s}",
                "t.yaml:6:12: expected 'at' (an offset in the resource: 1000, 4MiB, 95%) or "
                "'after' (body bytes into this response)"},
        BadCase{"stall: {at: 1, mode: close}",
                "t.yaml:6:20: unknown key 'mode' in stall, expected one of at, after, for"},
        // corrupt
        BadCase{"corrupt: {bytes: 2}",
                "t.yaml:6:14: expected 'at' (an offset in the resource: 1000, 10MiB, 50%)"},
        BadCase{"corrupt: {at: 10, bytes: 0}",
                "t.yaml:6:30: expected a byte count from 1 to 65536, got 0"},
        BadCase{"corrupt: {at: 10, bytes: -1}",
                "t.yaml:6:30: expected a non-negative integer, got '-1'"},
        // wrong_range
        BadCase{"wrong_range: {shift: 0}",
                "t.yaml:6:26: a shift of 0 is a correct range; expected a non-zero size"},
        BadCase{"wrong_range: {shift: abc}",
                "t.yaml:6:26: invalid size 'abc': expected an optionally negative size such as "
                "1KiB or -512B"},
        BadCase{"wrong_range: {}",
                "t.yaml:6:18: expected 'shift' (bytes, may be negative: 1KiB, -1KiB)"},
        // no_range, chunked_cut
        BadCase{"no_range: {x: 1}", "t.yaml:6:19: 'no_range' takes no parameters, got 'x'"},
        BadCase{"no_range: yes", "t.yaml:6:15: expected a mapping, got 'yes'"},
        BadCase{"chunked_cut: {at: 5}", "t.yaml:6:23: 'chunked_cut' takes no parameters, got 'at'"},
        // the kind itself
        BadCase{"dorp: {at: 10}", "t.yaml:6:5: unknown fault kind 'dorp', did you mean 'drop'?"},
        BadCase{"stal: {at: 10}", "t.yaml:6:5: unknown fault kind 'stal', did you mean 'stall'?"},
        BadCase{"explode: {}",
                "t.yaml:6:5: unknown fault kind 'explode', expected one of chunked_cut, corrupt, "
                "drop, empty_reply, endless_head, garbage, head_cut, latency, lying_repr_digest, "
                "no_range, redirect, stall, status, throttle, wrong_content_digest, wrong_range"}));

TEST(FaultErrors, RuleLevelKeysAreValidatedInFaultRules) {
  EXPECT_EQ(load_error(with_rule("corrupt: {at: 10, probability: 2}")),
            "t.yaml:6:36: expected a probability from 0 to 1, got 2");
  EXPECT_EQ(load_error(with_rule("corrupt: {at: 10, attempts: [0]}")),
            "t.yaml:6:34: expected an attempt number from 1 to 4294967295, got '0'");
  // The rule's own keys are taken out; the fault's keys are still checked.
  EXPECT_EQ(load_error(with_rule("corrupt: {at: 10, probability: 0.5, attempts: [1], byte: 2}")),
            "t.yaml:6:56: unknown key 'byte' in corrupt, did you mean 'bytes'?");
  EXPECT_EQ(load_error(with_rule("corrupt: {at: 10, probability: 0.5, attempts: [1, 3]}")), "");
}

TEST(FaultErrors, GoodParametersOfEveryKindLoad) {
  for (const char* entry : {
           "drop: {at: 95%, how: close}",
           "drop: {at: 4MiB, how: reset}",
           "drop: {at: 1000, how: stall, for: 300ms}",
           "drop: {after: 1MiB, how: reset}",
           "status: {code: 503, retry_after: 1s}",
           "status: {code: 429, retry_after: 2}",
           R"(status: {code: 503, retry_after: "Wed, 21 Oct 2026 07:28:00 GMT"})",
           "status: {code: 404}",
           "latency: {first_byte: 100ms, per_chunk: 0ms, jitter: 20ms}",
           "throttle: {rate: 1MiB/s}",
           "stall: {at: 50%, for: 30s}",
           "stall: {after: 10KiB}",
           "corrupt: {at: 10MiB, bytes: 1}",
           "corrupt: {at: 50%}",
           "wrong_range: {shift: 1KiB}",
           "wrong_range: {shift: -1KiB}",
           "no_range: {}",
           "chunked_cut: {}",
       }) {
    EXPECT_EQ(load_error(with_attempt(entry)), "") << entry;
    EXPECT_EQ(load_error(with_rule(entry)), "") << entry;
  }
}

}  // namespace
}  // namespace sisyphus::proxy::test
