#pragma once
// One connection to the admin API (DESIGN.md "Admin API"): JSON over HTTP/1.1, keep-alive.
#include <vector>

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
  // GET /v1/log[?since=N]: the records from seq N on that the log holds when the request
  // arrives, chunked, a page at a time, so that neither the whole body nor a copy of the
  // whole log is ever built.
  asio::awaitable<bool> send_log(const Request& request);
  // Writes `bytes` within the idle timeout; false (and the connection closed) on failure.
  asio::awaitable<bool> write_all(const std::vector<asio::const_buffer>& bytes);
};

// GET /metrics: Prometheus text exposition format 0.0.4.
std::string prometheus_metrics(const ServerCore& core);
// GET /v1/stats.
std::string stats_json(const ServerCore& core);

}  // namespace sisyphus::proxy
