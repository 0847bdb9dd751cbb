// The faults that cut inside the response head, over loopback: exactly the planned bytes of
// the head (none, 40, all but its empty line) or the seeded garbage, then FIN or RST or a
// silent stall; no body byte ever; the log names the fault.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

const std::string kScenario = scenario_yaml("head-cuts", "size: 100000, seed: 3", R"(attempts:
  - empty_reply: {}
  - empty_reply: {how: reset}
  - head_cut: {at: 40}
  - head_cut: {at: 40, how: reset}
  - head_cut: {at: 100000}
  - endless_head: {for: 300ms}
  - garbage: {bytes: 100}
  - garbage: {bytes: 5000, how: reset}
  - {}
)",
                                            11);

// What one GET on a fresh connection gets, and how the connection ends.
struct Received {
  std::string bytes;
  End end;
};
Received get_raw(RawClient c, std::chrono::milliseconds wait = 2s) {
  c.send(request("GET", "/file"));
  Received r;
  r.end = c.wait_close(wait, &r.bytes);
  return r;
}

// The bytes garbage draws for GET k, fault 0 of its attempts: entry.
std::string garbage_for(std::uint32_t k, std::size_t n) {
  Rng rng(derive_seed(11, fmt::format("/file:{}:attempt:0", k)));
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(rng.next() & 0xff));
  return out;
}

TEST_F(ServerTest, HeadCutsSendExactlyThePlannedHeadBytesThenEndTheConnection) {
  start(std::string(kScenario));
  const Received empty_close = get_raw(connect());
  const Received empty_reset = get_raw(connect());
  const Received cut_close = get_raw(connect());
  const Received cut_reset = get_raw(connect());
  const Received whole = get_raw(connect());
  RawClient endless_client = connect();
  endless_client.send(request("GET", "/file"));
  const auto endless_sent = Clock::now();
  const std::string endless = endless_client.read_some(150ms);  // then silence
  std::string extra;
  const End endless_end = endless_client.wait_close(2s, &extra);
  const auto endless_closed = Clock::now();
  const Received garbage_close = get_raw(connect());
  const Received garbage_reset = get_raw(connect());
  const HttpResponse clean = get("/file");
  ASSERT_EQ(clean.status, 200);
  const std::string& head = clean.head;  // the same fields, byte for byte (Date aside)

  EXPECT_EQ(empty_close.bytes, "");
  EXPECT_EQ(empty_close.end, End::fin);
  EXPECT_EQ(empty_reset.bytes, "");
  EXPECT_EQ(empty_reset.end, End::rst);

  ASSERT_EQ(cut_close.bytes.size(), 40u);
  EXPECT_EQ(cut_close.bytes, head.substr(0, 40));
  EXPECT_EQ(cut_close.end, End::fin);
  ASSERT_EQ(cut_reset.bytes.size(), 40u);
  EXPECT_EQ(cut_reset.bytes, head.substr(0, 40));
  EXPECT_EQ(cut_reset.end, End::rst);

  // Beyond the head: all of it but the empty line that ends it, so never a complete head.
  ASSERT_EQ(whole.bytes.size(), head.size() - 2);
  EXPECT_EQ(whole.bytes.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(whole.bytes.substr(whole.bytes.size() - 2), "\r\n");
  EXPECT_EQ(whole.bytes.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(whole.end, End::fin);

  EXPECT_EQ(endless.size(), head.size() - 2);
  EXPECT_EQ(endless.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(extra, "");  // nothing during the stall, and never the end of the head
  EXPECT_EQ(endless_end, End::fin);
  EXPECT_GE(endless_closed - endless_sent, 300ms);
  EXPECT_LE(endless_closed - endless_sent, 1500ms);

  EXPECT_EQ(garbage_close.bytes, garbage_for(7, 100));
  EXPECT_EQ(garbage_close.end, End::fin);
  EXPECT_EQ(garbage_reset.bytes, garbage_for(8, 5000));
  EXPECT_EQ(garbage_reset.end, End::rst);

  const auto log = by_attempt(log_with(9));
  ASSERT_EQ(log.size(), 9u);
  const char* faults[] = {"empty_reply", "empty_reply",  "head_cut", "head_cut",
                          "head_cut",    "endless_head", "garbage",  "garbage"};
  for (std::size_t i = 0; i < 8; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log[i].status, 200);  // what the head said, or would have said
    EXPECT_EQ(log[i].bytes_sent, 0u);
    EXPECT_EQ(log[i].bytes_written, 0u);
    EXPECT_EQ(log[i].fault, faults[i]);
    EXPECT_EQ(log[i].error, std::nullopt);
  }
  EXPECT_GE(log[5].duration_s, 0.3);
  EXPECT_EQ(log[8].fault, std::nullopt);
  EXPECT_EQ(log[8].bytes_sent, 100000u);
}

// Every cut position of the head, 0 to its length without the empty line, alternately by FIN
// and RST: exactly that prefix of the head arrives, never a byte more.
TEST_F(ServerTest, EveryHeadCutPositionIsExactForCloseAndReset) {
  start(scenario_yaml("probe", "size: 1000, seed: 3", ""));
  const std::string head = get("/file").head;
  const std::size_t limit = head.size() - 2;
  std::string rules = "attempts:\n  - {}\n";  // GET 1: the probe's own, re-made below
  for (std::size_t at = 0; at <= limit + 1; ++at) {
    rules += fmt::format("  - head_cut: {{at: {}, how: {}}}\n", at, at % 2 ? "reset" : "close");
  }
  start(scenario_yaml("every-cut", "size: 1000, seed: 3", rules));
  EXPECT_EQ(get("/file").head.size(), head.size());
  for (std::size_t at = 0; at <= limit + 1; ++at) {
    SCOPED_TRACE(at);
    const Received r = get_raw(connect());
    const std::size_t n = std::min(at, limit);  // clamped: never the whole head
    ASSERT_EQ(r.bytes.size(), n);
    // The Date field may tick between the probe and the cut: compare outside it.
    const std::size_t date = head.find("Date: ");
    const std::size_t date_end = head.find("\r\n", date);
    for (std::size_t i = 0; i < n; ++i) {
      if (i >= date + 6 && i < date_end) continue;
      ASSERT_EQ(r.bytes[i], head[i]) << "byte " << i;
    }
    EXPECT_EQ(r.end, at % 2 ? End::rst : End::fin);
  }
  wait_connections_closed();
}

// A body cut planned with a head cut never happens, so the log does not claim it; the server
// holds no connection afterwards.
TEST_F(ServerTest, AHeadCutTakesPrecedenceOverABodyCut) {
  start(scenario_yaml("both", "size: 1000, seed: 3", R"(attempts:
  - {drop: {at: 10}, head_cut: {at: 20, how: reset}}
)"));
  const Received r = get_raw(connect());
  EXPECT_EQ(r.bytes.size(), 20u);
  EXPECT_EQ(r.end, End::rst);
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].fault, "head_cut");
  wait_connections_closed();
}

// The probability rule and attempts: list of a rule apply as for every other kind.
TEST_F(ServerTest, HeadCutRulesFollowAttemptsLists) {
  start(scenario_yaml("rule", "size: 1000, seed: 3", R"(faults:
  - empty_reply: {how: reset, attempts: [2]}
)"));
  EXPECT_EQ(get("/file").status, 200);
  const Received r = get_raw(connect());
  EXPECT_EQ(r.bytes, "");
  EXPECT_EQ(r.end, End::rst);
  EXPECT_EQ(get("/file").status, 200);
}

}  // namespace
}  // namespace sisyphus::testing
