#include "tls/tls_front.hpp"

#include <openssl/err.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

#include "tls/h2_session.hpp"
#include "wire/delivery_ledger.hpp"

namespace sisyphus::proxy {
namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
using tcp = asio::ip::tcp;

// Bounds the wait for the client to acknowledge the bytes before a FIN or RST (as
// Connection::close_with_fin and close_with_rst do).
constexpr auto kDrainBound = std::chrono::seconds(5);

// nginx says the same to a plain request on an HTTPS port.
constexpr std::string_view kPlainHttpAnswer =
    "HTTP/1.1 400 Bad Request\r\n"
    "Server: sisyphus\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 48\r\n"
    "Connection: close\r\n"
    "\r\n"
    "The plain HTTP request was sent to HTTPS port.\r\n";
static_assert(std::string_view("The plain HTTP request was sent to HTTPS port.\r\n").size() == 48);

}  // namespace

void TlsLinks::add(std::uint16_t port, std::shared_ptr<TlsLink> link) {
  std::lock_guard lock(mutex_);
  links_[port] = std::move(link);
}

std::shared_ptr<TlsLink> TlsLinks::take(std::uint16_t port) {
  std::lock_guard lock(mutex_);
  auto it = links_.find(port);
  if (it == links_.end()) return nullptr;
  auto link = std::move(it->second);
  links_.erase(it);
  return link;
}

void TlsLinks::remove(std::uint16_t port) {
  std::lock_guard lock(mutex_);
  links_.erase(port);
}

TlsFront::TlsFront(tcp::socket client, std::shared_ptr<ServerCore> core, SSL_CTX* ctx,
                   tcp::endpoint inner, std::shared_ptr<TlsLinks> links)
    : client_(std::move(client)),
      inner_(client_.get_executor()),
      core_(std::move(core)),
      inner_endpoint_(inner),
      links_(std::move(links)),
      link_(std::make_shared<TlsLink>()),
      deadline_(client_.get_executor()),
      flushed_(client_.get_executor()) {
  deadline_.expires_at(Clock::time_point::max());
  flushed_.expires_at(Clock::time_point::max());
  ssl_ = SSL_new(ctx);
  if (ssl_ != nullptr) {
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_accept_state(ssl_);
  }
  boost::system::error_code ec;
  const auto remote = client_.remote_endpoint(ec);
  if (!ec) link_->client_address = remote.address().to_string();
}

TlsFront::~TlsFront() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (link_port_ != 0) links_->remove(link_port_);
  if (id_ != 0) core_->connection_closed(id_, false);
}

void TlsFront::start() {
  id_ = core_->connection_opened(weak_from_this(), false);
  link_->connection = id_;
  auto self = shared_from_this();
  asio::co_spawn(
      client_.get_executor(),
      [self]() -> asio::awaitable<void> {
        try {
          co_await self->run();
        } catch (const std::exception&) {
          // Whatever failed ends this connection, never the server.
        }
        self->close_all();
      },
      asio::detached);
  asio::co_spawn(
      client_.get_executor(), [self]() { return self->watchdog(); }, asio::detached);
}

void TlsFront::abort() {
  auto self = shared_from_this();
  asio::post(client_.get_executor(), [self] { self->close_all(); });
}

void TlsFront::close_all() {
  finished_ = true;
  boost::system::error_code ec;
  client_.close(ec);
  inner_.close(ec);
  deadline_.cancel();
  flushed_.cancel();
}

asio::awaitable<void> TlsFront::run() {
  using namespace asio::experimental::awaitable_operators;
  if (ssl_ == nullptr || !co_await handshake()) co_return;
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl_, &protocol, &length);
  if (length == 2 && protocol[0] == 'h' && protocol[1] == '2') {
    H2Session h2(*this, client_.get_executor(), inner_endpoint_, links_, link_->client_address,
                 id_);
    co_await h2.run();
    co_return;
  }
  if (!co_await connect_to_sessions(inner_, inner_endpoint_, *links_, link_, link_port_)) {
    co_return;
  }
  co_await (upstream() && downstream());
}

asio::awaitable<std::size_t> TlsFront::read(std::span<char> out, boost::system::error_code& ec) {
  for (;;) {
    const int n = SSL_read(ssl_, out.data(), static_cast<int>(out.size()));
    const int err = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_, n);
    if (BIO_ctrl_pending(out_) > 0) co_await flush();
    if (n > 0) co_return static_cast<std::size_t>(n);
    if (err == SSL_ERROR_WANT_READ) {
      ec = co_await read_client();
      if (ec) co_return 0;
      continue;
    }
    if (err == SSL_ERROR_ZERO_RETURN) {
      ec = asio::error::eof;  // close_notify: the client will send nothing more
    } else {
      ERR_clear_error();  // not TLS, or not this connection's: the alert went out
      ec = asio::error::connection_aborted;
    }
    co_return 0;
  }
}

asio::awaitable<bool> TlsFront::write(std::span<const char> bytes) {
  if (!bytes.empty() && SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) <= 0) {
    ERR_clear_error();
    co_return false;
  }
  co_return co_await flush();
}

asio::awaitable<boost::system::error_code> TlsFront::read_client() {
  auto [ec, n] = co_await client_.async_read_some(asio::buffer(read_buffer_), nothrow);
  if (n > 0) BIO_write(in_, read_buffer_.data(), static_cast<int>(n));
  co_return ec;
}

asio::awaitable<bool> TlsFront::handshake() {
  set_deadline(core_->options().header_timeout);
  auto [ec, n] = co_await client_.async_read_some(asio::buffer(read_buffer_), nothrow);
  if (ec) co_return false;
  // A TLS connection opens with a handshake record (0x16); a request line opens with a
  // method's capital letter.
  if (read_buffer_[0] >= 'A' && read_buffer_[0] <= 'Z') {
    co_await reject_plain_http();
    co_return false;
  }
  BIO_write(in_, read_buffer_.data(), static_cast<int>(n));
  for (;;) {
    const int r = SSL_do_handshake(ssl_);
    const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, r);
    if (BIO_ctrl_pending(out_) > 0 && !co_await flush()) co_return false;
    if (r == 1) break;
    if (err != SSL_ERROR_WANT_READ) {
      ERR_clear_error();
      co_return false;  // the alert (if any) went out with the flush
    }
    if (co_await read_client()) co_return false;
  }
  clear_deadline();
  co_return true;
}

asio::awaitable<void> TlsFront::reject_plain_http() {
  set_deadline(core_->options().header_timeout);
  co_await asio::async_write(client_, asio::buffer(kPlainHttpAnswer), nothrow);
  clear_deadline();
  co_await end_with_fin(false);
}

asio::awaitable<bool> connect_to_sessions(tcp::socket& inner, const tcp::endpoint& sessions,
                                          TlsLinks& links, const std::shared_ptr<TlsLink>& link,
                                          std::uint16_t& port) {
  boost::system::error_code ec;
  inner.open(sessions.protocol(), ec);
  if (!ec) inner.bind(tcp::endpoint(sessions.address(), 0), ec);
  if (ec) co_return false;
  port = inner.local_endpoint(ec).port();
  if (ec) co_return false;
  links.add(port, link);
  std::tie(ec) = co_await inner.async_connect(sessions, nothrow);
  if (ec) co_return false;
  inner.set_option(tcp::no_delay(true), ec);
  co_return true;
}

asio::awaitable<void> TlsFront::upstream() {
  std::array<char, 16 * 1024> plain;
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = co_await read(plain, ec);
    if (n > 0) {
      auto [wec, w] = co_await asio::async_write(inner_, asio::buffer(plain.data(), n), nothrow);
      if (wec) co_return;  // the session has ended; downstream() ends the client's stream
      continue;
    }
    if (ec == asio::error::eof) {
      // The client ended its stream (close_notify or a FIN): the session sees the end.
      boost::system::error_code ignored;
      inner_.shutdown(tcp::socket::shutdown_send, ignored);
    } else if (ec != asio::error::operation_aborted && client_.is_open()) {
      reset_inner();  // the client reset the connection, or spoke no TLS
    }
    co_return;
  }
}

asio::awaitable<void> TlsFront::downstream() {
  std::array<char, 16 * 1024> plain;
  for (;;) {
    auto [ec, n] = co_await inner_.async_read_some(asio::buffer(plain), nothrow);
    if (n > 0) {
      if (!co_await write(std::span<const char>(plain.data(), n))) {
        // The client is gone or stopped reading: the session's writes fail from now on.
        reset_inner();
        boost::system::error_code ignored;
        client_.close(ignored);
        co_return;
      }
      continue;
    }
    if (ec == asio::error::eof) {
      co_await end_with_fin(link_->end().close_notify);
    } else if (inner_.is_open() && ec != asio::error::operation_aborted) {
      co_await end_with_rst();  // the session reset its connection: so does the front
    }
    co_return;
  }
}

asio::awaitable<bool> TlsFront::flush() {
  while (writing_) {
    co_await flushed_.async_wait(nothrow);
    if (finished_) co_return false;
  }
  writing_ = true;
  bool ok = true;
  std::array<char, 32 * 1024> bytes;
  // Twice the idle timeout: a session whose client stopped reading gives up after one
  // (write timeout) and says so in the log; the front, which holds the client's socket, ends
  // the connection after it.
  const auto timeout = 2 * core_->options().idle_timeout;
  while (ok && BIO_ctrl_pending(out_) > 0) {
    const int n = BIO_read(out_, bytes.data(), static_cast<int>(bytes.size()));
    if (n <= 0) break;
    set_deadline(timeout);
    auto [ec, w] = co_await asio::async_write(
        client_, asio::buffer(bytes.data(), static_cast<std::size_t>(n)), nothrow);
    clear_deadline();
    ok = !ec;
  }
  writing_ = false;
  flushed_.cancel();
  co_return ok;
}

asio::awaitable<void> TlsFront::end_with_fin(bool close_notify) {
  if (close_notify) {
    SSL_shutdown(ssl_);  // queues the close_notify alert; the client's answer is not awaited
    co_await flush();
  }
  boost::system::error_code ec;
  client_.shutdown(tcp::socket::shutdown_send, ec);
  co_await drain_client_queue();
  // Unread input would turn the close into an RST that can overtake the bytes still queued.
  if (client_.is_open()) {
    char sink[4096];
    while (::recv(client_.native_handle(), sink, sizeof sink, MSG_DONTWAIT) > 0) {
    }
  }
  client_.close(ec);
}

asio::awaitable<void> TlsFront::end_with_rst() {
  co_await flush();
  co_await drain_client_queue();
  boost::system::error_code ec;
  if (client_.is_open()) {
    client_.set_option(asio::socket_base::linger(true, 0), ec);
    client_.close(ec);
  }
}

asio::awaitable<void> TlsFront::drain_client_queue() {
  const auto give_up = Clock::now() + kDrainBound;
  asio::steady_timer pause(client_.get_executor());
  while (client_.is_open() && !finished_) {
    const auto queue = send_queue(client_.native_handle());
    if (!queue || queue->unacknowledged == 0 || queue->peer_gone || Clock::now() >= give_up) {
      co_return;
    }
    pause.expires_after(std::chrono::milliseconds(1));
    co_await pause.async_wait(nothrow);
  }
}

void TlsFront::reset_inner() {
  boost::system::error_code ec;
  if (!inner_.is_open()) return;
  inner_.set_option(asio::socket_base::linger(true, 0), ec);
  inner_.close(ec);
}

void TlsFront::set_deadline(std::chrono::steady_clock::duration d) {
  deadline_at_ = Clock::now() + d;
  if (deadline_at_ < deadline_.expiry()) deadline_.expires_at(deadline_at_);
}

asio::awaitable<void> TlsFront::watchdog() {
  auto self = shared_from_this();
  while (!finished_) {
    co_await deadline_.async_wait(nothrow);
    if (finished_) break;
    const auto now = Clock::now();
    if (deadline_at_ <= now) {
      // The handshake or a write to the client took too long: end the connection.
      deadline_at_ = Clock::time_point::max();
      deadline_.expires_at(Clock::time_point::max());
      reset_inner();
      boost::system::error_code ec;
      client_.close(ec);
    } else if (deadline_.expiry() <= now) {
      deadline_.expires_at(deadline_at_);
    }
  }
}

}  // namespace sisyphus::proxy
