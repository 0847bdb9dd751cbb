// drop over real loopback sockets: for 1,000 seeded random offsets, close and reset each
// deliver exactly the bytes before the offset, then FIN or RST.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 256 * 1024;
constexpr std::uint64_t kSeed = 5;

// 1,000 offsets from a fixed seed, including both ends of the body.
std::vector<std::uint64_t> offsets() {
  std::vector<std::uint64_t> out{0, 1, kSize - 1};
  Rng rng(20261125);
  while (out.size() < 1000) out.push_back(rng.below(kSize));
  return out;
}

// One `attempts:` entry per offset: GET #k is cut at offsets()[k-1].
std::string scenario(std::string_view how) {
  std::string yaml = fmt::format(
      "name: drops\nseed: 1\nresource: {{path: /file, size: {}, seed: {}}}\nattempts:\n", kSize,
      kSeed);
  for (std::uint64_t at : offsets())
    yaml += fmt::format("  - drop: {{at: {}, how: {}}}\n", at, how);
  return yaml;
}

class DropWire : public ServerTest {
 protected:
  void expect_exact_cuts(std::string_view how, End expected_end) {
    start(scenario(how));
    const std::string full = content_bytes(kSeed, 0, kSize);
    const std::vector<std::uint64_t> at = offsets();
    std::vector<std::string> failures;
    for (std::size_t k = 0; k < at.size(); ++k) {
      HttpResponse r = get("/file");
      const bool ok = r.status == 200 && r.header("Content-Length") == std::to_string(kSize) &&
                      r.body.size() == at[k] && r.end == expected_end &&
                      std::memcmp(r.body.data(), full.data(), r.body.size()) == 0;
      if (!ok) {
        failures.push_back(fmt::format("attempt {} at {}: status {}, {} bytes, end {}", k + 1,
                                       at[k], r.status, r.body.size(), to_string(r.end)));
      }
    }
    EXPECT_TRUE(failures.empty()) << failures.size() << " wrong cuts, first: " << failures[0];

    // The server's own account agrees byte for byte.
    const auto log = log_with(at.size());
    ASSERT_EQ(log.size(), at.size());
    std::size_t wrong_log = 0;
    for (const auto& record : log) {
      ASSERT_GE(record.attempt, 1u);
      if (record.bytes_sent != at[record.attempt - 1] || record.fault != "drop") ++wrong_log;
    }
    EXPECT_EQ(wrong_log, 0u);
  }
};

TEST_F(DropWire, CloseDeliversExactlyTheBytesBeforeTheOffsetThenFin) {
  expect_exact_cuts("close", End::fin);
}

TEST_F(DropWire, ResetDeliversExactlyTheBytesBeforeTheOffsetThenRst) {
  expect_exact_cuts("reset", End::rst);
}

const std::string kRangeScenario =
    scenario_yaml("drop-on-range", "size: 262144, seed: 5", R"(attempts:
  - drop: {after: 1000, how: reset}
  - drop: {at: 6000, how: close}
  - drop: {at: 100, how: close}
  - drop: {at: 50%, how: close}
)");

TEST_F(DropWire, AfterCountsThisResponseAndAtCountsTheResourceOnARange) {
  start(std::string(kRangeScenario));
  const Headers range{{"Range", "bytes=5000-"}};
  HttpResponse after = get("/file", range);
  EXPECT_EQ(after.status, 206);
  EXPECT_EQ(after.header("Content-Range"), "bytes 5000-262143/262144");
  EXPECT_EQ(after.body, content_bytes(kSeed, 5000, 1000));
  EXPECT_EQ(after.end, End::rst);

  HttpResponse at = get("/file", range);
  EXPECT_EQ(at.status, 206);
  EXPECT_EQ(at.body, content_bytes(kSeed, 5000, 1000));  // resource bytes 5000..5999
  EXPECT_EQ(at.end, End::fin);

  // A cut before the range starts is outside this body: the response completes.
  HttpResponse before = get("/file", range);
  EXPECT_EQ(before.status, 206);
  EXPECT_EQ(before.body, content_bytes(kSeed, 5000, kSize - 5000));
  EXPECT_EQ(before.end, End::complete);

  // A percentage resolves against the whole resource (50 % = 131072), not the range.
  HttpResponse half = get("/file", {{"Range", "bytes=131000-"}});
  EXPECT_EQ(half.status, 206);
  EXPECT_EQ(half.body, content_bytes(kSeed, 131000, 72));
  EXPECT_EQ(half.end, End::fin);
}

}  // namespace
}  // namespace sisyphus::testing
