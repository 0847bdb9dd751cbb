// RFC 9110 behaviour of the origin server, over real loopback sockets, with exact statuses,
// header values and body bytes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "sisyphus/core/sha256.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 100000;
constexpr std::uint64_t kSeed = 7;
const std::string kEtag = "\"7-186a0\"";
const std::string kLastModified = "Mon, 01 Jan 2024 00:00:00 GMT";
const std::string kScenario = R"(
name: semantics
resource: {path: /file, size: 100000, seed: 7}
)";

class HttpSemantics : public ServerTest {
 protected:
  void SetUp() override { start(kScenario); }
};

TEST_F(HttpSemantics, FullGetReturnsTheSyntheticContentWithAllHeaders) {
  HttpResponse r = get("/file");
  ASSERT_EQ(r.end, End::complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.header("Content-Length"), "100000");
  EXPECT_EQ(r.header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.header("ETag"), kEtag);
  EXPECT_EQ(r.header("Last-Modified"), kLastModified);
  EXPECT_EQ(r.header("Server"), "sisyphus");
  EXPECT_TRUE(r.header("Date").has_value());
  EXPECT_FALSE(r.header("Repr-Digest").has_value());
  EXPECT_FALSE(r.header("Transfer-Encoding").has_value());
  EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 0, kSize)));
}

TEST_F(HttpSemantics, HeadHasTheHeadersOfGetAndNoBody) {
  RawClient c = connect();
  c.send(request("HEAD", "/file"));
  HttpResponse h = c.read_response(/*no_body=*/true);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("Content-Length"), "100000");
  EXPECT_EQ(h.header("ETag"), kEtag);
  EXPECT_EQ(h.header("Accept-Ranges"), "bytes");
  // Had the server sent body bytes after the HEAD head, they would be parsed as the next
  // response's status line.
  c.send(request("GET", "/file", {{"Range", "bytes=0-9"}}));
  HttpResponse g = c.read_response();
  EXPECT_EQ(g.status, 206);
  EXPECT_TRUE(same_bytes(g.body, content_bytes(kSeed, 0, 10)));
  auto log = log_with(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].method, "HEAD");
  EXPECT_EQ(log[0].bytes_sent, 0u);
  EXPECT_EQ(log[0].attempt, 0u);  // HEAD is not an attempt
  EXPECT_EQ(log[1].attempt, 1u);
}

TEST_F(HttpSemantics, SingleRangeBodyIsTheSameSliceOfTheFullBody) {
  const std::string full = get("/file").body;
  ASSERT_TRUE(same_bytes(full, content_bytes(kSeed, 0, kSize)));
  struct Case {
    std::string range;
    std::uint64_t first, last;
  };
  for (const Case& c : std::vector<Case>{{"bytes=0-499", 0, 499},
                                         {"bytes=500-", 500, 99999},
                                         {"bytes=-500", 99500, 99999},
                                         {"bytes=99999-", 99999, 99999},
                                         {"bytes=1000-1999", 1000, 1999},
                                         {"bytes=99000-200000", 99000, 99999},
                                         {"BYTES=10-19", 10, 19},
                                         {"bytes=0-1,2-3", 0, 3}}) {
    SCOPED_TRACE(c.range);
    HttpResponse r = get("/file", {{"Range", c.range}});
    ASSERT_EQ(r.end, End::complete);
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.header("Content-Range"), fmt::format("bytes {}-{}/100000", c.first, c.last));
    EXPECT_EQ(r.header("Content-Length"), std::to_string(c.last - c.first + 1));
    EXPECT_EQ(r.header("ETag"), kEtag);
    EXPECT_TRUE(same_bytes(r.body, full.substr(c.first, c.last - c.first + 1)));
  }
}

struct Part {
  std::string content_type, content_range, data;
};

// Splits a multipart/byteranges body on its boundary; fails the test on any framing error.
std::vector<Part> parse_multipart(const std::string& body, const std::string& boundary) {
  std::vector<Part> parts;
  const std::string delimiter = "--" + boundary;
  std::size_t pos = 0;
  while (true) {
    EXPECT_EQ(body.compare(pos, delimiter.size(), delimiter), 0) << "at " << pos;
    pos += delimiter.size();
    if (body.compare(pos, 4, "--\r\n") == 0) {
      EXPECT_EQ(pos + 4, body.size()) << "bytes after the closing delimiter";
      return parts;
    }
    EXPECT_EQ(body.compare(pos, 2, "\r\n"), 0);
    pos += 2;
    std::size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string::npos) {
      ADD_FAILURE() << "part without a blank line";
      return parts;
    }
    Part p;
    std::string head = body.substr(pos, head_end - pos);
    for (std::size_t at = 0; at <= head.size();) {
      std::size_t eol = std::min(head.find("\r\n", at), head.size());
      std::string line = head.substr(at, eol - at);
      if (line.starts_with("Content-Type: ")) p.content_type = line.substr(14);
      if (line.starts_with("Content-Range: ")) p.content_range = line.substr(15);
      at = eol + 2;
    }
    pos = head_end + 4;
    std::size_t next = body.find("\r\n" + delimiter, pos);
    if (next == std::string::npos) {
      ADD_FAILURE() << "part without a following delimiter";
      return parts;
    }
    p.data = body.substr(pos, next - pos);
    parts.push_back(p);
    pos = next + 2;
  }
}

TEST_F(HttpSemantics, SeveralRangesAreAMultipartByterangesBodyWithExactLength) {
  HttpResponse r = get("/file", {{"Range", "bytes=0-9,100-199,-5"}});
  ASSERT_EQ(r.end, End::complete);
  EXPECT_EQ(r.status, 206);
  EXPECT_FALSE(r.header("Content-Range").has_value());
  const std::string ct = r.header("Content-Type").value_or("");
  const std::string prefix = "multipart/byteranges; boundary=";
  ASSERT_TRUE(ct.starts_with(prefix)) << ct;
  const std::string boundary = ct.substr(prefix.size());
  EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
  std::vector<Part> parts = parse_multipart(r.body, boundary);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].content_range, "bytes 0-9/100000");
  EXPECT_EQ(parts[0].data, content_bytes(kSeed, 0, 10));
  EXPECT_EQ(parts[1].content_range, "bytes 100-199/100000");
  EXPECT_EQ(parts[1].data, content_bytes(kSeed, 100, 100));
  EXPECT_EQ(parts[2].content_range, "bytes 99995-99999/100000");
  EXPECT_EQ(parts[2].data, content_bytes(kSeed, 99995, 5));
  for (const auto& p : parts) EXPECT_EQ(p.content_type, "application/octet-stream");
  // The same request again gets the same bytes (the boundary is deterministic).
  EXPECT_TRUE(same_bytes(get("/file", {{"Range", "bytes=0-9,100-199,-5"}}).body, r.body));
}

TEST_F(HttpSemantics, UnsatisfiableRangeIs416WithTheCompleteLength) {
  for (std::string range : {"bytes=100000-", "bytes=200000-300000", "bytes=-0"}) {
    SCOPED_TRACE(range);
    HttpResponse r = get("/file", {{"Range", range}});
    EXPECT_EQ(r.status, 416);
    EXPECT_EQ(r.header("Content-Range"), "bytes */100000");
    EXPECT_EQ(r.body, "416 Range Not Satisfiable\n");
  }
}

TEST_F(HttpSemantics, InvalidRangeHeaderIsIgnored) {
  for (std::string range : {"bytes=abc", "items=0-5", "bytes 0-5", "bytes=5-1", "bytes=0-1;5-6"}) {
    SCOPED_TRACE(range);
    HttpResponse r = get("/file", {{"Range", range}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), kSize);
    EXPECT_FALSE(r.header("Content-Range").has_value());
  }
}

TEST_F(HttpSemantics, IfRangeHonoursOnlyAStrongEqualTagOrTheExactDate) {
  struct Case {
    std::string if_range;
    int status;
  };
  for (const Case& c :
       std::vector<Case>{{kEtag, 206},
                         {"\"7-186a1\"", 200},
                         {"W/" + kEtag, 200},  // a weak tag never matches
                         {kLastModified, 206},
                         {"Mon, 01 Jan 2024 00:00:01 GMT", 200},
                         {"Sunday, 31-Dec-23 23:59:59 GMT", 200},
                         {"Monday, 01-Jan-24 00:00:00 GMT", 206},  // RFC 850 form of the same date
                         {"Mon Jan  1 00:00:00 2024", 206},        // asctime form
                         {"not a date", 200}}) {
    SCOPED_TRACE(c.if_range);
    HttpResponse r = get("/file", {{"Range", "bytes=10-19"}, {"If-Range", c.if_range}});
    EXPECT_EQ(r.status, c.status);
    if (c.status == 206) {
      EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 10, 10)));
    } else {
      EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 0, kSize)));
    }
  }
}

TEST_F(HttpSemantics, ConditionalGetsAnswer304) {
  struct Case {
    Headers headers;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {{{"If-None-Match", kEtag}}, 304},
           {{{"If-None-Match", "W/" + kEtag}}, 304},  // weak comparison
           {{{"If-None-Match", "\"other\", " + kEtag}}, 304},
           {{{"If-None-Match", "*"}}, 304},
           {{{"If-None-Match", "\"other\""}}, 200},
           {{{"If-Modified-Since", kLastModified}}, 304},
           {{{"If-Modified-Since", "Tue, 02 Jan 2024 00:00:00 GMT"}}, 304},
           {{{"If-Modified-Since", "Sun, 31 Dec 2023 23:59:59 GMT"}}, 200},
           {{{"If-Modified-Since", "yesterday"}}, 200},
           // If-None-Match takes precedence over If-Modified-Since.
           {{{"If-None-Match", "\"other\""}, {"If-Modified-Since", kLastModified}}, 200},
       }) {
    SCOPED_TRACE(c.headers.front().second);
    HttpResponse r = get("/file", c.headers);
    ASSERT_EQ(r.end, End::complete);
    EXPECT_EQ(r.status, c.status);
    if (c.status == 304) {
      EXPECT_EQ(r.header("ETag"), kEtag);
      EXPECT_EQ(r.header("Last-Modified"), kLastModified);
      EXPECT_FALSE(r.header("Content-Length").has_value());
      EXPECT_TRUE(r.body.empty());
    } else {
      EXPECT_EQ(r.body.size(), kSize);
    }
  }
}

TEST_F(HttpSemantics, OnlyTheScenarioPathExists) {
  EXPECT_EQ(get("/other").status, 404);
  EXPECT_EQ(get("/file/").status, 404);
  EXPECT_EQ(get("/").status, 404);
  HttpResponse q = get("/file?version=2");  // the query does not name another resource
  EXPECT_EQ(q.status, 200);
  EXPECT_EQ(q.body.size(), kSize);
  EXPECT_EQ(get("/fil%65").status, 200);  // percent-decoded before comparison
  auto log = log_with(5);
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].status, 404);
  EXPECT_EQ(log[0].path, "/other");
  EXPECT_EQ(log[0].attempt, 0u);
  EXPECT_EQ(log[3].status, 200);
  EXPECT_EQ(log[3].attempt, 1u);
}

TEST_F(HttpSemantics, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawClient c = connect();
  for (int i = 0; i < 3; ++i) {
    c.send(request("GET", "/file", {{"Range", fmt::format("bytes={}-{}", i * 10, i * 10 + 9)}}));
    HttpResponse r = c.read_response();
    ASSERT_EQ(r.end, End::complete);
    EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, i * 10, 10)));
    EXPECT_FALSE(r.header("Connection").has_value());
  }
  // Connection: close is honoured with a FIN after the response.
  c.send(request("GET", "/file", {{"Range", "bytes=0-0"}, {"Connection", "close"}}));
  HttpResponse last = c.read_response();
  EXPECT_EQ(last.header("Connection"), "close");
  EXPECT_EQ(c.wait_close(2s), End::fin);
  auto log = log_with(4);
  ASSERT_EQ(log.size(), 4u);
  for (const auto& rec : log) EXPECT_EQ(rec.connection, log[0].connection);
  EXPECT_EQ(log[2].attempt, 3u);
}

TEST_F(HttpSemantics, Http10ConnectionsAreClosedAfterTheResponse) {
  RawClient c = connect();
  c.send("GET /file HTTP/1.0\r\nRange: bytes=0-3\r\n\r\n");
  HttpResponse r = c.read_response();
  EXPECT_EQ(r.status, 206);
  EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 0, 4)));
  EXPECT_EQ(c.wait_close(2s), End::fin);
}

TEST_F(HttpSemantics, LogRecordsEveryFieldOfARequest) {
  get("/file", {{"Range", "bytes=5-14"}, {"If-Range", kEtag}});
  auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  const proxy::LogRecord& r = log[0];
  EXPECT_EQ(r.path, "/file");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.attempt, 1u);
  EXPECT_EQ(r.range, "bytes=5-14");
  EXPECT_EQ(r.if_range, kEtag);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.bytes_sent, 10u);
  EXPECT_FALSE(r.fault.has_value());
  EXPECT_EQ(r.content_seed, kSeed);
  EXPECT_FALSE(r.error.has_value());
  EXPECT_GE(r.t, 0.0);
  EXPECT_LT(r.t, 30.0);
  EXPECT_GE(r.duration_s, 0.0);
  EXPECT_EQ(server_->stats().requests, 1u);
  EXPECT_EQ(server_->stats().bytes_sent, 10u);
}

TEST(HttpSemanticsOptions, WeakAndAbsentValidators) {
  proxy::Server weak({}, scenario_from(R"(
name: weak
resource: {size: 1000, seed: 3, etag: weak, last_modified: false}
)"));
  weak.start();
  HttpResponse r = fetch("127.0.0.1", weak.port(), "GET", "/file");
  EXPECT_EQ(r.header("ETag"), "W/\"3-3e8\"");
  EXPECT_FALSE(r.header("Last-Modified").has_value());
  // Neither the weak tag nor a date can validate a range.
  for (std::string v : {"W/\"3-3e8\"", "\"3-3e8\"", "Mon, 01 Jan 2024 00:00:00 GMT"}) {
    HttpResponse x =
        fetch("127.0.0.1", weak.port(), "GET", "/file", {{"Range", "bytes=0-9"}, {"If-Range", v}});
    EXPECT_EQ(x.status, 200) << v;
    EXPECT_EQ(x.body.size(), 1000u);
  }
  // But If-None-Match compares weakly: the weak tag does match.
  EXPECT_EQ(
      fetch("127.0.0.1", weak.port(), "GET", "/file", {{"If-None-Match", "W/\"3-3e8\""}}).status,
      304);

  proxy::Server none({}, scenario_from(R"(
name: none
resource: {size: 1000, seed: 3, etag: none}
)"));
  none.start();
  HttpResponse n = fetch("127.0.0.1", none.port(), "GET", "/file");
  EXPECT_FALSE(n.header("ETag").has_value());
  EXPECT_EQ(n.header("Last-Modified"), kLastModified);
  EXPECT_EQ(fetch("127.0.0.1", none.port(), "GET", "/file",
                  {{"Range", "bytes=0-9"}, {"If-Range", kLastModified}})
                .status,
            206);
}

TEST(HttpSemanticsOptions, ReprDigestIsTheSha256OfTheWholeRepresentation) {
  proxy::Server s({}, scenario_from(R"(
name: digest
resource: {size: 3MiB, seed: 11, digest: true}
)"));
  s.start();
  const std::string content = content_bytes(11, 0, 3 << 20);
  const std::string expected = "sha-256=:" + to_base64(Sha256::of(std::string_view(content))) + ":";
  HttpResponse full = fetch("127.0.0.1", s.port(), "GET", "/file");
  EXPECT_EQ(full.header("Repr-Digest"), expected);
  EXPECT_EQ(full.body, content);
  // A range carries the digest of the whole representation, not of the slice.
  HttpResponse part = fetch("127.0.0.1", s.port(), "GET", "/file", {{"Range", "bytes=0-99"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("Repr-Digest"), expected);
  EXPECT_EQ(fetch("127.0.0.1", s.port(), "HEAD", "/file").header("Repr-Digest"), expected);
}

TEST(HttpSemanticsOptions, ChunkedEncodingFramesTheExactContent) {
  proxy::Server s({}, scenario_from(R"(
name: chunked
resource: {size: 200000, seed: 5}
server: {chunked: true}
)"));
  s.start();
  HttpResponse r = fetch("127.0.0.1", s.port(), "GET", "/file");
  ASSERT_EQ(r.end, End::complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(r.header("Content-Length").has_value());
  EXPECT_TRUE(r.last_chunk);
  EXPECT_TRUE(same_bytes(r.body, content_bytes(5, 0, 200000)));
  std::uint64_t sum = 0;
  for (auto n : r.chunk_sizes) {
    EXPECT_GT(n, 0u);
    EXPECT_LE(n, 65536u);
    sum += n;
  }
  EXPECT_EQ(sum, 200000u);
  EXPECT_TRUE(r.raw_body.ends_with("\r\n0\r\n\r\n"));
  HttpResponse part = fetch("127.0.0.1", s.port(), "GET", "/file", {{"Range", "bytes=100-199"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_TRUE(part.chunked);
  EXPECT_TRUE(same_bytes(part.body, content_bytes(5, 100, 100)));
  EXPECT_EQ(s.log().back().bytes_sent, 100u);  // body bytes, not framing
  HttpResponse h = fetch("127.0.0.1", s.port(), "HEAD", "/file");
  EXPECT_EQ(h.header("Transfer-Encoding"), "chunked");
}

TEST(HttpSemanticsOptions, ServerWithoutRangesSendsTheWholeBody) {
  proxy::Server s({}, scenario_from(R"(
name: no-ranges
resource: {size: 5000, seed: 2}
server: {ranges: false}
)"));
  s.start();
  HttpResponse r = fetch("127.0.0.1", s.port(), "GET", "/file", {{"Range", "bytes=100-199"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.header("Accept-Ranges").has_value());
  EXPECT_FALSE(r.header("Content-Range").has_value());
  EXPECT_TRUE(same_bytes(r.body, content_bytes(2, 0, 5000)));
  // Even an unsatisfiable range: there is no range support to be unsatisfied.
  EXPECT_EQ(fetch("127.0.0.1", s.port(), "GET", "/file", {{"Range", "bytes=9000-"}}).status, 200);
}

TEST(HttpSemanticsOptions, ListensOnIpv6Loopback) {
  proxy::ServerOptions options;
  options.listen = "[::1]:0";
  proxy::Server s(options, scenario_from("name: v6\nresource: {size: 10, seed: 1}\n"));
  s.start();
  EXPECT_EQ(s.url(), fmt::format("http://[::1]:{}/file", s.port()));
  HttpResponse r = fetch("::1", s.port(), "GET", "/file");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(same_bytes(r.body, content_bytes(1, 0, 10)));
}

}  // namespace
}  // namespace sisyphus::testing
