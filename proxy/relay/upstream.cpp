#include "relay/upstream.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <stdexcept>
#include <tuple>

#include "sisyphus/core/error.hpp"

namespace sisyphus::proxy {
namespace {

using tcp = asio::ip::tcp;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

[[noreturn]] void bad_url(std::string_view url, std::string_view why) {
  throw ParseError(fmt::format("invalid upstream URL '{}': {}", url, why));
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// "certificate verify failed" says little; OpenSSL's verify result says which check failed.
std::string describe_tls_failure(asio::ssl::stream<tcp::socket>& stream,
                                 const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(stream.native_handle());
  if (verify != X509_V_OK) {
    return fmt::format("TLS certificate verification failed: {}",
                       X509_verify_cert_error_string(verify));
  }
  return fmt::format("TLS handshake failed: {}", ec.message());
}

}  // namespace

UpstreamUrl UpstreamUrl::parse(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) bad_url(text, "expected http://HOST[:PORT][/PREFIX] or https://…");
  const boost::urls::url_view& url = *parsed;
  UpstreamUrl out;
  if (url.scheme() == "https") {
    out.tls = true;
  } else if (url.scheme() != "http") {
    bad_url(text, fmt::format("scheme '{}' is not supported, expected http or https",
                              std::string_view(url.scheme())));
  }
  if (!url.has_authority() || url.encoded_host().empty()) bad_url(text, "no host");
  if (url.has_userinfo()) bad_url(text, "user info (user:password@) is not supported");
  if (url.has_query() || url.has_fragment()) bad_url(text, "a query or fragment is not allowed");
  out.host = url.host_type() == boost::urls::host_type::ipv6 ? url.host_address()
                                                             : std::string(url.encoded_host());
  const std::uint16_t default_port = out.tls ? 443 : 80;
  out.port = default_port;
  if (url.has_port()) {
    if (url.port().empty() || url.port_number() == 0) bad_url(text, "invalid port");
    out.port = url.port_number();
  }
  const std::string host_text =
      url.host_type() == boost::urls::host_type::ipv6 ? "[" + out.host + "]" : out.host;
  out.authority = out.port == default_port ? host_text : fmt::format("{}:{}", host_text, out.port);
  out.base_path = std::string(url.encoded_path());
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  out.text =
      fmt::format("{}://{}:{}{}", out.tls ? "https" : "http", host_text, out.port, out.base_path);
  return out;
}

UpstreamConnection::UpstreamConnection(asio::any_io_executor ex, asio::ssl::context* tls)
    : context_(asio::query(ex, asio::execution::context)), timer_(ex) {
  if (tls != nullptr) {
    tls_.emplace(ex, *tls);
  } else {
    plain_.emplace(ex);
  }
}

void UpstreamConnection::arm(const asio::any_io_executor& session, Duration d) {
  timed_out_ = false;
  const std::uint64_t generation = ++arm_generation_;
  timer_.expires_after(d);
  // A handler that runs after disarm() or a later arm() belongs to an old deadline.
  timer_.async_wait(asio::bind_executor(
      session, [weak = weak_from_this(), generation](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self || self->arm_generation_ != generation) return;
        self->timed_out_ = true;
        boost::system::error_code ignored;
        self->socket().cancel(ignored);
      }));
}

void UpstreamConnection::disarm() {
  ++arm_generation_;
  timer_.cancel();
}

void UpstreamConnection::close() {
  disarm();
  boost::system::error_code ec;
  socket().close(ec);
}

bool UpstreamConnection::idle_and_open() {
  if (!socket().is_open()) return false;
  char probe = 0;
  const ssize_t n = ::recv(socket().native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  // Nothing to read is what an idle connection looks like; a FIN (0) or an error makes it
  // unusable, and so do bytes nobody asked for, except on TLS, where they can be a session
  // ticket the server sent after the handshake.
  if (n > 0) return is_tls();
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::shared_ptr<UpstreamConnection> UpstreamConnection::move_to(
    const asio::any_io_executor& session) {
  if (!plain_) return nullptr;
  disarm();
  boost::system::error_code ec;
  const auto protocol = plain_->local_endpoint(ec).protocol();
  if (ec) return nullptr;
  const int fd = plain_->release(ec);
  if (ec) return nullptr;
  auto moved = std::make_shared<UpstreamConnection>(session, nullptr);
  moved->plain_->assign(protocol, fd, ec);
  if (ec) {
    ::close(fd);
    return nullptr;
  }
  moved->buffer_ = std::move(buffer_);
  moved->requests = requests;
  return moved;
}

UpstreamPool::UpstreamPool(UpstreamUrl url, const ServerOptions& options)
    : url_(std::move(url)),
      connect_timeout_(options.upstream_connect_timeout),
      insecure_(options.insecure),
      max_idle_(options.upstream_idle_connections) {
  if (!url_.tls) return;
  tls_.emplace(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  if (insecure_) {
    tls_->set_verify_mode(asio::ssl::verify_none);
    return;
  }
  tls_->set_verify_mode(asio::ssl::verify_peer);
  if (options.ca_file) {
    tls_->load_verify_file(options.ca_file->string(), ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot use the CA file '{}': {}", options.ca_file->string(), ec.message()));
    }
  } else {
    tls_->set_default_verify_paths(ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load the system's trusted certificates: {}", ec.message()));
    }
  }
}

asio::awaitable<std::shared_ptr<UpstreamConnection>> UpstreamPool::acquire(
    asio::any_io_executor session, bool fresh, UpstreamFailure& failure) {
  while (!fresh) {
    std::shared_ptr<UpstreamConnection> c;
    {
      std::lock_guard lock(mutex_);
      if (idle_.empty()) break;
      // The most recently used connection on the session's own io_context, whose thread is
      // the one its readiness events wake. Reusing another context's beats a new connection:
      // a plain one moves over, a TLS one is used from where it is (its events handed over).
      const asio::execution_context& mine = asio::query(session, asio::execution::context);
      auto it = std::find_if(idle_.rbegin(), idle_.rend(),
                             [&](const auto& x) { return &x->context() == &mine; });
      auto pos = it == idle_.rend() ? std::prev(idle_.end()) : std::prev(it.base());
      c = std::move(*pos);
      idle_.erase(pos);
    }
    if (!c->idle_and_open()) {
      c->close();
      continue;
    }
    if (&c->context() == &asio::query(session, asio::execution::context) || c->is_tls()) {
      co_return c;
    }
    if (auto moved = c->move_to(session)) co_return moved;
    c->close();
  }
  co_return co_await connect(std::move(session), failure);
}

asio::awaitable<std::shared_ptr<UpstreamConnection>> UpstreamPool::connect(
    asio::any_io_executor session, UpstreamFailure& failure) {
  auto c = std::make_shared<UpstreamConnection>(session, tls_ ? &*tls_ : nullptr);
  const std::string where = fmt::format("{}:{}", url_.host, url_.port);
  c->arm(session, connect_timeout_);
  auto fail = [&](std::string what) {
    failure.timeout = c->timed_out();
    failure.what = c->timed_out() ? fmt::format("{} did not complete within {} ({})", what,
                                                format_duration(connect_timeout_), url_.text)
                                  : std::move(what);
    c->close();
    return std::shared_ptr<UpstreamConnection>();
  };

  tcp::resolver resolver(session);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(url_.host, std::to_string(url_.port), nothrow);
  if (rec) co_return fail(fmt::format("cannot resolve {}: {}", url_.host, rec.message()));
  // Each address in turn, opening the socket here: asio's range connect reports a socket
  // it could not open (EMFILE: out of descriptors) as "Operation canceled".
  boost::system::error_code cec = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    c->socket().close(cec);
    c->socket().open(entry.endpoint().protocol(), cec);
    if (cec) co_return fail(fmt::format("cannot open a socket to {}: {}", where, cec.message()));
    std::tie(cec) = co_await c->socket().async_connect(entry.endpoint(), nothrow);
    if (!cec || c->timed_out()) break;
  }
  if (cec) {
    co_return fail(c->timed_out() ? fmt::format("connecting to {}", where)
                                  : fmt::format("cannot connect to {}: {}", where, cec.message()));
  }
  boost::system::error_code opt;
  c->socket().set_option(tcp::no_delay(true), opt);
  if (c->is_tls()) {
    auto& stream = c->tls_stream();
    // SNI names the host (never an address); the certificate must be for that name or
    // address unless --insecure.
    // (SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.)
    if (!is_ip_literal(url_.host)) {
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(url_.host.c_str()));
    }
    // OpenSSL's own name check, so a mismatch shows in the verify result as such.
    if (!insecure_) {
      X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
      if (is_ip_literal(url_.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), url_.host.size());
      }
    }
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, nothrow);
    if (hec) {
      co_return fail(c->timed_out()
                         ? fmt::format("the TLS handshake with {}", where)
                         : fmt::format("{} ({})", describe_tls_failure(stream, hec), where));
    }
  }
  c->disarm();
  ++opened_;
  co_return c;
}

void UpstreamPool::release(std::shared_ptr<UpstreamConnection> connection) {
  connection->disarm();
  std::lock_guard lock(mutex_);
  if (idle_.size() >= max_idle_) {
    connection->close();
    return;
  }
  idle_.push_back(std::move(connection));
}

void UpstreamPool::close_all() {
  std::vector<std::shared_ptr<UpstreamConnection>> idle;
  {
    std::lock_guard lock(mutex_);
    idle.swap(idle_);
  }
  for (auto& c : idle) c->close();
}

}  // namespace sisyphus::proxy
