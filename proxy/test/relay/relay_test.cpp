// `sisyphus proxy` relaying a real nginx: exact bytes and headers through the proxy, and every
// relayable fault placed by the upstream's Content-Range.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "relay_fixture.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::testing {
namespace {

// nginx's access log line: "<connection> <n-th request on it> <status> <bytes> "<request>"
// "<Range>" "<If-Range>" "<Via>" "<X-Forwarded-For>" "<Host>"".
struct Access {
  std::string connection;
  int request_on_connection = 0;
  int status = 0;
  std::string request;
  std::string range;
};

Access parse_access(const std::string& line) {
  Access a;
  std::istringstream in(line);
  std::string bytes;
  in >> a.connection >> a.request_on_connection >> a.status >> bytes;
  auto quoted = [&line](int n) {
    std::size_t pos = 0;
    for (int i = 0; i < n * 2 + 1; ++i) pos = line.find('"', pos) + 1;
    return line.substr(pos, line.find('"', pos) - pos);
  };
  a.request = quoted(0);
  a.range = quoted(1);
  return a;
}

TEST_F(RelayTest, FullAndRangeAnswersPassThroughWithIdenticalBytesAndValidators) {
  start("name: pass\n");
  const HttpResponse direct = fetch("127.0.0.1", nginx_->port(), "HEAD", "/file.bin");
  ASSERT_EQ(direct.status, 200);

  HttpResponse full = get("/file.bin");
  ASSERT_EQ(full.end, End::complete);
  EXPECT_EQ(full.status, 200);
  EXPECT_EQ(full.header("Content-Length"), "8388608");
  EXPECT_EQ(full.header("ETag"), direct.header("ETag"));
  EXPECT_EQ(full.header("Last-Modified"), direct.header("Last-Modified"));
  EXPECT_EQ(full.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(full.header("Server"), direct.header("Server"));
  EXPECT_EQ(full.header("Via"), "1.1 sisyphus");
  EXPECT_EQ(full.header_count("Connection"), 0u);
  EXPECT_TRUE(full.body == file_bytes(0, kFileSize));

  HttpResponse middle = get("/file.bin", {{"Range", "bytes=1000-1999"}});
  ASSERT_EQ(middle.end, End::complete);
  EXPECT_EQ(middle.status, 206);
  EXPECT_EQ(middle.header("Content-Range"), "bytes 1000-1999/8388608");
  EXPECT_EQ(middle.header("Content-Length"), "1000");
  EXPECT_EQ(middle.body, file_bytes(1000, 1000));

  HttpResponse suffix = get("/file.bin", {{"Range", "bytes=-100"}});
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.header("Content-Range"), "bytes 8388508-8388607/8388608");
  EXPECT_EQ(suffix.body, file_bytes(kFileSize - 100, 100));

  HttpResponse missing = get("/nope.bin");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.end, End::complete);

  auto log = log_with(4);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].attempt, 1u);
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].bytes_sent, kFileSize);
  EXPECT_EQ(log[1].attempt, 2u);
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(log[1].bytes_sent, 1000u);
  EXPECT_EQ(log[1].range, "bytes=1000-1999");
  EXPECT_EQ(log[2].bytes_sent, 100u);
  EXPECT_EQ(log[3].path, "/nope.bin");
  EXPECT_EQ(log[3].attempt, 1u);
  EXPECT_EQ(log[3].status, 404);
  for (const auto& record : log) EXPECT_FALSE(record.fault.has_value());
}

TEST_F(RelayTest, ForwardedRequestLosesHopByHopFieldsAndNamesTheUpstreamAsHost) {
  start("name: pass\n");
  HttpResponse r = get("/echo", {{"Connection", "keep-alive, X-Hop"},
                                 {"Keep-Alive", "timeout=5"},
                                 {"TE", "trailers"},
                                 {"X-Hop", "1"},
                                 {"Proxy-Authorization", "Basic c2VjcmV0"},
                                 {"Host", "evil.example:1234"}});
  // (fetch() adds its own Host; the request then has two, which HTTP/1.1 refuses.)
  EXPECT_EQ(r.status, 400);

  RawClient c = connect();
  c.send(
      "GET /echo HTTP/1.1\r\nHost: evil.example:1234\r\nConnection: keep-alive, X-Hop\r\n"
      "Keep-Alive: timeout=5\r\nTE: trailers\r\nX-Hop: 1\r\n"
      "Proxy-Authorization: Basic c2VjcmV0\r\n\r\n");
  HttpResponse echo = c.read_response();
  ASSERT_EQ(echo.status, 200);
  EXPECT_EQ(echo.body, fmt::format("host=127.0.0.1:{} via=1.1 sisyphus xff=127.0.0.1 range= "
                                   "if_range= if_none_match= te= keep_alive= x_hop= "
                                   "proxy_authorization=\n",
                                   nginx_->port()));
}

// nginx's access log from line `first` on has `n` requests, one after the other on one
// upstream connection.
void expect_one_upstream_connection(const NginxUpstream& nginx, std::size_t first, std::size_t n) {
  SCOPED_TRACE("upstream requests from access log line " + std::to_string(first));
  const auto lines = nginx.access_log_with(first + n);
  ASSERT_EQ(lines.size(), first + n);
  const Access a = parse_access(lines[first]);
  for (std::size_t i = 1; i < n; ++i) {
    const Access b = parse_access(lines[first + i]);
    EXPECT_EQ(b.connection, a.connection) << "request " << i;
    EXPECT_EQ(b.request_on_connection, a.request_on_connection + static_cast<int>(i));
  }
}

TEST_F(RelayTest, UpstreamConnectionsAreKeptAliveAndReused) {
  start("name: pass\n");
  const std::size_t before = nginx_->access_log().size();
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = get("/file.bin", {{"Range", "bytes=0-9"}});  // a new client connection each
    ASSERT_EQ(r.status, 206);
  }
  expect_one_upstream_connection(*nginx_, before, 3);
}

TEST_F(RelayTest, AnUpstreamConnectionIsReusedAcrossIoThreads) {
  // Two client connections open at once go to different io threads (a new connection goes
  // to the thread serving the fewest). The upstream connection one of them opened is then
  // reused by the other, back and forth: it moves to the io thread of whoever takes it.
  proxy::ServerOptions options;
  options.threads = 2;
  start("name: pass\n", options);
  const std::size_t before = nginx_->access_log().size();
  RawClient a = connect();
  RawClient b = connect();
  const std::string head = request("GET", "/file.bin", {{"Range", "bytes=100-109"}});
  const std::string whole = request("GET", "/file.bin");
  b.send(head);
  HttpResponse r1 = b.read_response();
  a.send(whole);  // the whole body, over the zero-copy path, on the moved connection
  HttpResponse r2 = a.read_response();
  b.send(head);
  HttpResponse r3 = b.read_response();
  ASSERT_EQ(r1.status, 206);
  EXPECT_EQ(r1.body, file_bytes(100, 10));
  ASSERT_EQ(r2.status, 200);
  EXPECT_EQ(r2.body.size(), kFileSize);
  EXPECT_TRUE(r2.body == file_bytes(0, kFileSize));
  ASSERT_EQ(r3.status, 206);
  EXPECT_EQ(r3.body, file_bytes(100, 10));

  expect_one_upstream_connection(*nginx_, before, 3);
}

TEST_F(RelayTest, DropAtAnAbsoluteOffsetIsExactForCloseAndResetAndClientRanges) {
  start(R"(name: drops
attempts:
  - drop: {at: 5000000, how: close}
  - drop: {at: 5000000, how: reset}
  - drop: {at: 5000000, how: close}
  - drop: {after: 1MiB, how: close}
  - drop: {at: 50%, how: reset}
)");
  HttpResponse a1 = get("/file.bin");
  EXPECT_EQ(a1.status, 200);
  EXPECT_EQ(a1.header("Content-Length"), "8388608");
  EXPECT_EQ(a1.end, End::fin);
  EXPECT_EQ(a1.body.size(), 5000000u);
  EXPECT_TRUE(a1.body == file_bytes(0, 5000000));

  // The client's own range starts mid-file: the cut still falls at resource offset 5000000.
  HttpResponse a2 = get("/file.bin", {{"Range", "bytes=3000000-"}});
  EXPECT_EQ(a2.status, 206);
  EXPECT_EQ(a2.header("Content-Range"), "bytes 3000000-8388607/8388608");
  EXPECT_EQ(a2.end, End::rst);
  EXPECT_EQ(a2.body.size(), 2000000u);
  EXPECT_TRUE(a2.body == file_bytes(3000000, 2000000));

  // A range that starts past the cut never reaches it.
  HttpResponse a3 = get("/file.bin", {{"Range", "bytes=6000000-"}});
  EXPECT_EQ(a3.status, 206);
  EXPECT_EQ(a3.end, End::complete);
  EXPECT_TRUE(a3.body == file_bytes(6000000, kFileSize - 6000000));

  HttpResponse a4 = get("/file.bin", {{"Range", "bytes=3000000-"}});
  EXPECT_EQ(a4.end, End::fin);
  EXPECT_EQ(a4.body.size(), 1048576u);
  EXPECT_TRUE(a4.body == file_bytes(3000000, 1048576));

  // 50 % of the size the upstream announced.
  HttpResponse a5 = get("/file.bin");
  EXPECT_EQ(a5.end, End::rst);
  EXPECT_EQ(a5.body.size(), 4194304u);
  EXPECT_TRUE(a5.body == file_bytes(0, 4194304));

  auto log = log_with(5);
  ASSERT_EQ(log.size(), 5u);
  const std::uint64_t sent[] = {5000000, 2000000, kFileSize - 6000000, 1048576, 4194304};
  const bool dropped[] = {true, true, false, true, true};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(log[i].attempt, i + 1);
    EXPECT_EQ(log[i].bytes_sent, sent[i]) << "attempt " << i + 1;
    EXPECT_EQ(log[i].fault, dropped[i] ? std::optional<std::string>("drop") : std::nullopt);
  }
}

TEST_F(RelayTest, CorruptFlipsTheBytesAtTheirResourceOffsetsInsideAClientRange) {
  start(R"(name: corrupt
seed: 3
attempts:
  - corrupt: {at: 4000000, bytes: 3}
)");
  HttpResponse r = get("/file.bin", {{"Range", "bytes=3999990-4000009"}});
  ASSERT_EQ(r.status, 206);
  ASSERT_EQ(r.body.size(), 20u);
  const std::string expected = file_bytes(3999990, 20);
  std::vector<std::size_t> differing;
  for (std::size_t i = 0; i < 20; ++i) {
    if (r.body[i] != expected[i]) differing.push_back(i);
  }
  EXPECT_EQ(differing, (std::vector<std::size_t>{10, 11, 12}));

  HttpResponse clean = get("/file.bin", {{"Range", "bytes=3999990-4000009"}});
  EXPECT_EQ(clean.body, expected);
  auto log = log_with(2);
  EXPECT_EQ(log[0].fault, "corrupt");
  EXPECT_FALSE(log[1].fault.has_value());
}

TEST_F(RelayTest, ChunkedCutDeliversEveryByteButNotTheLastChunk) {
  start(R"(name: chunked-cut
attempts:
  - chunked_cut: {}
)");
  HttpResponse r = get("/file.bin", {{"Range", "bytes=0-99999"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_TRUE(r.chunked);
  EXPECT_FALSE(r.header("Content-Length").has_value());
  EXPECT_EQ(r.body, file_bytes(0, 100000));
  EXPECT_FALSE(r.last_chunk);
  EXPECT_EQ(r.end, End::fin);
  auto log = log_with(1);
  EXPECT_EQ(log[0].fault, "chunked_cut");
  EXPECT_EQ(log[0].bytes_sent, 100000u);
}

TEST_F(RelayTest, ServerChunkedReframesTheUpstreamBodyCompletely) {
  start(R"(name: chunked
server: {chunked: true}
)");
  HttpResponse r = get("/file.bin", {{"Range", "bytes=100-300099"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_TRUE(r.chunked);
  EXPECT_TRUE(r.last_chunk);
  EXPECT_EQ(r.end, End::complete);
  EXPECT_EQ(r.body, file_bytes(100, 300000));
}

TEST_F(RelayTest, LatencyAndThrottleDelayTheRelayedAnswer) {
  start(R"(name: slow
attempts:
  - {latency: {first_byte: 300ms}, throttle: {rate: 2MiB/s}}
)");
  HttpResponse r = get("/file.bin", {{"Range", "bytes=0-1048575"}});
  ASSERT_EQ(r.status, 206);
  EXPECT_EQ(r.body, file_bytes(0, 1048576));
  // Lower bounds only: a loaded machine may be slower, never faster.
  EXPECT_GE(r.head_at - r.sent_at, 300ms);
  EXPECT_GE(r.done_at - r.head_at, 450ms);  // 1 MiB at 2 MiB/s, the first write immediate
  auto log = log_with(1);
  EXPECT_EQ(log[0].fault, "latency,throttle");
}

TEST_F(RelayTest, StatusFaultAnswersWithoutAskingTheUpstream) {
  start(R"(name: busy
attempts:
  - status: {code: 503, retry_after: 2s}
)");
  const std::size_t before = nginx_->access_log().size();
  HttpResponse busy = get("/file.bin");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.header("Retry-After"), "2");
  EXPECT_EQ(busy.body, "503 Service Unavailable\n");
  HttpResponse ok = get("/file.bin", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(ok.status, 206);
  // Only the second request reached nginx.
  auto lines = nginx_->access_log_with(before + 1);
  std::this_thread::sleep_for(50ms);
  lines = nginx_->access_log();
  ASSERT_EQ(lines.size(), before + 1);
  EXPECT_EQ(parse_access(lines[before]).range, "bytes=0-9");
  auto log = log_with(2);
  EXPECT_EQ(log[0].status, 503);
  EXPECT_EQ(log[0].fault, "status");
  EXPECT_EQ(log[1].attempt, 2u);
}

TEST_F(RelayTest, RangesFalseTurnsARangeRequestIntoAFull200) {
  start(R"(name: no-ranges
server: {ranges: false}
)");
  const std::size_t before = nginx_->access_log().size();
  HttpResponse r = get("/file.bin", {{"Range", "bytes=0-99"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.header("Accept-Ranges").has_value());
  EXPECT_FALSE(r.header("Content-Range").has_value());
  EXPECT_TRUE(r.body == file_bytes(0, kFileSize));
  auto lines = nginx_->access_log_with(before + 1);
  ASSERT_EQ(lines.size(), before + 1);
  EXPECT_EQ(parse_access(lines[before]).range, "-");  // Range was not forwarded
  EXPECT_EQ(log_with(1)[0].range, "bytes=0-99");      // the log shows what the client sent
}

TEST_F(RelayTest, IfRangeWorksThroughTheProxyAndAChangeMakesTheOldValidatorsFail) {
  start(R"(name: change
changes:
  - before_attempt: 3
)");
  HttpResponse a1 = get("/file.bin", {{"Range", "bytes=0-99"}});
  ASSERT_EQ(a1.status, 206);
  const std::string etag0 = a1.header("ETag").value();
  const std::string date0 = a1.header("Last-Modified").value();
  ASSERT_EQ(etag0.front(), '"');

  HttpResponse a2 = get("/file.bin", {{"Range", "bytes=100-199"}, {"If-Range", etag0}});
  EXPECT_EQ(a2.status, 206);
  EXPECT_EQ(a2.body, file_bytes(100, 100));

  // From attempt 3 on the resource has "changed": new validators, and the old ETag or date
  // in If-Range gets the whole representation, as from a real change.
  HttpResponse a3 = get("/file.bin", {{"Range", "bytes=100-"}, {"If-Range", etag0}});
  EXPECT_EQ(a3.status, 200);
  EXPECT_TRUE(a3.body == file_bytes(0, kFileSize));
  const std::string etag1 = a3.header("ETag").value();
  EXPECT_EQ(etag1, etag0.substr(0, etag0.size() - 1) + ";sisyphus=1\"");
  const std::string date1 = a3.header("Last-Modified").value();
  EXPECT_EQ(proxy::parse_http_date(date1).value(), proxy::parse_http_date(date0).value() + 3600);

  HttpResponse a4 = get("/file.bin", {{"Range", "bytes=100-199"}, {"If-Range", etag1}});
  EXPECT_EQ(a4.status, 206);
  EXPECT_EQ(a4.body, file_bytes(100, 100));
  EXPECT_EQ(a4.header("ETag"), etag1);
  HttpResponse a5 = get("/file.bin", {{"Range", "bytes=100-199"}, {"If-Range", date1}});
  EXPECT_EQ(a5.status, 206);
  HttpResponse a6 = get("/file.bin", {{"Range", "bytes=100-199"}, {"If-Range", date0}});
  EXPECT_EQ(a6.status, 200);
  EXPECT_EQ(a6.body.size(), kFileSize);

  HttpResponse a7 = get("/file.bin", {{"If-None-Match", etag1}});
  EXPECT_EQ(a7.status, 304);
  EXPECT_EQ(a7.header("ETag"), etag1);
  HttpResponse a8 = get("/file.bin", {{"Range", "bytes=0-0"}, {"If-None-Match", etag0}});
  EXPECT_EQ(a8.status, 206);
}

TEST_F(RelayTest, RequestBodiesAndHeadAreRelayed) {
  start("name: pass\n");
  const std::string upload = file_bytes(123, 300000);
  RawClient c = connect();
  c.send(fmt::format("PUT /dav/up.bin HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                     upload.size()) +
         upload);
  HttpResponse put = c.read_response();
  EXPECT_EQ(put.status, 201);
  // The same client connection goes on: HEAD, then a GET of what was uploaded.
  c.send(request("HEAD", "/file.bin"));
  HttpResponse head = c.read_response(true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "8388608");
  EXPECT_TRUE(head.body.empty());
  c.send(request("GET", "/dav/up.bin"));
  HttpResponse back = c.read_response();
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == upload);
  const HttpResponse direct = fetch("127.0.0.1", nginx_->port(), "GET", "/dav/up.bin");
  EXPECT_TRUE(direct.body == upload);
  auto log = log_with(3);
  EXPECT_EQ(log[0].method, "PUT");
  EXPECT_EQ(log[0].attempt, 0u);  // only GETs are attempts
  EXPECT_EQ(log[1].method, "HEAD");
  EXPECT_EQ(log[2].connection, log[0].connection);
}

TEST_F(RelayTest, ChunkedUpstreamBodiesAreRelayedAndCutAfterNBytes) {
  start(R"(name: gzip
attempts:
  - drop: {after: 1000, how: close}
)");
  const Headers gzip{{"Accept-Encoding", "gzip"}};
  const HttpResponse direct = fetch("127.0.0.1", nginx_->port(), "GET", "/gz/file.bin", gzip);
  ASSERT_TRUE(direct.chunked);
  ASSERT_EQ(direct.header("Content-Encoding"), "gzip");
  ASSERT_GT(direct.body.size(), 100000u);

  HttpResponse cut = get("/gz/file.bin", gzip);
  EXPECT_EQ(cut.status, 200);
  EXPECT_TRUE(cut.chunked);
  EXPECT_EQ(cut.end, End::fin);
  EXPECT_EQ(cut.body, direct.body.substr(0, 1000));

  HttpResponse whole = get("/gz/file.bin", gzip);
  EXPECT_EQ(whole.end, End::complete);
  EXPECT_TRUE(whole.last_chunk);
  EXPECT_EQ(whole.header("Content-Encoding"), "gzip");
  EXPECT_TRUE(whole.body == direct.body);
  auto log = log_with(2);
  EXPECT_EQ(log[0].bytes_sent, 1000u);
  EXPECT_EQ(log[1].bytes_sent, direct.body.size());
}

TEST_F(RelayTest, AClientThatExpects100ContinueGetsItBeforeSendingTheBody) {
  start("name: pass\n");
  const std::string upload = file_bytes(7, 2000000);
  RawClient c = connect();
  c.send(
      fmt::format("PUT /dav/expect.bin HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n"
                  "Expect: 100-continue\r\n\r\n",
                  upload.size()));
  HttpResponse go = c.read_response(false, 2s);
  EXPECT_EQ(go.status, 100);
  c.send(upload);
  HttpResponse put = c.read_response();
  EXPECT_EQ(put.status, 201);
  const HttpResponse direct = fetch("127.0.0.1", nginx_->port(), "GET", "/dav/expect.bin");
  EXPECT_TRUE(direct.body == upload);
}

TEST_F(RelayTest, FaultsApplyOnlyToThePathsTheGlobMatches) {
  start(R"(name: scoped
resource: {path: /file.*}
attempts:
  - drop: {after: 10, how: close}
)");
  HttpResponse other = get("/echo");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.end, End::complete);
  HttpResponse hit = get("/file.bin");
  EXPECT_EQ(hit.body.size(), 10u);
  EXPECT_EQ(hit.end, End::fin);
  auto log = log_with(2);
  EXPECT_EQ(log[0].attempt, 0u);  // not a scenario path: not counted
  EXPECT_FALSE(log[0].fault.has_value());
  EXPECT_EQ(log[1].attempt, 1u);
  EXPECT_EQ(log[1].fault, "drop");
  EXPECT_EQ(proxy_->url(), proxy_->base_url() + "/");
}

}  // namespace
}  // namespace sisyphus::testing
