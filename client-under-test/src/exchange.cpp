#include "exchange.hpp"

#include <fmt/format.h>

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace sisyphus::client::detail {
namespace {

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
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
    if (auto e = co_await conn.send_get(ex.target, headers)) {
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
