#pragma once
// A blocking raw-socket HTTP/1.1 client for the tests (sisyphus_testing).
//
// Unlike a real client library it hides nothing: it sends any bytes you give it (malformed
// request lines, 20 KiB headers, one byte a second), reads exactly one response head and
// body as framed by Content-Length or chunked encoding, keeps the raw bytes next to the
// decoded ones, and reports how the stream ended: `fin` when recv() returned 0 (the server
// closed), `rst` when it failed with ECONNRESET (the server reset), `timeout` when nothing
// arrived in time. That distinction is what the drop faults (close vs reset) are about.
//
//   auto c = RawClient::connect("127.0.0.1", port);
//   c.send(request("GET", "/file", {{"Range", "bytes=0-99"}}));
//   HttpResponse r = c.read_response();      // r.status, r.header("Content-Range"), r.body
//   EXPECT_EQ(r.end, End::complete);         // or End::fin / End::rst when the body was cut
//   EXPECT_EQ(c.wait_close(1s), End::fin);   // what the server did with the connection next
//
// Every call has a timeout; nothing blocks forever. Errors other than a reset throw
// std::runtime_error.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sisyphus::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// How reading stopped.
enum class End {
  complete,  // the message ended as framed (Content-Length reached / last chunk / no body)
  fin,       // the peer closed (recv returned 0) before that
  rst,       // the peer reset the connection (ECONNRESET) before that
  timeout,   // nothing more arrived within the timeout
};
const char* to_string(End end);

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::string reason;
  Headers headers;       // in order, names as sent
  std::string head;      // raw status line and header fields, including the blank line
  std::string body;      // body bytes, chunk framing removed
  std::string raw_body;  // body bytes exactly as received (with chunk framing)
  bool chunked = false;
  bool last_chunk = false;                 // chunked: the terminating 0-size chunk arrived
  std::vector<std::uint64_t> chunk_sizes;  // chunked: sizes of the data chunks received
  End end = End::complete;
  // When the request began to go: the start of the last send() before read_response(), or
  // the call of read_response() when nothing was sent since the previous response. Taken
  // before the request's first byte, so a server's delay measured from it is never short
  // (a client thread preempted between send and read would otherwise shorten it).
  Clock::time_point sent_at;
  Clock::time_point first_byte_at;  // first byte of the status line
  Clock::time_point head_at;        // head complete
  Clock::time_point done_at;        // reading stopped

  // First header with that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  std::size_t header_count(std::string_view name) const;
};

// "METHOD TARGET HTTP/1.1\r\nHost: HOST\r\n<headers>\r\n" (Host omitted when `host` is empty).
std::string request(std::string_view method, std::string_view target, const Headers& headers = {},
                    std::string_view host = "127.0.0.1");

class RawClient {
 public:
  // Connects to an IPv4 or IPv6 literal; throws on failure. A `receive_buffer` (bytes, 0:
  // the system's) is set as SO_RCVBUF before connecting, so that the window the client
  // offers is that small from the handshake on.
  static RawClient connect(const std::string& host, std::uint16_t port,
                           std::chrono::milliseconds timeout = 5s, int receive_buffer = 0);
  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&& other) noexcept;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  int fd() const { return fd_; }
  std::uint16_t local_port() const;  // the client's end of the connection
  // Sends all bytes; throws on error (including a reset: a test that sends into a reset
  // connection wants to know).
  void send(std::string_view bytes);
  // Like send() but returns false instead of throwing when the peer closed or reset.
  bool try_send(std::string_view bytes);
  void shutdown_send();
  // Shrinks SO_RCVBUF (before reading) so that the server's writes block sooner.
  void set_receive_buffer(int bytes);
  // SO_RCVBUF as the kernel keeps it (Linux doubles what was asked): at most this many
  // received bytes wait in the socket for the client to read them.
  int receive_buffer() const;

  // Reads a response head and not one byte after it (it peeks, then takes the head only), so
  // that the body stays in the socket, unread. Throws when no head arrives in `timeout`.
  std::string read_head_only(std::chrono::milliseconds timeout = 10s);

  // Reads one response. With `no_body` (HEAD, or a 1xx/204/304 is also detected itself) only
  // the head is read. `timeout` bounds the gap between two reads, not the whole response.
  HttpResponse read_response(bool no_body = false, std::chrono::milliseconds timeout = 10s);

  // Reads and discards whatever arrives until the peer closes (fin), resets (rst) or
  // `timeout` passes with no close (timeout). Bytes received meanwhile go to `extra`.
  End wait_close(std::chrono::milliseconds timeout, std::string* extra = nullptr);

  // Reads up to `max` bytes that arrive within `timeout` (for "nothing must arrive" checks).
  std::string read_some(std::chrono::milliseconds timeout, std::size_t max = 65536);

  void close();

 private:
  explicit RawClient(int fd) : fd_(fd) {}
  // Appends to buffer_; returns complete when bytes arrived, else fin/rst/timeout.
  End fill(std::chrono::milliseconds timeout);
  int fd_ = -1;
  std::string buffer_;  // received, not yet consumed
  std::optional<Clock::time_point> send_began_;  // since the last read_response()
};

// A client that dropped a response after its head: on a fresh connection to 127.0.0.1:`port`
// with SO_RCVBUF `receive_buffer` (RawClient::connect), it sent a GET of `target`, read the
// head of the answer (returned in `head`) and nothing else, and the server's socket now holds
// at least `server_unacknowledged` body bytes the client has not acknowledged
// (unacknowledged_bytes(), loopback.hpp). Throws when that does not happen within 5 s.
RawClient head_only_client(std::uint16_t port, std::string_view target, int receive_buffer,
                           std::uint64_t server_unacknowledged, std::string* head = nullptr);

// One request on a fresh connection: connect, send, read one response, close.
HttpResponse fetch(const std::string& host, std::uint16_t port, std::string_view method,
                   std::string_view target, const Headers& headers = {},
                   std::chrono::milliseconds timeout = 10s);

}  // namespace sisyphus::testing
