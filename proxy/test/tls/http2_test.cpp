// HTTP/2 over HTTPS (docs/server.md "HTTP/2"), with curl --http2 and nghttp (nghttp2's own
// client) over real loopback sockets: every byte of a clean stream, each drop's end exact to
// the byte on its stream (FIN, RST, RST_STREAM with its code, GOAWAY), one of two streams on
// one connection reset while the other completes, and ALPN staying http/1.1 unless asked.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace sisyphus::testing;
using namespace std::chrono_literals;

constexpr std::uint64_t kSize = 300000;

class Http2 : public ServerTest {
 protected:
  void serve(const std::string& rules, bool http2 = true) {
    ServerOptions options;
    options.http2 = http2;
    options.tls = true;
    options.ca_out = dir_ / "ca.pem";
    start(scenario_yaml("h2", fmt::format("size: {}, seed: 8", kSize), rules), options);
  }
  // curl --http2 into `out`, with -w's `what` on stdout.
  RunResult curl(const std::vector<std::string>& targets, const std::string& what = "") {
    std::vector<std::string> argv{"/usr/bin/curl", "-q",       "-sS",
                                  "--http2",       "--cacert", (dir_ / "ca.pem").string()};
    if (!what.empty()) argv.insert(argv.end(), {"-w", what});
    argv.insert(argv.end(), targets.begin(), targets.end());
    return run(argv, dir_.path(), 20s);
  }
  std::filesystem::path out(int i = 0) const { return dir_ / fmt::format("out{}.bin", i); }

  TempDir dir_{"h2"};
};

TEST_F(Http2, CurlNegotiatesH2AndGetsEveryByte) {
  serve("");
  const RunResult r = curl({"-o", out().string(), url()}, "%{http_version}");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2");
  EXPECT_EQ(read_file(out()), content_bytes(8, 0, kSize));
  expect_kept_alive_and_delivered_whole(log_with(1), 1, kSize);
}

TEST_F(Http2, WithoutHttp2AlpnStaysHttp11) {
  serve("", false);
  const RunResult r = curl({"-o", out().string(), url()}, "%{http_version}");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1.1");
}

// Each end of a cut stream at 8 seeded offsets: curl keeps exactly the bytes before the
// offset, and says how the stream ended. (An RST is the exception: see the next test.)
TEST_F(Http2, EachHowEndsTheStreamExactlyAtTheOffset) {
  struct How {
    std::string rule;
    int exit_code;
    std::string said;
  };
  const std::vector<How> hows{
      {"how: rst_stream", 92, "HTTP/2 stream 1 was not closed cleanly: CANCEL (err 8)"},
      {"how: rst_stream, code: internal_error", 92,
       "HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)"},
      {"how: goaway", 18, "HTTP/2 stream 1 was not closed cleanly before end of the underlying"},
      {"how: close", 18, "HTTP/2 stream 1 was not closed cleanly before end of the underlying"},
  };
  Rng rng(77);
  for (const How& how : hows) {
    for (int i = 0; i < 8; ++i) {
      const std::uint64_t at = 1 + rng.below(kSize - 1);
      serve(fmt::format("attempts:\n  - drop: {{at: {}, {}}}\n", at, how.rule));
      std::filesystem::remove(out());
      const RunResult r = curl({"-o", out().string(), url()});
      EXPECT_EQ(r.exit_code, how.exit_code) << how.rule << " at " << at << ": " << r.err;
      EXPECT_NE(r.err.find(how.said), std::string::npos) << how.rule << ": " << r.err;
      const std::string got = read_file(out());
      ASSERT_EQ(got.size(), at) << how.rule << " at " << at;
      EXPECT_EQ(got, content_bytes(8, 0, at)) << how.rule << " at " << at;
    }
  }
}

// An RST comes once the client's TCP has acknowledged every byte before the cut, as over
// HTTP/1.1; but an HTTP/2 client writes while it reads (WINDOW_UPDATE), and a write into the
// reset connection can fail before it has read what its kernel holds: curl then gives up
// with "(55) Send failure" and keeps a shorter prefix. What it keeps is never wrong, and when
// it reads first it has every byte (56).
TEST_F(Http2, AResetConnectionLeavesAnExactOrShorterPrefix) {
  Rng rng(78);
  int exact = 0;
  for (int i = 0; i < 8; ++i) {
    const std::uint64_t at = 1 + rng.below(kSize - 1);
    serve(fmt::format("attempts:\n  - drop: {{at: {}, how: reset}}\n", at));
    std::filesystem::remove(out());
    const RunResult r = curl({"-o", out().string(), url()});
    const std::string got = std::filesystem::exists(out()) ? read_file(out()) : "";
    ASSERT_LE(got.size(), at) << r.err;
    EXPECT_EQ(got, content_bytes(8, 0, got.size())) << "at " << at;
    if (r.exit_code == 56) {
      EXPECT_EQ(got.size(), at) << r.err;
      ++exact;
    } else {
      EXPECT_EQ(r.exit_code, 55) << r.err;
      EXPECT_NE(r.err.find("Send failure: Connection reset by peer"), std::string::npos) << r.err;
    }
  }
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].fault, "drop");
  RecordProperty("exact_of_8", exact);
}

// nghttp's frames, from its -v output: DATA bytes per stream and the RST_STREAMs.
struct Frames {
  std::map<int, std::uint64_t> data;  // stream id -> DATA payload bytes
  std::map<int, std::string> reset;   // stream id -> the RST_STREAM's error code
};
Frames frames_of(const std::string& verbose) {
  Frames f;
  static const std::regex data(
      R"(recv DATA frame <length=(\d+), flags=0x[0-9a-f]+, stream_id=(\d+)>)");
  static const std::regex rst(
      R"(recv RST_STREAM frame <length=4, flags=0x00, stream_id=(\d+)>\s*\(error_code=(\w+))");
  for (std::sregex_iterator it(verbose.begin(), verbose.end(), data), e; it != e; ++it) {
    f.data[std::stoi((*it)[2])] += std::stoull((*it)[1]);
  }
  for (std::sregex_iterator it(verbose.begin(), verbose.end(), rst), e; it != e; ++it) {
    f.reset[std::stoi((*it)[1])] = (*it)[2];
  }
  return f;
}

// Two streams multiplexed on one connection (nghttp opens one): attempt 1 is reset
// (RST_STREAM CANCEL) after exactly 100000 bytes of DATA, attempt 2 completes beside it.
// (curl --parallel is not used here: curl 7.88.1 drops DATA it has buffered for a stream
// when that stream is reset, and kept 65536 or 98304 of the 100000 bytes in 3 of 30 runs,
// while nghttp's frames show all 100000 every time.)
TEST_F(Http2, OnlyTheResetStreamDiesTheOtherCompletesOnTheSameConnection) {
  serve("attempts:\n  - drop: {at: 100000, how: rst_stream}\n  - {}\n");
  const RunResult r = run({"/usr/bin/nghttp", "-v", "-n", url() + "?a", url() + "?b"}, dir_.path(),
                          20s, {"SSL_CERT_FILE=" + (dir_ / "ca.pem").string()});
  const Frames f = frames_of(r.out);
  ASSERT_EQ(f.data.size(), 2u) << r.out;
  ASSERT_EQ(f.reset.size(), 1u) << r.out;
  const int reset = f.reset.begin()->first;
  EXPECT_EQ(f.reset.begin()->second, "CANCEL");
  for (const auto& [stream, bytes] : f.data) {
    EXPECT_EQ(bytes, stream == reset ? 100000u : kSize) << "stream " << stream;
  }
  // The log has both streams as the requests they are: protocol h2, their stream ids (nghttp
  // asks on 13 and 15), one client connection.
  const auto log = by_attempt(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "drop");
  EXPECT_EQ(log[0].bytes_sent, 100000u);
  EXPECT_EQ(log[1].bytes_sent, kSize);
  EXPECT_EQ(log[0].stream, static_cast<std::uint32_t>(reset));
  for (const auto& record : log) {
    EXPECT_EQ(record.protocol, "h2");
    ASSERT_TRUE(record.stream.has_value());
    EXPECT_TRUE(*record.stream == 13 || *record.stream == 15) << *record.stream;
    EXPECT_EQ(record.connection, log[0].connection);
  }
  EXPECT_NE(log[0].stream, log[1].stream);
  wait_connections_closed();
}

// nghttp shows the frames: the GOAWAY names the stream it cut as the last one processed.
TEST_F(Http2, GoawayNamesTheLastStreamProcessed) {
  serve("attempts:\n  - drop: {at: 5000, how: goaway, code: enhance_your_calm}\n");
  const RunResult r = run({"/usr/bin/nghttp", "-v", "-n", url()}, dir_.path(), 20s,
                          {"SSL_CERT_FILE=" + (dir_ / "ca.pem").string()});
  EXPECT_NE(r.out.find("recv GOAWAY frame"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(last_stream_id=13, error_code=ENHANCE_YOUR_CALM(0x0b)"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace sisyphus::proxy::test
