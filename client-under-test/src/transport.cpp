#include "transport.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstring>

#include "sisyphus/core/version.hpp"

namespace sisyphus::client::detail {
namespace http = beast::http;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

constexpr std::uint32_t kHeaderLimit = 64 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string format_us(Duration d) {
  if (d.count() % 1000 == 0) return fmt::format("{}ms", d.count() / 1000);
  return fmt::format("{}us", d.count());
}

}  // namespace

Connection::Connection(asio::any_io_executor ex, asio::ssl::context* tls, bool insecure,
                       Timeouts timeouts)
    : ex_(std::move(ex)), tls_ctx_(tls), insecure_(insecure), timeouts_(timeouts) {}

template <class F>
decltype(auto) Connection::with_stream(F&& f) {
  if (tls_) return f(*tls_);
  return f(*tcp_);
}

void Connection::arm(Duration per_op) {
  armed_ = per_op;
  auto deadline = Clock::now() + per_op;
  if (timeouts_.deadline < deadline) deadline = timeouts_.deadline;
  if (tls_) {
    beast::get_lowest_layer(*tls_).expires_at(deadline);
  } else {
    tcp_->expires_at(deadline);
  }
}

NetError Connection::classify(const error_code& ec, std::string_view during) const {
  NetError e;
  if (ec == beast::error::timeout) {
    e.outcome = AttemptOutcome::timeout;
    if (Clock::now() + std::chrono::milliseconds(1) >= timeouts_.deadline) {
      e.detail = fmt::format("overall timeout reached {}", during);
    } else {
      e.detail = fmt::format("no progress for {} {}", format_us(armed_), during);
    }
    return e;
  }
  e.outcome = AttemptOutcome::interrupted;
  if (ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message) {
    e.detail = fmt::format("connection closed by the server {}", during);
  } else if (ec == asio::error::connection_reset) {
    e.detail = fmt::format("connection reset by the server {}", during);
  } else if (ec == asio::ssl::error::stream_truncated) {
    e.detail = fmt::format("TLS stream truncated {}", during);
  } else {
    e.detail = fmt::format("{} {}", ec.message(), during);
  }
  return e;
}

asio::awaitable<std::optional<NetError>> Connection::connect(const Target& target) {
  error_code ec;
  if (target.tls) {
    tls_.emplace(ex_, *tls_ctx_);
    if (!insecure_) {
      tls_->set_verify_mode(asio::ssl::verify_peer);
      tls_->set_verify_callback(asio::ssl::host_name_verification(target.host));
    }
    // SNI names a host, never an address (RFC 6066 §3).
    // (SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.)
    if (!target.host_is_ip &&
        SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(target.host.c_str())) != 1) {
      co_return NetError{AttemptOutcome::connect_error, "cannot set TLS server name"};
    }
  } else {
    tcp_.emplace(ex_);
  }
  auto& tcp = tls_ ? beast::get_lowest_layer(*tls_) : *tcp_;
  arm(timeouts_.connect);
  const auto where = fmt::format("connecting to {}:{}", target.host, target.port);
  if (target.host_is_ip) {
    asio::ip::tcp::endpoint ep(asio::ip::make_address(target.host, ec),
                               static_cast<std::uint16_t>(std::stoi(target.port)));
    if (!ec) co_await tcp.async_connect(ep, redirect_error(use_awaitable, ec));
  } else {
    asio::ip::tcp::resolver resolver(ex_);
    auto endpoints = co_await resolver.async_resolve(target.host, target.port,
                                                     redirect_error(use_awaitable, ec));
    if (!ec) co_await tcp.async_connect(endpoints, redirect_error(use_awaitable, ec));
  }
  if (ec) {
    auto e = classify(ec, where);
    if (e.outcome != AttemptOutcome::timeout) {
      e = NetError{AttemptOutcome::connect_error, fmt::format("{} {}", ec.message(), where)};
    }
    co_return e;
  }
  if (tls_) {
    co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                   redirect_error(use_awaitable, ec));
    if (ec) {
      auto e = classify(ec, "during the TLS handshake");
      if (e.outcome != AttemptOutcome::timeout) {
        e = NetError{AttemptOutcome::connect_error,
                     fmt::format("TLS handshake with {} failed: {}", target.host, ec.message())};
      }
      co_return e;
    }
  }
  co_return std::nullopt;
}

asio::awaitable<std::optional<NetError>> Connection::send_get(const Target& target,
                                                              const std::vector<Header>& headers) {
  http::request<http::empty_body> req{http::verb::get, target.request_target, 11};
  req.set(http::field::host, target.host_header);
  req.set(http::field::user_agent, std::string("sisyphus/") + kVersion);
  req.set(http::field::accept, "*/*");
  req.set(http::field::accept_encoding, "identity");
  for (const auto& h : headers) req.set(h.name, h.value);
  error_code ec;
  arm(timeouts_.read);
  co_await with_stream(
      [&](auto& s) { return http::async_write(s, req, redirect_error(use_awaitable, ec)); });
  if (ec) co_return classify(ec, "while sending the request");
  co_return std::nullopt;
}

asio::awaitable<std::optional<NetError>> Connection::read_head(ResponseSummary& out) {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  error_code ec;
  arm(timeouts_.read);
  co_await with_stream([&](auto& s) {
    return http::async_read_header(s, buffer_, *parser_, redirect_error(use_awaitable, ec));
  });
  if (ec) co_return classify(ec, "before the response header");

  const auto& msg = parser_->get();
  out = ResponseSummary{};
  out.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    const auto name = lower(field.name_string());
    std::string value(field.value());
    auto set = [&](std::optional<std::string>& slot) {
      if (!slot) slot = value;
    };
    if (name == "content-range")
      set(out.content_range);
    else if (name == "content-type")
      set(out.content_type);
    else if (name == "etag")
      set(out.etag);
    else if (name == "last-modified")
      set(out.last_modified);
    else if (name == "date")
      set(out.date);
    else if (name == "repr-digest")
      set(out.repr_digest);
    else if (name == "content-digest")
      set(out.content_digest);
    else if (name == "retry-after")
      set(out.retry_after);
    else if (name == "location")
      set(out.location);
  }
  out.chunked = parser_->chunked();
  if (auto cl = parser_->content_length()) out.content_length = *cl;

  body_done_ = false;
  if (out.chunked) {
    framing_ = Framing::chunked;
  } else if (out.content_length) {
    framing_ = Framing::length;
    remaining_ = *out.content_length;
    body_done_ = remaining_ == 0;
  } else {
    framing_ = Framing::close;
  }
  const int s = out.status;
  if ((s >= 100 && s < 200) || s == 204 || s == 304) body_done_ = true;
  co_return std::nullopt;
}

asio::awaitable<std::pair<std::size_t, std::optional<NetError>>> Connection::read_body(
    std::span<std::byte> buf) {
  using R = std::pair<std::size_t, std::optional<NetError>>;
  if (body_done_) co_return R{0, std::nullopt};
  error_code ec;

  if (framing_ == Framing::chunked) {
    auto& body = parser_->get().body();
    for (;;) {
      body.data = buf.data();
      body.size = buf.size();
      arm(timeouts_.read);
      co_await with_stream([&](auto& s) {
        return http::async_read_some(s, buffer_, *parser_, redirect_error(use_awaitable, ec));
      });
      if (ec == http::error::need_buffer) ec = {};
      const std::size_t n = buf.size() - body.size;
      if (parser_->is_done()) body_done_ = true;
      if (ec) {
        if (n > 0) co_return R{n, std::nullopt};  // the error shows again on the next read
        co_return R{0, classify(ec, "in the chunked body")};
      }
      if (n > 0 || body_done_) co_return R{n, std::nullopt};
    }
  }

  std::size_t want = buf.size();
  if (framing_ == Framing::length && remaining_ < want) want = static_cast<std::size_t>(remaining_);
  std::size_t n = 0;
  if (buffer_.size() > 0) {
    // Body bytes that arrived with the header.
    n = std::min(want, buffer_.size());
    std::memcpy(buf.data(), buffer_.data().data(), n);
    buffer_.consume(n);
  } else {
    arm(timeouts_.read);
    n = co_await with_stream([&](auto& s) {
      return s.async_read_some(asio::buffer(buf.data(), want), redirect_error(use_awaitable, ec));
    });
    if (ec) {
      if (framing_ == Framing::close &&
          (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)) {
        body_done_ = true;  // the close is the end of this body
        co_return R{n, std::nullopt};
      }
      if (n == 0) {
        co_return R{
            0, classify(ec, fmt::format("with {} body bytes still to come",
                                        framing_ == Framing::length ? std::to_string(remaining_)
                                                                    : std::string("more")))};
      }
    }
  }
  if (framing_ == Framing::length) {
    remaining_ -= n;
    if (remaining_ == 0) body_done_ = true;
  }
  co_return R{n, std::nullopt};
}

void Connection::close() {
  auto shut = [](beast::tcp_stream& tcp) {
    error_code ignored;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp.close();
  };
  if (tls_) shut(beast::get_lowest_layer(*tls_));
  if (tcp_) shut(*tcp_);
}

}  // namespace sisyphus::client::detail
