#include "tls/h2_session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace sisyphus::proxy {
namespace {
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// Response bytes a stream holds for nghttp2 before it stops reading its session: flow
// control lets nghttp2 take them as the client's window allows.
constexpr std::size_t kStreamBuffer = 64 * 1024;
constexpr std::uint32_t kMaxConcurrentStreams = 100;

// Fields that mean something only on an HTTP/1.1 connection (RFC 9113 §8.2.2).
bool connection_specific(std::string_view name) {
  static constexpr std::string_view kNames[] = {"connection", "keep-alive", "proxy-connection",
                                                "transfer-encoding", "upgrade"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

nghttp2_nv field(const std::string& name, const std::string& value) {
  // nghttp2 copies both (no NO_COPY flags): the strings need live only through the submit.
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

struct H2Session::Stream {
  explicit Stream(const asio::any_io_executor& ex, std::int32_t stream_id)
      : id(stream_id), inner(ex), drained(ex) {
    drained.expires_at(asio::steady_timer::time_point::max());
  }
  std::int32_t id;
  std::string method, path, authority;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  tcp::socket inner;
  std::shared_ptr<TlsLink> link = std::make_shared<TlsLink>();
  std::uint16_t port = 0;
  // The answer's body bytes nghttp2 has not taken yet, from `taken` on.
  std::string pending;
  std::size_t taken = 0;
  bool body_done = false;      // the message ended as framed: EOF once pending is taken
  bool deferred = false;       // the data source said NGHTTP2_ERR_DEFERRED: resume it
  bool closed = false;         // nghttp2 closed the stream (ended, or reset by the client)
  asio::steady_timer drained;  // woken when nghttp2 takes pending bytes or closes the stream
  std::size_t held() const { return pending.size() - taken; }
};

H2Session::H2Session(ClientChannel& client, asio::any_io_executor ex, tcp::endpoint sessions,
                     std::shared_ptr<TlsLinks> links, std::string client_address,
                     std::uint64_t connection)
    : client_(client),
      ex_(std::move(ex)),
      sessions_(sessions),
      links_(std::move(links)),
      client_address_(std::move(client_address)),
      connection_(connection),
      streams_done_(ex_),
      sent_(ex_) {
  streams_done_.expires_at(asio::steady_timer::time_point::max());
  sent_.expires_at(asio::steady_timer::time_point::max());
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &on_stream_close);
  nghttp2_session_server_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
}

H2Session::~H2Session() {
  nghttp2_session_del(session_);
}

asio::awaitable<void> H2Session::run() {
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  co_await send_pending();
  std::array<char, 16 * 1024> in;
  while (!ending_) {
    boost::system::error_code ec;
    const std::size_t n = co_await client_.read(in, ec);
    if (n == 0 || ending_) break;
    const auto used =
        nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(in.data()), n);
    if (used < 0) break;  // not HTTP/2: nghttp2 queued a GOAWAY, sent below
    co_await send_pending();
    if (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0) {
      break;
    }
  }
  if (!ending_) {
    ending_ = true;
    co_await flush_all();
    co_await client_.end_with_fin(true);
  }
  end_all_streams();
  while (running_streams_ > 0) co_await streams_done_.async_wait(nothrow);
}

void H2Session::end_all_streams() {
  for (auto& [id, s] : streams_) {
    boost::system::error_code ec;
    s->inner.set_option(asio::socket_base::linger(true, 0), ec);
    s->inner.close(ec);
    s->closed = true;
    s->drained.cancel();
  }
}

asio::awaitable<void> H2Session::send_pending() {
  if (sending_) co_return;
  sending_ = true;
  std::string out;
  for (;;) {
    out.clear();
    // Frames to the client in writes of up to 64 KiB; what nghttp2 hands over lives only
    // until its next call, so it is copied.
    while (out.size() < 64 * 1024) {
      const std::uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n <= 0) break;
      out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (out.empty()) break;
    if (!co_await client_.write(out)) {
      ending_ = true;
      break;
    }
  }
  sending_ = false;
  sent_.cancel();
}

asio::awaitable<void> H2Session::flush_all() {
  co_await send_pending();
  while (sending_) co_await sent_.async_wait(nothrow);
}

int H2Session::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto* h2 = static_cast<H2Session*>(self);
  if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    h2->streams_[frame->hd.stream_id] = std::make_shared<Stream>(h2->ex_, frame->hd.stream_id);
  }
  return 0;
}

int H2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                         std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                         std::uint8_t, void* self) {
  auto* h2 = static_cast<H2Session*>(self);
  auto it = h2->streams_.find(frame->hd.stream_id);
  if (it == h2->streams_.end()) return 0;
  Stream& s = *it->second;
  const std::string_view n(reinterpret_cast<const char*>(name), namelen);
  std::string v(reinterpret_cast<const char*>(value), valuelen);
  if (n == ":method") {
    s.method = std::move(v);
  } else if (n == ":path") {
    s.path = std::move(v);
  } else if (n == ":authority") {
    s.authority = std::move(v);
  } else if (!n.starts_with(':')) {
    s.headers.emplace_back(std::string(n), std::move(v));
  }
  return 0;
}

int H2Session::on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream_id,
                             const std::uint8_t* data, std::size_t len, void* self) {
  auto* h2 = static_cast<H2Session*>(self);
  if (auto it = h2->streams_.find(stream_id); it != h2->streams_.end()) {
    it->second->body.append(reinterpret_cast<const char*>(data), len);
  }
  return 0;
}

int H2Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto* h2 = static_cast<H2Session*>(self);
  const bool request_end = (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
                           (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  if (!request_end || h2->ending_) return 0;
  auto it = h2->streams_.find(frame->hd.stream_id);
  if (it == h2->streams_.end()) return 0;
  ++h2->running_streams_;
  asio::co_spawn(h2->ex_, h2->serve_stream(it->second), asio::detached);
  return 0;
}

int H2Session::on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t,
                               void* self) {
  auto* h2 = static_cast<H2Session*>(self);
  auto it = h2->streams_.find(stream_id);
  if (it == h2->streams_.end()) return 0;
  Stream& s = *it->second;
  s.closed = true;
  s.drained.cancel();
  // A stream the client reset before its answer ended: the session's writes fail from now
  // on, as a reset connection's do over HTTP/1.1.
  if (!s.body_done) {
    boost::system::error_code ec;
    s.inner.set_option(asio::socket_base::linger(true, 0), ec);
    s.inner.close(ec);
  }
  h2->streams_.erase(it);
  return 0;
}

ssize_t H2Session::read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                             std::uint32_t* data_flags, nghttp2_data_source* source, void*) {
  auto* s = static_cast<Stream*>(source->ptr);
  const std::size_t n = std::min(length, s->held());
  if (n == 0 && !s->body_done) {
    s->deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  std::memcpy(buf, s->pending.data() + s->taken, n);
  s->taken += n;
  if (s->taken == s->pending.size()) {
    s->pending.clear();
    s->taken = 0;
  }
  if (s->held() == 0 && s->body_done) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  s->drained.cancel();
  return static_cast<ssize_t>(n);
}

asio::awaitable<void> H2Session::serve_stream(std::shared_ptr<Stream> s) {
  struct Done {
    H2Session* h2;
    ~Done() {
      --h2->running_streams_;
      h2->streams_done_.cancel();
    }
  } done{this};
  s->link->client_address = client_address_;
  s->link->connection = connection_;
  s->link->stream = static_cast<std::uint32_t>(s->id);
  if (!co_await connect_to_sessions(s->inner, sessions_, *links_, s->link, s->port)) {
    if (!ending_ && !s->closed) {
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_REFUSED_STREAM);
      co_await send_pending();
    }
    co_return;
  }
  // The request as HTTP/1.1, one per connection.
  std::string request =
      fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\n", s->method, s->path, s->authority);
  for (const auto& [name, value] : s->headers) {
    if (connection_specific(name) || name == "host" || name == "te") continue;
    request += fmt::format("{}: {}\r\n", name, value);
  }
  if (!s->body.empty()) request += fmt::format("Content-Length: {}\r\n", s->body.size());
  request += "Connection: close\r\n\r\n";
  request += s->body;
  auto [wec, wn] = co_await asio::async_write(s->inner, asio::buffer(request), nothrow);

  boost::beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  parser.skip(s->method == "HEAD");
  auto [hec, hn] = co_await http::async_read_header(s->inner, buffer, parser, nothrow);
  if (ending_ || s->closed) co_return;
  if (wec || hec) {
    // No answer came (empty_reply, head_cut, garbage, a session that reset): there is
    // nothing to put in a HEADERS frame, so the stream ends as the cut says.
    co_await end_stream_at_cut(*s, hec == asio::error::connection_reset);
    co_return;
  }
  const auto& head = parser.get();
  std::vector<std::string> names, values;
  names.emplace_back(":status");
  values.push_back(std::to_string(head.result_int()));
  for (const auto& f : head) {
    std::string name = lower(std::string_view(f.name_string().data(), f.name_string().size()));
    if (connection_specific(name)) continue;
    names.push_back(std::move(name));
    values.emplace_back(f.value().data(), f.value().size());
  }
  std::vector<nghttp2_nv> nva;
  for (std::size_t i = 0; i < names.size(); ++i) nva.push_back(field(names[i], values[i]));
  nghttp2_data_provider provider{};
  provider.source.ptr = s.get();
  provider.read_callback = &read_body;
  const bool no_body = parser.is_done();
  s->body_done = no_body;
  nghttp2_submit_response(session_, s->id, nva.data(), nva.size(), no_body ? nullptr : &provider);
  co_await send_pending();

  boost::system::error_code ec;
  std::array<char, 16 * 1024> chunk;
  while (!parser.is_done() && !ending_ && !s->closed) {
    while (s->held() >= kStreamBuffer && !ending_ && !s->closed) {
      co_await s->drained.async_wait(nothrow);
    }
    if (ending_ || s->closed) break;
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    std::tie(ec, std::ignore) = co_await http::async_read(s->inner, buffer, parser, nothrow);
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0 && !s->closed) {
      s->pending.append(chunk.data(), got);
      if (s->deferred) {
        s->deferred = false;
        nghttp2_session_resume_data(session_, s->id);
      }
      co_await send_pending();
    }
    if (ec == http::error::need_buffer) ec = {};
    if (ec) break;
  }
  if (ending_ || s->closed) co_return;
  if (parser.is_done()) {
    s->body_done = true;
    if (s->deferred) {
      s->deferred = false;
      nghttp2_session_resume_data(session_, s->id);
    }
    co_await send_pending();
    co_return;
  }
  co_await end_stream_at_cut(*s, ec == asio::error::connection_reset);
}

asio::awaitable<void> H2Session::end_stream_at_cut(Stream& s, bool reset) {
  // Every byte before the cut goes out in DATA frames first, as far as the client's window
  // lets it (a client that grants none keeps the stream until it goes).
  while (s.held() > 0 && !ending_ && !s.closed) co_await s.drained.async_wait(nothrow);
  if (ending_) co_return;
  co_await flush_all();
  if (ending_) co_return;
  const StreamEnd end = s.link->end();
  if (reset) {
    ending_ = true;
    co_await client_.end_with_rst();
    co_return;
  }
  switch (end.h2) {
    case StreamEnd::H2::rst_stream:
      if (!s.closed) {
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, end.h2_error);
        co_await send_pending();
      }
      co_return;
    case StreamEnd::H2::goaway:
      nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                            nghttp2_session_get_last_proc_stream_id(session_), end.h2_error,
                            nullptr, 0);
      ending_ = true;
      co_await flush_all();
      co_await client_.end_with_fin(true);
      co_return;
    case StreamEnd::H2::connection:
      ending_ = true;
      co_await client_.end_with_fin(end.close_notify);
      co_return;
  }
}

}  // namespace sisyphus::proxy
