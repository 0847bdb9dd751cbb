#pragma once
// The base of every server connection (the origin, proxy and admin sessions): one socket on
// its own strand, a watchdog deadline that cancels the socket's pending operations when it
// passes (header timeout, idle keep-alive, a reader that stopped reading), reading requests
// within those timeouts and the start of their log records, cancellable sleeps, and the ways
// a connection ends: FIN after every written byte, RST after draining the send queue.
// Responses go out through PlanExecutor and BodyWriter (plan_executor.hpp, body_writer.hpp).
// Internal to the proxy library (Asio types).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/server_core.hpp"

namespace sisyphus::proxy {

namespace asio = boost::asio;

class Connection : public Abortable, public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(asio::ip::tcp::socket socket, std::shared_ptr<ServerCore> core, bool counted);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Counts this connection in `load` (how many its io_context serves) until it ends.
  void count_on(std::shared_ptr<std::atomic<int>> load);
  // Registers with the core and spawns the request loop and the watchdog on the socket's
  // strand.
  void start();
  // Thread-safe: closes the socket and wakes every wait; the request loop then unwinds.
  void abort() override;
  // Whether the socket can be read (or written) now without waiting (or has failed, so that
  // the read or write would fail at once).
  bool ready(asio::socket_base::wait_type what);

  // server.outages (docs/server.md, "Overload and outages"): at `when` the response in flight
  // dies as `how` says (reset: RST; refuse, 503: close), unless disarm_outage() came first.
  // The timer runs on this connection's strand, like everything else of it.
  void arm_outage(Clock::time_point when, model::OutageHow how);
  void disarm_outage();
  // How an outage killed this connection's response, or nullopt.
  const std::optional<model::OutageHow>& killed_by_outage() const { return killed_by_; }
  ServerCore& core() const { return *core_; }
  // The connection comes from the TLS front of an HTTPS listener (tls/tls_front.hpp), which
  // shares `link`: before start().
  void relay_tls(std::shared_ptr<struct TlsLink> link) { tls_link_ = std::move(link); }
  bool tls() const { return tls_link_ != nullptr; }  // served over HTTPS
  // The client's address: the socket's peer, or over HTTPS the front's.
  std::string peer_address() const;

 protected:
  // They execute response plans on this connection (plan_executor.hpp, body_writer.hpp).
  friend class PlanExecutor;
  friend class BodyWriter;

  // Pending and later socket operations fail with operation_aborted once `d` from now has
  // passed; timed_out() then says why.
  void set_deadline(Duration d);
  void clear_deadline();
  bool timed_out() const { return timed_out_; }
  void clear_timed_out() { timed_out_ = false; }

  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  // How a session reads its requests.
  struct RequestLimits {
    std::uint32_t head = 16 * 1024;    // bytes of request line and fields, in all: else 431
    std::uint64_t body = 0;            // request body bytes: else 413
    bool answer_100_continue = false;  // send `100 Continue` before reading an expected body
  };
  // Why reading a request failed and the status that answers it (0: the client went away
  // mid-request, nothing to answer).
  struct ReadFailure {
    int status = 0;
    std::string why;
  };
  // The next request on a kept-alive connection.
  struct NextRequest {
    bool arrived = false;  // false: the client left or idled out between requests (or the
                           // server is stopping): nothing to answer, nothing to log
    Clock::time_point started;
    std::optional<ReadFailure> failure;  // set when it began but could not be read whole
  };

  // What a session does with its requests, which the connection reads one after the other
  // (keep-alive) until it ends: how they are read, the answer to one read whole (returning
  // whether the connection can take another), and to one that could not be read, after
  // which the connection ends.
  virtual RequestLimits request_limits() const = 0;
  virtual asio::awaitable<bool> handle(Request& request, Clock::time_point started) = 0;
  virtual asio::awaitable<void> reject(const RequestParser& parser, const NextRequest& next) = 0;

  // The log record's connection, protocol and stream: this connection's, or over HTTPS the
  // client's connection (the TLS front's) and over HTTP/2 the stream's.
  void describe_transport(LogRecord& record, unsigned version) const;
  // The log record of a request that could not be read: what its parser got of it, and why.
  LogRecord unread_request_record(const RequestParser& parser, const NextRequest& next) const;
  // The start of a read request's log record: when it began, on which connection, its
  // method, target (the session replaces it with the decoded path), Range and If-Range.
  LogRecord request_record(const Request& request, Clock::time_point started) const;
  // Whether the client lets the connection take another request after this one: HTTP/1.1
  // without Connection: close. HTTP/1.0 connections are not kept (no keep-alive negotiation);
  // the parser admits no other version.
  static bool keeps_alive(const Request& request) {
    return request.version() >= 11 && request.keep_alive();
  }

  // Waits until ready(what), within the deadline the caller set: no buffer needs to exist
  // meanwhile (an idle connection, a reader that stopped reading).
  asio::awaitable<boost::system::error_code> wait_ready(asio::socket_base::wait_type what);

  // false when the connection was aborted meanwhile.
  asio::awaitable<bool> sleep_for(Duration d);
  asio::awaitable<bool> sleep_until(Clock::time_point t);

  // Waits (polling SIOCOUTQ every millisecond, at most `bound`) until the kernel has no
  // unacknowledged bytes for this socket: everything written has reached the peer's stack.
  // false when the bound passed or the peer reset (its unacknowledged bytes never will be).
  asio::awaitable<bool> drain_send_queue(Duration bound);
  // Server-initiated end of the connection: FIN after every written byte, then close.
  // Unread input is discarded first so that the close does not turn into an RST. Over HTTPS
  // the client's stream ends as `end` says (TLS close_notify or not; over HTTP/2 the stream
  // or the connection: tls/tls_front.hpp).
  asio::awaitable<void> close_with_fin(const StreamEnd& end = {});
  // RST after every written byte reached the peer (SO_LINGER {1, 0} then close).
  asio::awaitable<void> close_with_rst();
  // The answers to a request turned away by server.max_active or server.outages.
  friend asio::awaitable<bool> write_turnaway(Connection& connection, const struct Turnaway& t,
                                              bool head, bool keep_alive, LogRecord& record,
                                              Clock::time_point started);

  asio::ip::tcp::socket socket_;
  std::shared_ptr<ServerCore> core_;
  std::shared_ptr<struct TlsLink> tls_link_;  // over HTTPS only
  std::uint64_t id_ = 0;
  // Bytes read from the client and not yet parsed. Emptied of its storage once a request
  // is read, so a connection between requests holds none.
  boost::beast::flat_buffer buffer_;

 private:
  ReadFailure classify_read_failure(boost::system::error_code ec,
                                    const RequestLimits& limits) const;
  // Reads a request's head into `parser`, from buffer_ and then the socket (the caller sets
  // the deadline); a head of more than `limit` bytes in all fails with header_limit. (Beast
  // 1.81 applies the parser's own header_limit to each window of unparsed bytes, and parsed
  // fields leave the window, so many small fields would get through.)
  asio::awaitable<boost::system::error_code> read_request_head(RequestParser& parser,
                                                               std::uint32_t limit);

  // The request loop: each request goes to handle() or reject().
  asio::awaitable<void> serve_requests();
  // Waits for the next request, within the header timeout for the connection's first and
  // the idle keep-alive timeout for later ones, then reads all of it into `parser` within
  // the header timeout (slow-loris defence).
  asio::awaitable<NextRequest> read_request(RequestParser& parser, const RequestLimits& limits);
  asio::awaitable<void> watchdog();
  void discard_pending_input();

  // The watchdog's timer, armed no later than deadline_at_ (set_deadline()).
  asio::steady_timer deadline_;
  Clock::time_point deadline_at_ = Clock::time_point::max();
  asio::steady_timer sleeper_;
  asio::steady_timer outage_timer_;
  std::optional<model::OutageHow> killed_by_;
  bool counted_;
  std::shared_ptr<std::atomic<int>> load_;
  bool timed_out_ = false;
  bool aborted_ = false;
  bool awaited_request_ = false;  // read_request() has waited once: later waits are idle ones
  bool finished_ = false;
};

}  // namespace sisyphus::proxy
