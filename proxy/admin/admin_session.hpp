#pragma once
// One connection to the admin API (DESIGN.md "Admin API"): JSON over HTTP/1.1, keep-alive.
#include "wire/connection.hpp"

namespace sisyphus::proxy {

class AdminSession final : public Connection {
 public:
  using Connection::Connection;

 private:
  asio::awaitable<void> run() override;
};

// GET /metrics: Prometheus text exposition format 0.0.4.
std::string prometheus_metrics(const ServerCore& core);
// GET /v1/stats.
std::string stats_json(const ServerCore& core);

}  // namespace sisyphus::proxy
