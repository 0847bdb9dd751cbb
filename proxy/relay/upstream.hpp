#pragma once
// The upstream of `sisyphus proxy`: its URL, and a pool of kept-alive connections to it,
// plain TCP or TLS (SNI, certificate and host-name verification against the system store or
// a CA file, unless insecure). The proxy contacts nothing else: every connection of the
// pool goes to the one configured host and port. Internal to the proxy library.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/units.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::proxy {

namespace asio = boost::asio;

struct UpstreamUrl {
  bool tls = false;
  std::string host;  // as written, without IPv6 brackets
  std::uint16_t port = 0;
  std::string authority;  // the Host header: host, plus :port when not the scheme's default
  std::string base_path;  // prefix of every forwarded target: "" or "/prefix" (no trailing /)
  std::string text;       // "https://host:port/prefix", for messages

  // An http:// or https:// URL with a host, an optional port and an optional path prefix; no
  // user info, query or fragment. Throws sisyphus::ParseError saying what is wrong.
  static UpstreamUrl parse(std::string_view url);
};

// Why talking to the upstream failed, for the 502/504 body and the log.
struct UpstreamFailure {
  bool timeout = false;  // 504 rather than 502
  std::string what;
};

// One connection to the upstream. It is used by one session at a time, whose strand runs
// every operation on it; arm() bounds those operations with a timer whose handler runs on
// that strand too.
class UpstreamConnection : public std::enable_shared_from_this<UpstreamConnection> {
 public:
  // `ex` is the strand of the session that opens it: the socket is registered with that
  // session's io_context (and io thread).
  UpstreamConnection(asio::any_io_executor ex, asio::ssl::context* tls);

  asio::ip::tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
  bool is_tls() const { return tls_.has_value(); }
  // The io_context whose thread waits for this connection's readiness events.
  const asio::execution_context& context() const { return context_; }
  asio::ssl::stream<asio::ip::tcp::socket>& tls_stream() { return *tls_; }
  asio::ip::tcp::socket& plain() { return *plain_; }

  // Pending and later operations are cancelled once `d` has passed unless disarm() comes
  // first; timed_out() then says so. `session` is the strand the operations run on.
  void arm(const asio::any_io_executor& session, Duration d);
  void disarm();
  bool timed_out() const { return timed_out_; }
  void close();
  // An idle kept-alive connection is still usable: open, and nothing (not even a FIN) has
  // arrived since its last response.
  bool idle_and_open();
  // The same idle plain-TCP connection, registered with the io_context of `session` instead;
  // this object is left closed. nullptr when it cannot move (TLS, or the socket failed).
  std::shared_ptr<UpstreamConnection> move_to(const asio::any_io_executor& session);

  boost::beast::flat_buffer& buffer() { return buffer_; }
  std::uint32_t requests = 0;  // requests sent on it so far

 private:
  asio::execution_context& context_;
  std::optional<asio::ip::tcp::socket> plain_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> tls_;
  asio::steady_timer timer_;
  // Atomic: a deadline's handler may still run on the strand of the session that used the
  // connection before (it then only reads this and finds a newer generation).
  std::atomic<std::uint64_t> arm_generation_{0};
  bool timed_out_ = false;
  boost::beast::flat_buffer buffer_;
};

class UpstreamPool {
 public:
  // Throws std::runtime_error when the TLS settings cannot be used (unreadable CA file).
  UpstreamPool(UpstreamUrl url, const ServerOptions& options);

  const UpstreamUrl& url() const { return url_; }

  // An idle kept-alive connection when one is still open (unless `fresh`), preferably one on
  // the session's own io_context, else a new one on it: resolve, connect and TLS handshake
  // within the connect timeout. nullptr with `failure` set when that failed.
  asio::awaitable<std::shared_ptr<UpstreamConnection>> acquire(asio::any_io_executor session,
                                                               bool fresh,
                                                               UpstreamFailure& failure);
  // A connection whose last response was read completely and may be reused.
  void release(std::shared_ptr<UpstreamConnection> connection);
  void close_all();

  std::uint64_t connections_opened() const { return opened_.load(); }

 private:
  asio::awaitable<std::shared_ptr<UpstreamConnection>> connect(asio::any_io_executor session,
                                                               UpstreamFailure& failure);

  UpstreamUrl url_;
  Duration connect_timeout_;
  bool insecure_;
  std::size_t max_idle_;
  std::optional<asio::ssl::context> tls_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<UpstreamConnection>> idle_;
  std::atomic<std::uint64_t> opened_{0};
};

}  // namespace sisyphus::proxy
