// The three ways a response is executed — the origin's answers, the proxy's own answers
// (refusals, early status faults) and relayed answers — pinned where they differ or where
// the tests of each path leave a corner open: which cut the log claims, the framing of a
// HEAD, a status fault's body under a cut or a chunked cut, an unknown-length body for an
// HTTP/1.0 client, a protocol version after 1.1. The proxy here relays to an origin server
// (no nginx needed).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 10000;
constexpr std::uint64_t kSeed = 31;

std::string origin_scenario(const std::string& rest) {
  return fmt::format("name: origin\nseed: 2\nresource: {{size: {}, seed: {}}}\n{}", kSize, kSeed,
                     rest);
}

class AnswerPaths : public ServerTest {
 protected:
  // A proxy in front of the origin started by start().
  void start_proxy(const std::string& relay_yaml) {
    proxy::ServerOptions options;
    options.upstream = server_->base_url();
    proxy_ = std::make_unique<proxy::Server>(
        std::move(options), proxy::load_relay_scenario_string(relay_yaml, "relay.yaml"));
    proxy_->start();
  }
  void TearDown() override {
    if (proxy_) proxy_->stop();
    ServerTest::TearDown();
  }
  HttpResponse proxy_get(std::string_view target, const Headers& headers = {}) {
    return fetch("127.0.0.1", proxy_->port(), "GET", target, headers);
  }
  std::vector<proxy::LogRecord> proxy_log_with(std::size_t n) {
    auto deadline = Clock::now() + 5s;
    while (proxy_->log().size() < n && Clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    return proxy_->log();
  }

  std::unique_ptr<proxy::Server> proxy_;
};

// A chunked cut never completes its response, so the origin keeps naming a drop whose cut
// fell before the requested range; the relay names only cuts it executed. (The proxy's
// upstream is the same origin, whose attempt 2 is clean.)
TEST_F(AnswerPaths, ACutOutsideAChunkedCutBodyIsNamedByTheOriginOnly) {
  const std::string attempts = "attempts:\n  - {chunked_cut: {}, drop: {at: 100}}\n";
  start(origin_scenario(attempts));
  start_proxy("name: relay\nresource: {path: /file}\n" + attempts);
  const HttpResponse direct = get("/file", {{"Range", "bytes=5000-"}});
  const HttpResponse relayed = proxy_get("/file", {{"Range", "bytes=5000-"}});
  for (const HttpResponse* r : {&direct, &relayed}) {
    EXPECT_EQ(r->status, 206);
    EXPECT_TRUE(r->chunked);
    EXPECT_FALSE(r->last_chunk);
    EXPECT_EQ(r->end, End::fin);
    EXPECT_TRUE(same_bytes(r->body, content_bytes(kSeed, 5000, kSize - 5000)));
  }
  const auto origin_log = log_with(2);
  ASSERT_EQ(origin_log.size(), 2u);
  EXPECT_EQ(origin_log[0].fault, "chunked_cut,drop");
  EXPECT_EQ(origin_log[0].bytes_sent, kSize - 5000);
  EXPECT_FALSE(origin_log[1].fault.has_value());
  const auto relay_log = proxy_log_with(1);
  ASSERT_EQ(relay_log.size(), 1u);
  EXPECT_EQ(relay_log[0].fault, "chunked_cut");
  EXPECT_EQ(relay_log[0].bytes_sent, kSize - 5000);
}

// A HEAD announces the framing a GET would get: chunked, no Content-Length.
TEST_F(AnswerPaths, OriginHeadAnnouncesChunkedFramingAndKeepsTheConnection) {
  start(origin_scenario("server: {chunked: true}\n"));
  RawClient c = connect();
  c.send(request("HEAD", "/file"));
  HttpResponse h = c.read_response(true);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(h.header_count("Content-Length"), 0u);
  EXPECT_FALSE(h.header("Connection").has_value());
  c.send(request("GET", "/file"));
  HttpResponse g = c.read_response();
  EXPECT_TRUE(g.chunked);
  EXPECT_TRUE(g.last_chunk);
  EXPECT_TRUE(same_bytes(g.body, content_bytes(kSeed, 0, kSize)));
}

// An early status answer (made by the proxy, no upstream asked) executes an `after` cut in
// its text (attempt 1) and a chunked cut (attempt 2) like any body.
TEST_F(AnswerPaths, RelayStatusAnswerTakesACutAndAChunkedCutLikeAnyBody) {
  start(origin_scenario(""));
  start_proxy(
      "name: relay\nresource: {path: /file}\nattempts:\n"
      "  - {status: {code: 503}, drop: {after: 5}}\n"
      "  - {status: {code: 503}, chunked_cut: {}}\n");
  const HttpResponse cut = proxy_get("/file");
  EXPECT_EQ(cut.status, 503);
  EXPECT_EQ(cut.header("Content-Length"), "24");
  EXPECT_EQ(cut.body, "503 S");
  EXPECT_EQ(cut.end, End::fin);
  const HttpResponse chunked = proxy_get("/file");
  EXPECT_EQ(chunked.status, 503);
  EXPECT_TRUE(chunked.chunked);
  EXPECT_EQ(chunked.header_count("Content-Length"), 0u);
  EXPECT_EQ(chunked.body, "503 Service Unavailable\n");
  EXPECT_FALSE(chunked.last_chunk);
  EXPECT_EQ(chunked.end, End::fin);
  const auto log = proxy_log_with(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "status,drop");
  EXPECT_EQ(log[0].bytes_sent, 5u);
  EXPECT_FALSE(log[0].error.has_value());
  EXPECT_EQ(log[1].fault, "status,chunked_cut");
  EXPECT_EQ(log[1].bytes_sent, 24u);
  EXPECT_TRUE(server_->log().empty());  // the origin was never asked
}

// A body of unknown length (the upstream chunks it) cannot be re-chunked for an HTTP/1.0
// client: it goes without framing and ends with the close.
TEST_F(AnswerPaths, RelayEndsAnUnknownLengthBodyWithTheCloseForHttp10) {
  start(origin_scenario("server: {chunked: true}\n"));
  start_proxy("name: relay\nresource: {path: /file}\n");
  RawClient c = RawClient::connect("127.0.0.1", proxy_->port());
  c.send("GET /file HTTP/1.0\r\nHost: x\r\n\r\n");
  HttpResponse r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header_count("Content-Length"), 0u);
  EXPECT_EQ(r.header_count("Transfer-Encoding"), 0u);
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_EQ(r.end, End::complete);  // complete at the FIN
  EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 0, kSize)));
  auto log = proxy_log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, kSize);
  EXPECT_FALSE(log[0].error.has_value());
}

// The request parser knows only HTTP/1.0 and 1.1, so the keep-alive rule (1.1 and a
// keep-alive request) and the proxy's 505 never see another version: both servers answer
// one with 400 and close.
TEST_F(AnswerPaths, Http12IsAMalformedRequestForTheOriginAndTheProxy) {
  start(origin_scenario(""));
  start_proxy("name: relay\nresource: {path: /file}\n");
  for (const std::uint16_t port : {server_->port(), proxy_->port()}) {
    RawClient c = RawClient::connect("127.0.0.1", port);
    c.send("GET /file HTTP/1.2\r\nHost: x\r\n\r\n");
    HttpResponse r = c.read_response();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_EQ(c.wait_close(2s), End::fin);
  }
  const auto origin_log = log_with(1);
  ASSERT_EQ(origin_log.size(), 1u);
  EXPECT_EQ(origin_log[0].error, "malformed request: bad version");
  const auto relay_log = proxy_log_with(1);
  ASSERT_EQ(relay_log.size(), 1u);
  EXPECT_EQ(relay_log[0].error, "malformed request: bad version");
}

}  // namespace
}  // namespace sisyphus::testing
