#pragma once
// HTTP/2 for a client that chose h2 by ALPN (docs/server.md "HTTP/2"). nghttp2 speaks the
// protocol; the streams are ours: each request goes, as HTTP/1.1 with Connection: close,
// over a loopback connection of its own to the server's sessions (as the TLS front's bytes
// do), and the answer comes back as the stream's HEADERS and DATA. So a stream gets exactly
// the faults, offsets and throttles an HTTP/1.1 request gets, and the fault plan is executed
// per stream. How its session ends is mapped onto the stream: a complete message ends it
// (END_STREAM); a cut after every byte before it went out in DATA frames ends it as the
// cut's StreamEnd says: RST_STREAM with its code (the connection lives), GOAWAY then close,
// or the connection's end (FIN with or without close_notify; an RST for how: reset).
// Internal to the proxy library.
#include <nghttp2/nghttp2.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "server/server_core.hpp"
#include "tls/tls_front.hpp"

namespace sisyphus::proxy {

class H2Session {
 public:
  // `connection`: the client connection's id, for the streams' log records.
  H2Session(ClientChannel& client, asio::any_io_executor ex, asio::ip::tcp::endpoint sessions,
            std::shared_ptr<TlsLinks> links, std::string client_address, std::uint64_t connection);
  ~H2Session();
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  // Serves the connection until it ends; every stream has ended when it returns.
  asio::awaitable<void> run();

 private:
  struct Stream;
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t flags, void* self);
  static int on_data_chunk(nghttp2_session*, std::uint8_t flags, std::int32_t stream_id,
                           const std::uint8_t* data, std::size_t len, void* self);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code,
                             void* self);
  static ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* data_flags,
                           nghttp2_data_source* source, void* self);

  // Writes whatever nghttp2 has to send; one writer at a time (a later call while one
  // writes returns at once: the writer picks up what was queued meanwhile).
  asio::awaitable<void> send_pending();
  // send_pending(), then waits until no write is in progress: every frame queued so far is
  // with the client's TCP.
  asio::awaitable<void> flush_all();
  // One stream: its request to a session, the session's answer into HEADERS and DATA.
  asio::awaitable<void> serve_stream(std::shared_ptr<Stream> s);
  asio::awaitable<void> end_stream_at_cut(Stream& s, bool reset);
  void end_all_streams();

  ClientChannel& client_;
  asio::any_io_executor ex_;
  asio::ip::tcp::endpoint sessions_;
  std::shared_ptr<TlsLinks> links_;
  std::string client_address_;
  std::uint64_t connection_;
  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, std::shared_ptr<Stream>> streams_;
  int running_streams_ = 0;
  asio::steady_timer streams_done_;  // woken when a stream's coroutine ends
  bool sending_ = false;
  asio::steady_timer sent_;  // woken when a send_pending() writer ends
  bool ending_ = false;      // the connection is ending: no stream acts on it any more
};

}  // namespace sisyphus::proxy
