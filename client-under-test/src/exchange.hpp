#pragma once
// One request for the resource, redirects followed (at most 10, the same request headers
// kept, Range and If-Range included, credentials only to the first origin): connect, send,
// read the final response's header.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/client/options.hpp"
#include "transport.hpp"

namespace sisyphus::client::detail {

inline constexpr std::uint32_t kMaxRedirects = 10;

// Per download: the executor, timeouts and (created on first https use) the TLS context.
class ExchangeContext {
 public:
  ExchangeContext(asio::any_io_executor ex, const Options& options, Timeouts timeouts);
  asio::any_io_executor executor() const { return ex_; }
  const Timeouts& timeouts() const { return timeouts_; }
  // Throws std::runtime_error when the CA file cannot be loaded.
  asio::ssl::context& tls();
  bool insecure() const { return insecure_; }

 private:
  asio::any_io_executor ex_;
  Timeouts timeouts_;
  bool insecure_;
  std::optional<std::filesystem::path> ca_file_;
  std::unique_ptr<asio::ssl::context> tls_;
};

struct Exchange {
  std::unique_ptr<Connection> connection;  // positioned at the body of `head`
  ResponseSummary head;
  Target target;  // where the final response came from
  std::uint32_t redirects = 0;
  std::optional<NetError> error;  // no usable response (network, TLS, redirect loop...)
};

asio::awaitable<Exchange> open_exchange(ExchangeContext& ctx, const Target& start,
                                        const std::vector<Header>& headers);

}  // namespace sisyphus::client::detail
