// The reference client across redirects (docs/client.md "Redirects"): every attempt starts
// again from the URL it was given, keeps the validators of the bytes it holds whatever server
// answers, checks a mirror's 206 exactly as the origin's, and sends credentials (the URL's
// userinfo, Authorization and Cookie headers) only to the origin they were given for.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "client_server_fixture.hpp"
#include "sisyphus/core/version.hpp"
#include "sisyphus/testing/fault_server.hpp"
#include "sisyphus/testing/loopback.hpp"

namespace sisyphus::client::test {
namespace {

using sisyphus::testing::FaultServer;

// A mirror of the fixture's resource (the same size and content seed, so the same ETag) on
// another port: another origin.
std::string mirror_scenario(std::string_view rules) {
  return scenario(rules);
}

// Attempt 1: the origin redirects to the mirror, which cuts the body at 50 %. Attempt 2
// starts from the origin again, is redirected again, and the mirror answers its Range with
// the rest: every request of the resumed attempt carries the mirror's ETag in If-Range.
TEST_F(ClientServerTest, AResumedAttemptStartsFromTheOriginalUrlAndTheMirrorSendsTheRest) {
  FaultServer mirror(mirror_scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  start(scenario(fmt::format("faults:\n  - redirect: {{to: \"{}\"}}\n", mirror.url())));
  const std::string etag = etag_now();
  ASSERT_FALSE(etag.empty());

  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_EQ(r.bytes_discarded, 0u);
  EXPECT_TRUE(r.restarts.empty());
  expect_output_is(1, kSize);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].redirects, 1u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::interrupted);
  EXPECT_EQ(r.attempt_log[0].bytes, k50);
  EXPECT_EQ(r.attempt_log[1].redirects, 1u);
  EXPECT_EQ(r.attempt_log[1].status, 206);
  EXPECT_EQ(r.attempt_log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(r.attempt_log[1].if_range, etag);

  const auto origin = get_requests(log_with(3));  // the HEAD of etag_now() and two GETs
  ASSERT_EQ(origin.size(), 2u);
  for (const auto& rec : origin) {
    EXPECT_EQ(rec.status, 302);
    EXPECT_EQ(rec.fault, "redirect");
  }
  EXPECT_EQ(origin[0].range, std::nullopt);
  EXPECT_EQ(origin[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(origin[1].if_range, etag);

  const auto mirrored = get_requests(mirror.wait_for_log(2));
  ASSERT_EQ(mirrored.size(), 2u);
  EXPECT_EQ(mirrored[0].status, 200);
  EXPECT_EQ(mirrored[0].range, std::nullopt);
  EXPECT_EQ(mirrored[0].bytes_sent, k50);
  EXPECT_EQ(mirrored[1].status, 206);
  EXPECT_EQ(mirrored[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(mirrored[1].if_range, etag);
  EXPECT_EQ(mirrored[1].bytes_sent, kSize - k50);
}

// A 301 is not remembered: attempt 2 asks the origin again, which answers the Range itself,
// checked against the validators of the bytes the mirror sent.
TEST_F(ClientServerTest, APermanentRedirectIsNotRememberedAndTheOriginMaySendTheRest) {
  FaultServer mirror(mirror_scenario("attempts:\n  - drop: {at: 50%, how: reset}\n"));
  start(scenario(
      fmt::format("attempts:\n  - redirect: {{to: \"{}\", code: 301}}\n  - {{}}\n", mirror.url())));
  const std::string etag = etag_now();

  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_TRUE(r.restarts.empty());
  expect_output_is(1, kSize);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].redirects, 1u);
  EXPECT_EQ(r.attempt_log[1].redirects, 0u);

  const auto origin = get_requests(log_with(3));
  ASSERT_EQ(origin.size(), 2u);
  EXPECT_EQ(origin[0].status, 301);
  EXPECT_EQ(origin[1].status, 206);
  EXPECT_EQ(origin[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(origin[1].if_range, etag);
  EXPECT_EQ(origin[1].bytes_sent, kSize - k50);
  const auto mirrored = get_requests(mirror.wait_for_log(1));
  ASSERT_EQ(mirrored.size(), 1u);
  EXPECT_EQ(mirrored[0].bytes_sent, k50);
}

// The mirror changes the resource between the attempts: its answer to If-Range is a 200 of
// the new version, which the client takes from byte 0 exactly as it would from the origin.
TEST_F(ClientServerTest, AMirrorsAnswerToTheResumedAttemptIsCheckedAsTheOrigins) {
  FaultServer mirror(mirror_scenario(kDropThenChange));
  start(scenario(fmt::format("faults:\n  - redirect: {{to: \"{}\", code: 307}}\n", mirror.url())));

  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  expect_output_is(2, kSize);  // generation 1 of the mirror's resource: content seed 2
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].attempt, 2u);
  EXPECT_EQ(r.restarts[0].discarded, k50);
  EXPECT_EQ(r.bytes_received, k50 + kSize);

  const auto mirrored = get_requests(mirror.wait_for_log(2));
  ASSERT_EQ(mirrored.size(), 2u);
  EXPECT_EQ(mirrored[1].range, fmt::format("bytes={}-", k50));
  EXPECT_TRUE(mirrored[1].if_range.has_value());
  EXPECT_EQ(mirrored[1].status, 200);
  EXPECT_EQ(mirrored[1].content_seed, 2u);
}

// A loopback listener that answers its k-th connection with answers[k] and keeps the request
// head (up to the blank line) each one sent. It listens from construction (so two of them
// can name each other), answers from serve(). Every wait is bounded: 5 s per accept and read.
class HeadCapture {
 public:
  HeadCapture() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = sisyphus::testing::loopback_address(0);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 4) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  HeadCapture(const HeadCapture&) = delete;
  HeadCapture& operator=(const HeadCapture&) = delete;
  ~HeadCapture() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }

  std::string origin() const { return fmt::format("127.0.0.1:{}", port_); }
  void serve(std::vector<std::string> answers) {
    thread_ = std::thread([this, answers = std::move(answers)] {
      for (const auto& answer : answers) {
        if (!answer_one(answer)) return;
      }
    });
  }
  // The heads once every answer was sent (or a wait ran out).
  std::vector<std::string> heads() {
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    return heads_;
  }

 private:
  bool answer_one(const std::string& answer) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return false;
    const int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0) return false;
    timeval tv{5, 0};
    ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard lock(mutex_);
      heads_.push_back(head);
    }
    (void)::send(conn, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::shutdown(conn, SHUT_RDWR);
    ::close(conn);
    return true;
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> heads_;
};

std::string redirect_to(std::string_view location) {
  return fmt::format(
      "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      location);
}

constexpr std::string_view kHello =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

// The head the client sends for `target` to `host`: `extra` (fields, each with CRLF), then the
// digest preferences it sends on every request.
std::string expected_head(std::string_view target, std::string_view host, std::string_view extra) {
  return fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: sisyphus/{}\r\nAccept: */*\r\n"
      "Accept-Encoding: identity\r\n{}Want-Repr-Digest: sha-256=10\r\n"
      "Want-Content-Digest: sha-256=10\r\n\r\n",
      target, host, kVersion, extra);
}

// Another port is another origin (RFC 6454): the mirror gets neither the userinfo's
// Authorization nor the Cookie header, only the other headers; the origin got all of them.
TEST(ClientCredentials, AreNotSentToAnotherOriginAfterARedirect) {
  HeadCapture origin, mirror;
  origin.serve({redirect_to(fmt::format("http://{}/m?x=1", mirror.origin()))});
  mirror.serve({std::string(kHello)});
  TempDir dir;
  // "p@ss" percent-encoded in the URL: Basic base64("user:p@ss").
  Options o =
      quick_options(fmt::format("http://user:p%40ss@{}/file", origin.origin()), dir / "out.bin");
  o.headers = {{"Cookie", "session=42"}, {"X-Trace", "7"}};
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(read_file(dir / "out.bin"), "hello");
  EXPECT_EQ(origin.heads(),
            std::vector<std::string>{expected_head(
                "/file", origin.origin(),
                "Authorization: Basic dXNlcjpwQHNz\r\nCookie: session=42\r\nX-Trace: 7\r\n")});
  EXPECT_EQ(mirror.heads(),
            std::vector<std::string>{expected_head("/m?x=1", mirror.origin(), "X-Trace: 7\r\n")});
}

// Within one origin a redirect keeps them, and back on it from another origin they are sent
// again. A caller's Authorization header replaces the userinfo's (one field, as curl's -H).
TEST(ClientCredentials, FollowARedirectWithinTheOriginAndComeBackWithIt) {
  HeadCapture origin, mirror;
  origin.serve({redirect_to("/second"), redirect_to(fmt::format("http://{}/m", mirror.origin())),
                std::string(kHello)});
  mirror.serve({redirect_to(fmt::format("http://{}/back", origin.origin()))});
  TempDir dir;
  Options o = quick_options(fmt::format("http://u:p@{}/first", origin.origin()), dir / "out.bin");
  o.headers = {{"Authorization", "Bearer t0k"}, {"Cookie", "c=1"}};
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(read_file(dir / "out.bin"), "hello");
  EXPECT_EQ(r.attempt_log.at(0).redirects, 3u);
  const std::string creds = "Authorization: Bearer t0k\r\nCookie: c=1\r\n";
  EXPECT_EQ(origin.heads(),
            (std::vector<std::string>{expected_head("/first", origin.origin(), creds),
                                      expected_head("/second", origin.origin(), creds),
                                      expected_head("/back", origin.origin(), creds)}));
  EXPECT_EQ(mirror.heads(), std::vector<std::string>{expected_head("/m", mirror.origin(), "")});
}

}  // namespace
}  // namespace sisyphus::client::test
