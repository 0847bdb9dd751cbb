#include "exchange.hpp"

#include <fmt/format.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/string.hpp>
#include <stdexcept>

namespace sisyphus::client::detail {
namespace {

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The headers of the request to `hop` when the download asked for `start`. Credentials go
// only to the origin they were given for, as curl does since 7.58 (and for Cookie since
// 7.83): a redirect to another scheme, host or port gets no Authorization of the URL's
// userinfo, and none or Cookie of the caller's headers. Back on the first origin they are
// sent again. A Location's own userinfo is for the origin it names.
std::vector<Header> headers_for(const Target& hop, const Target& start,
                                const std::vector<Header>& headers) {
  const bool same = same_origin(hop, start);
  std::vector<Header> out;
  // First, so that a caller's own Authorization header replaces it (Connection::send_get
  // sets the fields in order).
  if (hop.authorization) {
    out.push_back({"Authorization", *hop.authorization});
  } else if (same && start.authorization) {
    out.push_back({"Authorization", *start.authorization});
  }
  for (const auto& h : headers) {
    const bool credential =
        boost::beast::iequals(h.name, "authorization") || boost::beast::iequals(h.name, "cookie");
    if (same || !credential) out.push_back(h);
  }
  return out;
}

}  // namespace

ExchangeContext::ExchangeContext(asio::any_io_executor ex, const Options& options,
                                 Timeouts timeouts)
    : ex_(std::move(ex)),
      timeouts_(timeouts),
      insecure_(options.insecure),
      ca_file_(options.ca_file) {}

asio::ssl::context& ExchangeContext::tls() {
  if (!tls_) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    error_code ec;
    ctx->set_default_verify_paths(ec);  // the system CA store; absent is not fatal with ca_file
    if (ca_file_) {
      ctx->load_verify_file(ca_file_->string(), ec);
      if (ec) {
        throw std::runtime_error(
            fmt::format("cannot load CA file {}: {}", ca_file_->string(), ec.message()));
      }
    }
    ctx->set_verify_mode(insecure_ ? asio::ssl::verify_none : asio::ssl::verify_peer);
    tls_ = std::move(ctx);
  }
  return *tls_;
}

asio::awaitable<Exchange> open_exchange(ExchangeContext& ctx, const Target& start,
                                        const std::vector<Header>& headers) {
  Exchange ex;
  ex.target = start;
  for (;;) {
    asio::ssl::context* tls = nullptr;
    if (ex.target.tls) {
      try {
        tls = &ctx.tls();
      } catch (const std::exception& e) {
        ex.error = NetError{AttemptOutcome::fatal_status, e.what()};
        co_return ex;
      }
    }
    ex.connection =
        std::make_unique<Connection>(ctx.executor(), tls, ctx.insecure(), ctx.timeouts());
    auto& conn = *ex.connection;
    if (auto e = co_await conn.connect(ex.target)) {
      ex.error = std::move(e);
      co_return ex;
    }
    if (auto e = co_await conn.send_get(ex.target, headers_for(ex.target, start, headers))) {
      ex.error = std::move(e);
      co_return ex;
    }
    if (auto e = co_await conn.read_head(ex.head)) {
      ex.error = std::move(e);
      co_return ex;
    }
    if (!is_redirect(ex.head.status) || !ex.head.location) co_return ex;
    if (ex.redirects == kMaxRedirects) {
      ex.error = NetError{
          AttemptOutcome::fatal_status,
          fmt::format("more than {} redirects (last to {})", kMaxRedirects, *ex.head.location)};
      co_return ex;
    }
    std::string why;
    auto next = resolve_location(ex.target, *ex.head.location, why);
    if (!next) {
      ex.error = NetError{AttemptOutcome::fatal_status, why};
      co_return ex;
    }
    conn.close();
    ex.target = std::move(*next);
    ++ex.redirects;
  }
}

}  // namespace sisyphus::client::detail
