#pragma once
// One connection to the admin API (DESIGN.md "Admin API"): JSON over HTTP/1.1, keep-alive.
#include "wire/connection.hpp"

namespace sisyphus::proxy {

class AdminSession final : public Connection {
 public:
  using Connection::Connection;

 private:
  // Bodies (a scenario for PUT /v1/scenario) up to 1 MiB.
  RequestLimits request_limits() const override;
  // Routes one request. Admin requests are not in the request log: it is the server's.
  asio::awaitable<bool> handle(Request& request, Clock::time_point started) override;
  // Answers a request that could not be read with a JSON error, unlogged.
  asio::awaitable<void> reject(const RequestParser& parser, const NextRequest& next) override;
  // Writes `response`, then closes the connection unless it is kept; whether it is.
  asio::awaitable<bool> send(boost::beast::http::response<boost::beast::http::string_body> response,
                             bool keep_alive);
};

// GET /metrics: Prometheus text exposition format 0.0.4.
std::string prometheus_metrics(const ServerCore& core);
// GET /v1/stats.
std::string stats_json(const ServerCore& core);

}  // namespace sisyphus::proxy
