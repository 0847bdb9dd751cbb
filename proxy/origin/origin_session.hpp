#pragma once
// One connection to the origin server: reads requests (keep-alive), answers GET/HEAD of
// the scenario's resource per RFC 9110 (response_spec.hpp), executes the fault plan
// byte-exactly (response_writer.hpp, through wire/plan_executor.hpp) and logs every request.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "wire/connection.hpp"

namespace sisyphus::proxy {

namespace beast = boost::beast;
namespace http = beast::http;

class OriginSession final : public Connection {
 public:
  using Connection::Connection;

 private:
  RequestLimits request_limits() const override;
  // Answers one request and logs it; returns whether the connection can take another.
  asio::awaitable<bool> handle(Request& request, Clock::time_point started) override;
  // Answers a request that could not be read (400/408/413/431) and logs it.
  asio::awaitable<void> reject(const RequestParser& parser, const NextRequest& next) override;
};

}  // namespace sisyphus::proxy
