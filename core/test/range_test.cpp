#include "sisyphus/core/range.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace sisyphus::range {

// Readable failures for the table below.
void PrintTo(const ByteRange& r, std::ostream* os) {
  *os << r.first << '-' << r.last;
}

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
using D = Decision;

struct Case {
  std::string_view header;
  std::uint64_t size;
  Decision decision;
  std::vector<ByteRange> ranges;  // for partial
};

std::string name(Decision d) {
  switch (d) {
    case D::full:
      return "full";
    case D::partial:
      return "partial";
    case D::unsatisfiable:
      return "unsatisfiable";
  }
  return "?";
}

// RFC 9110 §14: the decision a server makes for each Range header on a GET of `size` bytes.
const std::vector<Case> kCases = {
    // §14.1.2 examples.
    {"bytes=0-499", 10000, D::partial, {{0, 499}}},
    {"bytes=500-999", 10000, D::partial, {{500, 999}}},
    {"bytes=500-", 10000, D::partial, {{500, 9999}}},
    {"bytes=9500-", 10000, D::partial, {{9500, 9999}}},
    {"bytes=-500", 10000, D::partial, {{9500, 9999}}},
    {"bytes=0-0,-1", 10000, D::partial, {{0, 0}, {9999, 9999}}},
    {"bytes=0-999,4500-5499,-1000", 10000, D::partial, {{0, 999}, {4500, 5499}, {9000, 9999}}},
    // Overlapping and adjacent ranges are coalesced, and ranges come out sorted.
    {"bytes=500-600,601-999", 10000, D::partial, {{500, 999}}},
    {"bytes=500-700,601-999", 10000, D::partial, {{500, 999}}},
    {"bytes=0-10,5-6", 10000, D::partial, {{0, 10}}},
    {"bytes=5-9,0-4", 1000, D::partial, {{0, 9}}},
    {"bytes=10-19,0-4", 1000, D::partial, {{0, 4}, {10, 19}}},
    {"bytes=-1,0-", 1000, D::partial, {{0, 999}}},
    {"bytes=0-1,0-1,0-1", 1000, D::partial, {{0, 1}}},
    {"bytes=0-1,3-4", 1000, D::partial, {{0, 1}, {3, 4}}},  // a gap of one byte stays
    // Whitespace: OWS around list elements only; empty list elements are allowed.
    {"bytes=0-1,5-6", 1000, D::partial, {{0, 1}, {5, 6}}},
    {"bytes= 0-1 , 5-6", 1000, D::partial, {{0, 1}, {5, 6}}},
    {"bytes=\t0-1,\t5-6\t", 1000, D::partial, {{0, 1}, {5, 6}}},
    {"  bytes=0-1  ", 1000, D::partial, {{0, 1}}},
    {"bytes=0-1,,5-6", 1000, D::partial, {{0, 1}, {5, 6}}},
    {"bytes=0-1,", 1000, D::partial, {{0, 1}}},
    {"bytes=0 - 1", 1000, D::full, {}},
    {"bytes =0-1", 1000, D::full, {}},
    // The unit is case-insensitive; other units are ignored.
    {"Bytes=0-1", 1000, D::partial, {{0, 1}}},
    {"BYTES=0-1", 1000, D::partial, {{0, 1}}},
    {"items=0-1", 1000, D::full, {}},
    {"none=0-1", 1000, D::full, {}},
    // Invalid syntax: the header is ignored (200).
    {"bytes=5-1", 1000, D::full, {}},
    {"bytes=a-b", 1000, D::full, {}},
    {"bytes", 1000, D::full, {}},
    {"bytes=", 1000, D::full, {}},
    {"=0-1", 1000, D::full, {}},
    {"", 1000, D::full, {}},
    {"bytes=,", 1000, D::full, {}},
    {"bytes=-", 1000, D::full, {}},
    {"bytes=1", 1000, D::full, {}},
    {"bytes=1-2-3", 1000, D::full, {}},
    {"bytes=+1-2", 1000, D::full, {}},
    {"bytes=0x10-20", 1000, D::full, {}},
    {"bytes=0-1;5-6", 1000, D::full, {}},
    {"bytes=0-1,5-x", 1000, D::full, {}},  // one bad spec spoils the whole header
    {"by tes=0-1", 1000, D::full, {}},
    // Suffix ranges: longer than the resource is all of it; zero is unsatisfiable.
    {"bytes=-2000", 1000, D::partial, {{0, 999}}},
    {"bytes=-1000", 1000, D::partial, {{0, 999}}},
    {"bytes=-1", 1, D::partial, {{0, 0}}},
    {"bytes=-0", 1000, D::unsatisfiable, {}},
    {"bytes=-0,-0", 1000, D::unsatisfiable, {}},
    // First byte past the end: 416; last byte past the end: clipped.
    {"bytes=1000-", 1000, D::unsatisfiable, {}},
    {"bytes=1000-2000", 1000, D::unsatisfiable, {}},
    {"bytes=999-", 1000, D::partial, {{999, 999}}},
    {"bytes=999-999", 1000, D::partial, {{999, 999}}},
    {"bytes=0-5000", 1000, D::partial, {{0, 999}}},
    {"bytes=2000-3000,0-9", 1000, D::partial, {{0, 9}}},  // unsatisfiable ones are dropped
    {"bytes=2000-3000,1000-", 1000, D::unsatisfiable, {}},
    // An empty resource satisfies no range at all.
    {"bytes=0-", 0, D::unsatisfiable, {}},
    {"bytes=0-0", 0, D::unsatisfiable, {}},
    {"bytes=-1", 0, D::unsatisfiable, {}},
    {"bytes=-0", 0, D::unsatisfiable, {}},
    {"items=0-", 0, D::full, {}},
    // Numbers beyond 64 bits: no UB, they are simply past the end.
    {"bytes=99999999999999999999-", 1000, D::unsatisfiable, {}},
    {"bytes=99999999999999999999-99999999999999999999", 1000, D::unsatisfiable, {}},
    {"bytes=0-99999999999999999999", 1000, D::partial, {{0, 999}}},
    {"bytes=-99999999999999999999", 1000, D::partial, {{0, 999}}},
    {"bytes=18446744073709551615-", 1000, D::unsatisfiable, {}},
    // The largest resource.
    {"bytes=0-", kMax, D::partial, {{0, kMax - 1}}},
    {"bytes=-1", kMax, D::partial, {{kMax - 1, kMax - 1}}},
    {"bytes=18446744073709551614-", kMax, D::partial, {{kMax - 1, kMax - 1}}},
    {"bytes=18446744073709551615-", kMax, D::unsatisfiable, {}},
    {"bytes=0-0,18446744073709551613-", kMax, D::partial, {{0, 0}, {kMax - 2, kMax - 1}}},
};

TEST(RangeDecide, Table) {
  ASSERT_GE(kCases.size(), 30u);
  for (const auto& c : kCases) {
    SCOPED_TRACE(::testing::Message() << "Range: '" << c.header << "' size " << c.size);
    Result r = decide(c.header, c.size);
    EXPECT_EQ(name(r.decision), name(c.decision));
    EXPECT_EQ(r.ranges, c.ranges);
  }
}

std::string many_ranges(std::size_t n) {
  // Non-adjacent single bytes, so nothing coalesces: 0-0,2-2,4-4,...
  std::string h = "bytes=";
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) h += ',';
    h += std::to_string(2 * i) + "-" + std::to_string(2 * i);
  }
  return h;
}

TEST(RangeDecide, UpToKMaxRangesAreServed) {
  Result r = decide(many_ranges(kMaxRanges), 1'000'000);
  ASSERT_EQ(r.decision, D::partial);
  ASSERT_EQ(r.ranges.size(), kMaxRanges);
  EXPECT_EQ(r.ranges.front(), (ByteRange{0, 0}));
  EXPECT_EQ(r.ranges.back(), (ByteRange{2 * (kMaxRanges - 1), 2 * (kMaxRanges - 1)}));
}

TEST(RangeDecide, MoreThanKMaxRangesAreIgnored) {
  EXPECT_EQ(decide(many_ranges(kMaxRanges + 1), 1'000'000).decision, D::full);
  EXPECT_EQ(decide(many_ranges(1000), 1'000'000).decision, D::full);
  EXPECT_EQ(decide(many_ranges(50'000), 1'000'000).decision, D::full);
  // Even when they would all coalesce into one.
  std::string same = "bytes=0-9";
  for (int i = 0; i < 1000; ++i) same += ",0-9";
  EXPECT_EQ(decide(same, 1'000'000).decision, D::full);
}

TEST(RangeParse, SpecsAsWritten) {
  auto h = parse("Bytes=0-499, 500-, -500");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->unit, "bytes");
  ASSERT_EQ(h->specs.size(), 3u);
  EXPECT_EQ(h->specs[0], (RangeSpec{0, 499, 0}));
  EXPECT_FALSE(h->specs[0].is_suffix());
  EXPECT_EQ(h->specs[1], (RangeSpec{500, std::nullopt, 0}));
  EXPECT_EQ(h->specs[2], (RangeSpec{std::nullopt, std::nullopt, 500}));
  EXPECT_TRUE(h->specs[2].is_suffix());
}

TEST(RangeParse, OtherUnitsParseButAreLowerCased) {
  auto h = parse("ITEMS=1-2");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->unit, "items");
  EXPECT_EQ(h->specs.size(), 1u);
}

TEST(RangeParse, HugeNumbersSaturate) {
  auto h = parse("bytes=99999999999999999999-,-99999999999999999999,18446744073709551615-");
  ASSERT_TRUE(h.has_value());
  ASSERT_EQ(h->specs.size(), 3u);
  EXPECT_EQ(h->specs[0].first, kMax);
  EXPECT_EQ(h->specs[1].suffix_length, kMax);
  EXPECT_EQ(h->specs[2].first, kMax);
}

TEST(RangeParse, KeepsEveryRangeUpToAnAbsurdCount) {
  auto h = parse(many_ranges(1000));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->specs.size(), 1000u);
  EXPECT_FALSE(parse(many_ranges(kMaxRanges * 100 + 1)).has_value());
}

TEST(RangeParse, InvalidIsNullopt) {
  for (std::string_view bad : {"", "bytes", "bytes=", "=0-1", "bytes=5-1", "bytes=a-b", "bytes=-",
                               "bytes=1", "bytes=0-1,x", "b(tes=0-1"}) {
    EXPECT_FALSE(parse(bad).has_value()) << bad;
  }
}

TEST(ContentRange, ParsesTheThreeForms) {
  auto a = parse_content_range("bytes 0-499/1234");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->range, (ByteRange{0, 499}));
  EXPECT_EQ(a->complete_length, 1234u);

  auto b = parse_content_range("bytes */1234");
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->range.has_value());
  EXPECT_EQ(b->complete_length, 1234u);

  auto c = parse_content_range("bytes 0-9/*");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->range, (ByteRange{0, 9}));
  EXPECT_FALSE(c->complete_length.has_value());
}

TEST(ContentRange, EdgeValues) {
  auto last = parse_content_range("bytes 1233-1233/1234");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->range, (ByteRange{1233, 1233}));
  EXPECT_EQ(last->range->length(), 1u);
  auto empty = parse_content_range("bytes */0");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->complete_length, 0u);
  auto cased = parse_content_range("Bytes 0-0/1");
  ASSERT_TRUE(cased.has_value());
  EXPECT_EQ(cased->range, (ByteRange{0, 0}));
  auto big = parse_content_range("bytes 0-18446744073709551613/18446744073709551614");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->range->length(), kMax - 1);
}

TEST(ContentRange, RejectsInvalid) {
  for (std::string_view bad : {
           "bytes 5-4/10",        // last < first
           "bytes 0-10/10",       // last >= complete length
           "bytes 10-10/10",      // first past the end
           "bytes 0-0/0",         // nothing of an empty resource
           "bytes */*",           // nothing known at all
           "bytes 0-9",           // no complete length
           "bytes 0-9/",          //
           "bytes 0-9/x",         //
           "bytes 0-9/10 extra",  //
           "bytes 0-9 /10",       //
           "bytes -9/10",         //
           "bytes 0-/10",         //
           "bytes 0/10",          //
           "bytes a-b/10",        //
           "items 0-9/10",        // other unit
           "bytes=0-9/10",        // Range syntax, not Content-Range
           "0-9/10",              //
           "bytes",               //
           "",                    //
           "garbage",             //
           "bytes 99999999999999999999-1/10",
           "bytes 0-9/99999999999999999999",
           "bytes 0-18446744073709551615/*",
       }) {
    EXPECT_FALSE(parse_content_range(bad).has_value()) << bad;
  }
}

TEST(ContentRange, Formats) {
  EXPECT_EQ(format_content_range({0, 499}, 1234), "bytes 0-499/1234");
  EXPECT_EQ(format_content_range({1233, 1233}, 1234), "bytes 1233-1233/1234");
  EXPECT_EQ(format_unsatisfied_range(1234), "bytes */1234");
  EXPECT_EQ(format_unsatisfied_range(0), "bytes */0");
}

TEST(ContentRange, FormatThenParseRoundTrips) {
  for (ByteRange r : {ByteRange{0, 0}, ByteRange{5, 9}, ByteRange{0, kMax - 2}}) {
    auto p = parse_content_range(format_content_range(r, r.last + 1));
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->range, r);
    EXPECT_EQ(p->complete_length, r.last + 1);
  }
  auto u = parse_content_range(format_unsatisfied_range(77));
  ASSERT_TRUE(u.has_value());
  EXPECT_FALSE(u->range.has_value());
  EXPECT_EQ(u->complete_length, 77u);
}

TEST(ContentRange, DecideThenFormatGivesWhatAServerSends) {
  Result r = decide("bytes=-500", 1234);
  ASSERT_EQ(r.decision, D::partial);
  ASSERT_EQ(r.ranges.size(), 1u);
  EXPECT_EQ(format_content_range(r.ranges[0], 1234), "bytes 734-1233/1234");
}

}  // namespace
}  // namespace sisyphus::range
