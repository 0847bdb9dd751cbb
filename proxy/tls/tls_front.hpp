#pragma once
// HTTPS by a TLS front in each client connection (docs/server.md "HTTPS"): the front does
// the handshake with the client and relays the plaintext, both ways, over a loopback TCP
// connection to the server's own sessions, which serve it exactly as they serve plain HTTP.
// So every fault, drop offset, throttle and RST is the one tested over plain HTTP: what the
// session writes before its FIN or RST is what the client decrypts. The front maps how the
// session ends its connection onto the client's: FIN -> close_notify then FIN (or the FIN
// alone when the session says so: drop's close_notify: false), RST -> RST once every byte
// before it is on the wire. Internal to the proxy library (Asio, OpenSSL).
#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "server/server_core.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy {

namespace asio = boost::asio;

// What a front and the session it relays to share (the session finds it by the front's
// local port: TlsLinks).
struct TlsLink {
  // How the front ends the client's stream when the session's FIN arrives (with TLS
  // close_notify first or without; over HTTP/2 the stream or the connection). Set by the
  // session just before its FIN (Connection::close_with_fin); read by the front after it.
  void set_end(const StreamEnd& end) {
    std::lock_guard lock(mutex_);
    end_ = end;
  }
  StreamEnd end() const {
    std::lock_guard lock(mutex_);
    return end_;
  }
  std::string client_address;  // the client's, for X-Forwarded-For
  // For the request log: the client's connection (the front's id), and over HTTP/2 the
  // stream (0 over HTTP/1.x). Set before the front connects to the sessions.
  std::uint64_t connection = 0;
  std::uint32_t stream = 0;

 private:
  mutable std::mutex mutex_;
  StreamEnd end_;
};

// The links of a server's fronts, by the local port of their loopback connection: a front
// adds its link before it connects, the inner listener takes it when it accepts.
class TlsLinks {
 public:
  void add(std::uint16_t port, std::shared_ptr<TlsLink> link);
  // nullptr for a connection that no front made (someone else found the inner port).
  std::shared_ptr<TlsLink> take(std::uint16_t port);
  void remove(std::uint16_t port);

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint16_t, std::shared_ptr<TlsLink>> links_;
};

// Opens `inner` to the sessions' loopback listener with `link` registered for it (the
// listener takes it by the port). false when it could not connect (the server is stopping).
asio::awaitable<bool> connect_to_sessions(asio::ip::tcp::socket& inner,
                                          const asio::ip::tcp::endpoint& sessions, TlsLinks& links,
                                          const std::shared_ptr<TlsLink>& link,
                                          std::uint16_t& port);

// The client's side of a connection as an application protocol over TLS sees it (the
// HTTP/2 session: h2_session.hpp).
class ClientChannel {
 public:
  virtual ~ClientChannel() = default;
  // At most out.size() bytes the client sent, decrypted; 0 with `ec` set at the end of its
  // stream (eof: close_notify or a FIN) or on an error.
  virtual asio::awaitable<std::size_t> read(std::span<char> out, boost::system::error_code& ec) = 0;
  // false when the client is gone or stopped reading for twice the idle timeout.
  virtual asio::awaitable<bool> write(std::span<const char> bytes) = 0;
  // The connection's end: close_notify (when asked) then FIN; or RST once the client has
  // acknowledged every byte written.
  virtual asio::awaitable<void> end_with_fin(bool close_notify) = 0;
  virtual asio::awaitable<void> end_with_rst() = 0;
};

class TlsFront : public Abortable,
                 public ClientChannel,
                 public std::enable_shared_from_this<TlsFront> {
 public:
  using Clock = std::chrono::steady_clock;

  // `inner`: the loopback listener of the sessions.
  TlsFront(asio::ip::tcp::socket client, std::shared_ptr<ServerCore> core, SSL_CTX* ctx,
           asio::ip::tcp::endpoint inner, std::shared_ptr<TlsLinks> links);
  ~TlsFront() override;
  TlsFront(const TlsFront&) = delete;
  TlsFront& operator=(const TlsFront&) = delete;

  void start();
  void abort() override;  // thread-safe

  // ClientChannel
  asio::awaitable<std::size_t> read(std::span<char> out, boost::system::error_code& ec) override;
  asio::awaitable<bool> write(std::span<const char> bytes) override;
  asio::awaitable<void> end_with_fin(bool close_notify) override;
  asio::awaitable<void> end_with_rst() override;

 private:
  asio::awaitable<void> run();
  // The handshake, within the header timeout; false when it failed (a plain HTTP request
  // gets 400 first).
  asio::awaitable<bool> handshake();
  // Client -> session: decrypts what the client sends and writes it to the session.
  asio::awaitable<void> upstream();
  // Session -> client: encrypts what the session writes, then ends the client's stream as
  // the session ended its own.
  asio::awaitable<void> downstream();
  // Writes everything OpenSSL has produced to the client; one writer at a time (upstream()
  // may have alerts or key updates to send while downstream() writes data). false when the
  // client is gone or stopped reading for the idle timeout.
  asio::awaitable<bool> flush();
  asio::awaitable<void> drain_client_queue();
  asio::awaitable<void> reject_plain_http();
  // Reads from the client into OpenSSL; false at the end of its stream or on an error.
  asio::awaitable<boost::system::error_code> read_client();
  void reset_inner();
  void close_all();

  void set_deadline(std::chrono::steady_clock::duration d);
  void clear_deadline() { deadline_at_ = Clock::time_point::max(); }
  asio::awaitable<void> watchdog();

  asio::ip::tcp::socket client_;
  asio::ip::tcp::socket inner_;
  std::shared_ptr<ServerCore> core_;
  asio::ip::tcp::endpoint inner_endpoint_;
  std::shared_ptr<TlsLinks> links_;
  std::shared_ptr<TlsLink> link_;
  std::uint16_t link_port_ = 0;
  std::uint64_t id_ = 0;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // client bytes for OpenSSL to read (owned by ssl_)
  BIO* out_ = nullptr;  // OpenSSL's bytes for the client (owned by ssl_)
  asio::steady_timer deadline_;
  Clock::time_point deadline_at_ = Clock::time_point::max();
  asio::steady_timer flushed_;  // woken (cancelled) when a flush ends
  bool writing_ = false;
  bool finished_ = false;
  std::array<char, 16 * 1024> read_buffer_{};
};

}  // namespace sisyphus::proxy
