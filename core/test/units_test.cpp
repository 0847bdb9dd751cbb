#include "sisyphus/core/units.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/core/time_scale.hpp"

namespace sisyphus {
namespace {

using std::chrono::microseconds;
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// The message of the ParseError thrown by f(), or "" when nothing was thrown.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(ParseSize, UnitsOfTheIssue) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("4KiB"), 4096u);
  EXPECT_EQ(parse_size("64MiB"), 67108864u);
  EXPECT_EQ(parse_size("2GiB"), 2147483648u);
  EXPECT_EQ(parse_size("10MB"), 10000000u);
}

TEST(ParseSize, EveryUnit) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("7B"), 7u);
  EXPECT_EQ(parse_size("3KB"), 3000u);
  EXPECT_EQ(parse_size("5GB"), 5000000000u);
  EXPECT_EQ(parse_size("1TiB"), 1099511627776u);
  EXPECT_EQ(parse_size("1MiB"), 1048576u);
}

TEST(ParseSize, WhitespaceAroundAndBeforeTheUnit) {
  EXPECT_EQ(parse_size("  4KiB\t"), 4096u);
  EXPECT_EQ(parse_size("4 KiB"), 4096u);
}

TEST(ParseSize, FractionsAreExactAndRoundDown) {
  EXPECT_EQ(parse_size("1.5GiB"), 1610612736u);
  EXPECT_EQ(parse_size("0.5KiB"), 512u);
  EXPECT_EQ(parse_size("1.5KB"), 1500u);
  // Decimal fractions computed in binary floating point would give 34 here.
  EXPECT_EQ(parse_size("0.035KB"), 35u);
  EXPECT_EQ(parse_size("0.0001KiB"), 0u);           // 0.1024 bytes rounds down
  EXPECT_EQ(parse_size("1.9999999999KiB"), 2047u);  // 2047.99999... rounds down
  // More than 18 fraction digits are accepted; the extra digits cannot matter.
  EXPECT_EQ(parse_size("1.00000000000000000000001MiB"), 1048576u);
}

TEST(ParseSize, LargestValues) {
  EXPECT_EQ(parse_size("18446744073709551615"), kMax);
  EXPECT_EQ(parse_size("18446744073709551615B"), kMax);
  EXPECT_EQ(parse_size("17179869183GiB"), kMax - (1ULL << 30) + 1);
  EXPECT_EQ(parse_size("16777215TiB"), 16777215ULL << 40);
}

TEST(ParseSize, HugeNumbersAreErrorsNotWrapAround) {
  EXPECT_EQ(error_of([] { parse_size("99999999999999999999"); }),
            "invalid size '99999999999999999999': too large (at most 18446744073709551615 bytes)");
  EXPECT_EQ(error_of([] { parse_size("18446744073709551616"); }),
            "invalid size '18446744073709551616': too large (at most 18446744073709551615 bytes)");
  // 2^34 GiB is exactly 2^64: one past the largest value.
  EXPECT_EQ(error_of([] { parse_size("17179869184GiB"); }),
            "invalid size '17179869184GiB': too large (at most 18446744073709551615 bytes)");
  EXPECT_EQ(error_of([] { parse_size("16777216TiB"); }),
            "invalid size '16777216TiB': too large (at most 18446744073709551615 bytes)");
  // A fraction can fill the last unit exactly, or push the value over.
  EXPECT_EQ(parse_size("17179869183.9999999999999GiB"), kMax);
  EXPECT_EQ(parse_size("18446744073709551.615KB"), kMax);
  EXPECT_EQ(error_of([] { parse_size("18446744073709551.616KB"); }),
            "invalid size '18446744073709551.616KB': too large (at most 18446744073709551615 "
            "bytes)");
}

TEST(ParseSize, ErrorsNameTheTextAndWhatWasExpected) {
  EXPECT_EQ(error_of([] { parse_size(""); }),
            "invalid size '': expected a number followed by an optional unit (B, KiB, MiB, "
            "GiB, KB, MB, GB)");
  EXPECT_EQ(error_of([] { parse_size("lots"); }),
            "invalid size 'lots': expected a number followed by an optional unit (B, KiB, MiB, "
            "GiB, KB, MB, GB)");
  EXPECT_EQ(error_of([] { parse_size("-1"); }),
            "invalid size '-1': expected a number followed by an optional unit (B, KiB, MiB, "
            "GiB, KB, MB, GB)");
  EXPECT_EQ(error_of([] { parse_size("4XB"); }),
            "invalid size '4XB': unknown unit 'XB', expected one of B, KiB, MiB, GiB, KB, MB, GB");
  EXPECT_EQ(error_of([] { parse_size("4kib"); }),
            "invalid size '4kib': unknown unit 'kib', expected one of B, KiB, MiB, GiB, KB, MB, "
            "GB");
  EXPECT_EQ(error_of([] { parse_size("1.5"); }),
            "invalid size '1.5': a byte count must be a whole number");
  EXPECT_EQ(error_of([] { parse_size("1.5B"); }),
            "invalid size '1.5B': a byte count must be a whole number");
  EXPECT_EQ(error_of([] { parse_size("1.MiB"); }),
            "invalid size '1.MiB': expected a number followed by an optional unit (B, KiB, MiB, "
            "GiB, KB, MB, GB)");
  EXPECT_EQ(error_of([] { parse_size("95%"); }),
            "invalid size '95%': unknown unit '%', expected one of B, KiB, MiB, GiB, KB, MB, GB");
}

TEST(SizeSpec, AbsoluteSizes) {
  SizeSpec s = SizeSpec::parse("4MiB");
  EXPECT_FALSE(s.is_percent());
  EXPECT_EQ(s.byte_count(), 4194304u);
  EXPECT_EQ(s.resolve(10), 4194304u);  // an absolute size ignores the resource size
  EXPECT_EQ(s.to_string(), "4MiB");
  EXPECT_EQ(s, SizeSpec::bytes(4194304));
}

TEST(SizeSpec, PercentResolvesRelativeToTheSizeRoundingDown) {
  SizeSpec s = SizeSpec::parse("95%");
  ASSERT_TRUE(s.is_percent());
  EXPECT_EQ(s.percent_value(), 95.0);
  EXPECT_EQ(s.to_string(), "95%");
  EXPECT_EQ(s, SizeSpec::percent(95));
  EXPECT_EQ(s.resolve(1000), 950u);
  EXPECT_EQ(s.resolve(999), 949u);  // 949.05
  EXPECT_EQ(s.resolve(1), 0u);
  EXPECT_EQ(s.resolve(0), 0u);
  EXPECT_EQ(s.resolve(2147483648u), 2040109465u);  // 95 % of 2 GiB = 2040109465.6
  // Exact on the largest size: (2^64 - 1) * 95 / 100 = 17524406870024074034.25
  EXPECT_EQ(s.resolve(kMax), 17524406870024074034u);
}

TEST(SizeSpec, WholeAndZeroPercent) {
  for (std::uint64_t total : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{7},
                              std::uint64_t{1001}, std::uint64_t{2147483647}, kMax}) {
    EXPECT_EQ(SizeSpec::parse("100%").resolve(total), total) << total;
    EXPECT_EQ(SizeSpec::parse("0%").resolve(total), 0u) << total;
  }
}

TEST(SizeSpec, OddSizesAndFractionalPercentages) {
  EXPECT_EQ(SizeSpec::parse("50%").resolve(1001), 500u);
  EXPECT_EQ(SizeSpec::parse("33%").resolve(1001), 330u);  // 330.33
  EXPECT_EQ(SizeSpec::parse("99%").resolve(101), 99u);    // 99.99
  EXPECT_EQ(SizeSpec::parse("12.5%").resolve(8), 1u);
  EXPECT_EQ(SizeSpec::parse("12.5%").resolve(7), 0u);  // 0.875
  EXPECT_EQ(SizeSpec::parse("99.9%").resolve(10000), 9990u);
  EXPECT_EQ(SizeSpec::parse("12.5%").to_string(), "12.5%");
  EXPECT_EQ(SizeSpec::parse(" 95 %").percent_value(), 95.0);
}

TEST(SizeSpec, BadPercentages) {
  const std::string expected = "': expected a number from 0 to 100 followed by %";
  EXPECT_EQ(error_of([] { SizeSpec::parse("101%"); }), "invalid percentage '101%" + expected);
  EXPECT_EQ(error_of([] { SizeSpec::parse("100.5%"); }), "invalid percentage '100.5%" + expected);
  EXPECT_EQ(error_of([] { SizeSpec::parse("%"); }), "invalid percentage '%" + expected);
  EXPECT_EQ(error_of([] { SizeSpec::parse("-5%"); }), "invalid percentage '-5%" + expected);
  EXPECT_EQ(error_of([] { SizeSpec::parse("5MiB%"); }), "invalid percentage '5MiB%" + expected);
  EXPECT_EQ(error_of([] { SizeSpec::parse("99999999999999999999%"); }),
            "invalid percentage '99999999999999999999%" + expected);
  // A non-percentage falls through to parse_size and its message.
  EXPECT_EQ(error_of([] { SizeSpec::parse("4Q"); }),
            "invalid size '4Q': unknown unit 'Q', expected one of B, KiB, MiB, GiB, KB, MB, GB");
}

TEST(ParseDuration, UnitsOfTheIssue) {
  EXPECT_EQ(parse_duration("250us"), microseconds(250));
  EXPECT_EQ(parse_duration("100ms"), microseconds(100'000));
  EXPECT_EQ(parse_duration("2s"), microseconds(2'000'000));
  EXPECT_EQ(parse_duration("1m"), microseconds(60'000'000));
}

TEST(ParseDuration, FractionsZeroAndHours) {
  EXPECT_EQ(parse_duration("1.5s"), microseconds(1'500'000));
  EXPECT_EQ(parse_duration("0.25ms"), microseconds(250));
  EXPECT_EQ(parse_duration("0.001ms"), microseconds(1));
  EXPECT_EQ(parse_duration("0"), microseconds(0));
  EXPECT_EQ(parse_duration("0s"), microseconds(0));
  EXPECT_EQ(parse_duration(" 30s "), microseconds(30'000'000));
  EXPECT_EQ(parse_duration("1h"), microseconds(3'600'000'000LL));
}

TEST(ParseDuration, Errors) {
  EXPECT_EQ(error_of([] { parse_duration(""); }),
            "invalid duration '': expected a number followed by a unit (us, ms, s, m)");
  EXPECT_EQ(error_of([] { parse_duration("soon"); }),
            "invalid duration 'soon': expected a number followed by a unit (us, ms, s, m)");
  EXPECT_EQ(error_of([] { parse_duration("-1s"); }),
            "invalid duration '-1s': expected a number followed by a unit (us, ms, s, m)");
  EXPECT_EQ(error_of([] { parse_duration("10"); }),
            "invalid duration '10': missing unit, expected one of us, ms, s, m");
  EXPECT_EQ(error_of([] { parse_duration("5x"); }),
            "invalid duration '5x': unknown unit 'x', expected one of us, ms, s, m");
  EXPECT_EQ(error_of([] { parse_duration("5sec"); }),
            "invalid duration '5sec': unknown unit 'sec', expected one of us, ms, s, m");
}

TEST(ParseDuration, HugeNumbersAreErrorsNotWrapAround) {
  EXPECT_EQ(error_of([] { parse_duration("99999999999999999999s"); }),
            "invalid duration '99999999999999999999s': too large (at most "
            "9223372036854775807us)");
  EXPECT_EQ(error_of([] { parse_duration("153722867281m"); }),
            "invalid duration '153722867281m': too large (at most 9223372036854775807us)");
  // Fits in 64 unsigned bits of microseconds but not in the signed Duration.
  EXPECT_EQ(error_of([] { parse_duration("9223372036855s"); }),
            "invalid duration '9223372036855s': too large (at most 9223372036854775807us)");
  EXPECT_EQ(error_of([] { parse_duration("9223372036854775808us"); }),
            "invalid duration '9223372036854775808us': too large (at most "
            "9223372036854775807us)");
  EXPECT_EQ(parse_duration("9223372036854s"), microseconds(9'223'372'036'854'000'000LL));
  EXPECT_EQ(parse_duration("153722867280m"), microseconds(9'223'372'036'800'000'000LL));
  EXPECT_EQ(parse_duration("9223372036854775807us"),
            microseconds(std::numeric_limits<std::int64_t>::max()));
}

TEST(ParseRate, Rates) {
  EXPECT_EQ(parse_rate("1MiB/s"), 1048576u);
  EXPECT_EQ(parse_rate("500KB/s"), 500000u);
  EXPECT_EQ(parse_rate("100/s"), 100u);
  EXPECT_EQ(parse_rate("1.5KiB/s"), 1536u);
}

TEST(ParseRate, Errors) {
  EXPECT_EQ(error_of([] { parse_rate("1MiB"); }),
            "invalid rate '1MiB': expected a size per second such as 1MiB/s");
  EXPECT_EQ(error_of([] { parse_rate("fast/s"); }),
            "invalid rate 'fast/s': expected a size per second such as 1MiB/s");
  EXPECT_EQ(error_of([] { parse_rate("/s"); }),
            "invalid rate '/s': expected a size per second such as 1MiB/s");
  EXPECT_EQ(error_of([] { parse_rate("0/s"); }), "invalid rate '0/s': must be greater than zero");
  EXPECT_EQ(error_of([] { parse_rate("99999999999999999999/s"); }),
            "invalid rate '99999999999999999999/s': expected a size per second such as 1MiB/s");
}

TEST(FormatSize, ShortestExactSpelling) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(512), "512B");
  EXPECT_EQ(format_size(1000), "1000B");
  EXPECT_EQ(format_size(1024), "1KiB");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(4096), "4KiB");
  EXPECT_EQ(format_size(4194304), "4MiB");
  EXPECT_EQ(format_size(67108864), "64MiB");
  EXPECT_EQ(format_size(2147483648u), "2GiB");
  EXPECT_EQ(format_size(10000000), "10000000B");
  EXPECT_EQ(format_size(1ULL << 40), "1TiB");
  EXPECT_EQ(format_size(3ULL << 50), "3072TiB");
  EXPECT_EQ(format_size(kMax), "18446744073709551615B");
}

TEST(FormatSize, RoundTripsThroughParseSize) {
  Rng rng(7);
  std::vector<std::uint64_t> values{0,    1,          512,  1023,     1024,
                                    1025, 1ULL << 30, kMax, kMax - 1, 16777215ULL << 40};
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t v = rng.next() >> rng.below(64);
    values.push_back(v);
    values.push_back(v << 10 >> 10 << 10);  // a whole number of KiB
    values.push_back((v % (1ULL << 24)) << 40);
  }
  for (auto v : values) EXPECT_EQ(parse_size(format_size(v)), v) << format_size(v);
}

TEST(FormatSize, HumanReading) {
  EXPECT_EQ(format_size_human(0), "0 B");
  EXPECT_EQ(format_size_human(1023), "1023 B");
  EXPECT_EQ(format_size_human(1024), "1.0 KiB");
  EXPECT_EQ(format_size_human(1572864), "1.5 MiB");
  EXPECT_EQ(format_size_human(2147483648u), "2.0 GiB");
  EXPECT_EQ(format_size_human(3ULL << 50), "3072.0 TiB");
}

TEST(FormatDuration, ShortestExactSpelling) {
  EXPECT_EQ(format_duration(microseconds(0)), "0s");
  EXPECT_EQ(format_duration(microseconds(250)), "250us");
  EXPECT_EQ(format_duration(microseconds(100'000)), "100ms");
  EXPECT_EQ(format_duration(microseconds(1'500'000)), "1500ms");
  EXPECT_EQ(format_duration(microseconds(2'000'000)), "2s");
  EXPECT_EQ(format_duration(microseconds(90'000'000)), "90s");
  EXPECT_EQ(format_duration(microseconds(60'000'000)), "1m");
  EXPECT_EQ(format_duration(microseconds(3'600'000'000LL)), "60m");
  EXPECT_EQ(format_duration(microseconds(1'000'001)), "1000001us");
}

TEST(FormatDuration, RoundTripsThroughParseDuration) {
  Rng rng(11);
  std::vector<std::int64_t> values{0,    1,          999,
                                   1000, 60'000'000, std::numeric_limits<std::int64_t>::max()};
  for (int i = 0; i < 1000; ++i) {
    auto v = static_cast<std::int64_t>(rng.next() >> (1 + rng.below(63)));
    values.push_back(v);
    values.push_back(v / 1000 * 1000);
    values.push_back(v / 60'000'000 * 60'000'000);
  }
  for (auto v : values) {
    EXPECT_EQ(parse_duration(format_duration(microseconds(v))), microseconds(v)) << v;
  }
}

TEST(TimeScale, ScalesDurations) {
  EXPECT_EQ(TimeScale()(microseconds(1500)), microseconds(1500));
  EXPECT_EQ(TimeScale(0.1)(parse_duration("30s")), microseconds(3'000'000));
  EXPECT_EQ(TimeScale(0.001)(parse_duration("1500us")), microseconds(2));  // 1.5 rounds up
  EXPECT_EQ(TimeScale(2)(parse_duration("1m")), microseconds(120'000'000));
  EXPECT_EQ(TimeScale(0.5).factor(), 0.5);
}

TEST(TimeScale, RejectsNonPositiveFactors) {
  EXPECT_EQ(error_of([] { TimeScale(0); }), "invalid time scale 0: expected a positive number");
  EXPECT_EQ(error_of([] { TimeScale(-1); }), "invalid time scale -1: expected a positive number");
  EXPECT_EQ(error_of([] { TimeScale{std::numeric_limits<double>::infinity()}; }),
            "invalid time scale inf: expected a positive number");
  EXPECT_EQ(error_of([] { TimeScale{std::numeric_limits<double>::quiet_NaN()}; }),
            "invalid time scale nan: expected a positive number");
}

}  // namespace
}  // namespace sisyphus
