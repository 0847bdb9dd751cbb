#include "sisyphus/proxy/admin_client.hpp"

#include <fmt/format.h>
#include <strings.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>

#include "wire/endpoint.hpp"

namespace sisyphus::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string AdminReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), key.size()) == 0)
      return value;
  }
  return {};
}

std::string AdminReply::error() const {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error"); e != nullptr && e->is_string())
      return std::string(e->as_string());
  }
  std::string text = body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text.empty() ? fmt::format("HTTP {}", status) : text;
}

AdminReply admin_request(std::string_view address, std::string_view method, std::string_view target,
                         std::string_view body, std::chrono::milliseconds timeout) {
  const asio::ip::tcp::endpoint endpoint = parse_endpoint(address);
  http::request<http::string_body> req{http::string_to_verb(method), std::string(target), 11};
  if (req.method() == http::verb::unknown) req.method_string(method);
  req.set(http::field::host, std::string(address));
  req.set(http::field::user_agent, "sisyphus-admin");
  req.body() = std::string(body);
  req.keep_alive(false);
  if (!body.empty() || req.method() == http::verb::put || req.method() == http::verb::post)
    req.prepare_payload();

  // Async operations under one deadline: the sync ones of Asio have no timeout.
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  boost::system::error_code failure;
  std::string_view step = "connect to";
  stream.expires_after(timeout);
  stream.async_connect(endpoint, [&](boost::system::error_code ec) {
    if (ec) {
      failure = ec;
      return;
    }
    step = "send to";
    http::async_write(stream, req, [&](boost::system::error_code wec, std::size_t) {
      if (wec) {
        failure = wec;
        return;
      }
      step = "read from";
      http::async_read(stream, buffer, res, [&](boost::system::error_code rec, std::size_t) {
        if (rec) failure = rec;
      });
    });
  });
  io.run();
  if (failure) {
    const std::string why = failure == beast::error::timeout
                                ? fmt::format("no answer within {} ms", timeout.count())
                                : failure.message();
    throw AdminUnreachable(fmt::format("cannot {} the admin API at {}: {}", step, address, why));
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  AdminReply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.body = std::move(res.body());
  for (const auto& field : res) {
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return reply;
}

}  // namespace sisyphus::proxy
