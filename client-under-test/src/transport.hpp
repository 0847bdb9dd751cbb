#pragma once
// One HTTP/1.1 exchange over TCP or TLS: connect, send a GET, read the header, stream the
// body into caller buffers. Bodies with a Content-Length (or none: read to close) are read
// straight from the socket into the caller's buffer; only chunked bodies go through
// Beast's parser. Every operation has a deadline: min(now + per-operation timeout, the
// download's overall deadline).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "resume_policy.hpp"
#include "sisyphus/client/result.hpp"
#include "target.hpp"

namespace sisyphus::client::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

struct Timeouts {
  Duration connect{0};
  Duration read{0};
  Clock::time_point deadline = Clock::time_point::max();  // overall
};

// An error of the exchange, classified for the attempt log.
struct NetError {
  AttemptOutcome outcome = AttemptOutcome::interrupted;
  std::string detail;
};

struct Header {
  std::string name;  // lower-case
  std::string value;
};

class Connection {
 public:
  // `tls` is used for https targets; `insecure` skips certificate and host-name checks.
  Connection(asio::any_io_executor ex, asio::ssl::context* tls, bool insecure, Timeouts timeouts);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolve, connect and (https) handshake, all within the connect timeout.
  asio::awaitable<std::optional<NetError>> connect(const Target& target);
  asio::awaitable<std::optional<NetError>> send_get(const Target& target,
                                                    const std::vector<Header>& headers);
  asio::awaitable<std::optional<NetError>> read_head(ResponseSummary& out);

  // Reads some body bytes into `buf`: returns n > 0, or 0 with body_done() (the body ended
  // as framed), or 0 with an error (the body did not end as framed).
  asio::awaitable<std::pair<std::size_t, std::optional<NetError>>> read_body(
      std::span<std::byte> buf);
  bool body_done() const { return body_done_; }

  void close();

 private:
  template <class F>
  decltype(auto) with_stream(F&& f);
  void arm(Duration per_op);
  NetError classify(const error_code& ec, std::string_view during) const;

  asio::any_io_executor ex_;
  asio::ssl::context* tls_ctx_;
  bool insecure_;
  Timeouts timeouts_;
  std::optional<beast::tcp_stream> tcp_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::response_parser<beast::http::buffer_body>> parser_;
  enum class Framing { length, chunked, close } framing_ = Framing::close;
  std::uint64_t remaining_ = 0;  // Framing::length
  bool body_done_ = false;
  Duration armed_{0};
};

}  // namespace sisyphus::client::detail
