#pragma once
// One client connection of `sisyphus proxy`: reads requests (keep-alive), forwards each to
// the configured upstream over a pooled connection, and streams the answer back through the
// fault plan (BodyWriter), with resource offsets taken from the upstream's Content-Range.
// Logs every request like the origin server. proxy_session.cpp reads, checks and forwards,
// and answers itself through origin/response_writer.hpp (errors, refusals, status faults);
// proxy_relay.cpp relays the upstream's answer through wire/plan_executor.hpp.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "origin/response_spec.hpp"
#include "relay/recorder.hpp"
#include "relay/upstream.hpp"
#include "wire/connection.hpp"
#include "wire/plan_executor.hpp"

namespace sisyphus::proxy {

namespace beast = boost::beast;
namespace http = beast::http;

class ProxySession final : public Connection {
 public:
  ProxySession(asio::ip::tcp::socket socket, std::shared_ptr<ServerCore> core,
               std::shared_ptr<UpstreamPool> pool);
  ~ProxySession() override;
  // Also cancels whatever the upstream connection in use is waiting for.
  void abort() override;

 private:
  using UpstreamParser = http::response_parser<http::buffer_body>;

  // What the scenario says about one forwarded request.
  struct Exchange {
    std::string path;      // decoded, for the glob and the log
    bool faulted = false;  // the path matches resource.path: faults, ranges, changes apply
    std::string client;    // Sisyphus-Client token, "" when none: attempts are numbered by it
    std::uint32_t attempt = 0;
    std::uint32_t generation = 0;
    bool strip_ranges = false;  // server.ranges: false, or If-Range of another generation
    bool head = false;
    unsigned client_version = 11;
    std::shared_ptr<ScenarioState> state;
  };

  // Request bodies are read whole before forwarding.
  RequestLimits request_limits() const override;
  // Refuses, answers or forwards one request and logs it; returns whether the connection
  // can take another.
  asio::awaitable<bool> handle(Request& request, Clock::time_point started) override;
  // Answers a request that could not be read (400/408/413/431) and logs it.
  asio::awaitable<void> reject(const RequestParser& parser, const NextRequest& next) override;

  // The request as the upstream gets it: hop-by-hop fields dropped, Host set, Via and
  // X-Forwarded-For added, conditionals mapped back to the upstream's validators.
  Request upstream_request(const Request& request, Exchange& exchange) const;
  // Sends the request and reads the answer's head, on a pooled connection; once more on a
  // fresh one when a reused connection turns out to be closed. Leaves upstream_ and
  // parser_ ready for the body; nullopt on success, else what went wrong.
  asio::awaitable<std::optional<UpstreamFailure>> exchange_head(const Request& request,
                                                                bool may_retry);
  // Relays the upstream's answer (proxy_relay.cpp); returns whether the client connection
  // can take another request.
  asio::awaitable<bool> relay(const Exchange& exchange, bool keep_alive, LogRecord& record,
                              Clock::time_point started);

  // A response made here (an error, a refusal, a status fault), executed with `plan`, then
  // logged; returns whether the connection can take another request.
  asio::awaitable<bool> finish_local(const ResponseSpec& spec, const ResponsePlan& plan,
                                     bool keep_alive, LogRecord& record, Clock::time_point started);

  // The log names only the cuts the proxy executed (plan_executor.hpp).
  static constexpr UnexecutedCut kUnexecutedCut = UnexecutedCut::never_named;

  // One piece of the upstream's body into relay_buffer_: bytes read, whether the body ended
  // as framed, and why reading failed (nullopt when it did not).
  struct Piece {
    std::size_t size = 0;
    bool done = false;
    std::optional<std::string> error;
    UpstreamEnd end = UpstreamEnd::complete;  // with an error: how the upstream ended it
  };
  asio::awaitable<Piece> read_piece();
  // The zero-copy path for a plain-TCP Content-Length body: up to `max` bytes spliced from
  // the upstream socket into pipe_ (BodyWriter::write_from_pipe() sends them on).
  asio::awaitable<Piece> splice_piece(std::uint64_t max);
  bool open_pipe();   // false when no pipe can be had (then bytes are copied)
  void close_pipe();  // also after a body that left bytes in it

  std::shared_ptr<UpstreamPool> pool_;
  std::shared_ptr<UpstreamConnection> upstream_;  // in use by the current request
  std::optional<UpstreamParser> parser_;
  // Body framing of the upstream's answer once its head is read: a Content-Length body is
  // read straight from the socket (no copy through the parser); others through parser_.
  std::optional<std::uint64_t> upstream_remaining_;
  // The copying path's piece of the upstream's body (relay_piece_size()): allocated when a
  // response's body starts and freed when it ends, so a connection between responses holds
  // none (it held 256 KiB from accept on: docs/server.md "Holding a herd").
  std::vector<std::byte> relay_buffer_;
  // Sizes relay_buffer_ (0 frees it) and keeps Stats::relay_buffer_bytes in step.
  void hold_relay_buffer(std::size_t size);
  int pipe_[2] = {-1, -1};
  std::size_t pipe_capacity_ = 0;
};

}  // namespace sisyphus::proxy
