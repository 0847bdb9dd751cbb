#include "probe.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "sisyphus/proxy/server.hpp"

namespace sisyphus::runner::detail {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::optional<std::string> field(const http::response_header<>& head, http::field f) {
  auto it = head.find(f);
  if (it == head.end()) return std::nullopt;
  return std::string(it->value());
}

std::optional<std::string> field(const http::response_header<>& head, std::string_view name) {
  auto it = head.find(name);
  if (it == head.end()) return std::nullopt;
  return std::string(it->value());
}

}  // namespace

OriginalHead probe_original(const model::Scenario& scenario, TimeScale time_scale) {
  model::Scenario plain = scenario;
  plain.attempts.clear();
  plain.faults.clear();
  plain.changes.clear();

  proxy::ServerOptions options;
  options.threads = 1;
  options.time_scale = time_scale;
  if (!scenario.source_file.empty()) {
    options.file_root = std::filesystem::path(scenario.source_file).parent_path();
    if (options.file_root.empty()) options.file_root = ".";
  }
  proxy::Server server(options, plain);
  server.start();

  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  // A server that never answers must not hang the run: the read fails after 10 s instead.
  const timeval limit{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  http::request<http::empty_body> req{http::verb::head, scenario.resource.path, 11};
  req.set(http::field::host, fmt::format("127.0.0.1:{}", server.port()));
  req.set(http::field::connection, "close");
  http::write(socket, req);

  boost::beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a HEAD response has no body, whatever its Content-Length says
  http::read_header(socket, buffer, parser);
  const auto& head = parser.get().base();
  if (head.result_int() != 200) {
    throw std::runtime_error(fmt::format("prefill: HEAD {} answered {} instead of 200",
                                         scenario.resource.path, head.result_int()));
  }
  OriginalHead out;
  out.etag = field(head, http::field::etag);
  out.last_modified = field(head, http::field::last_modified);
  out.date = field(head, http::field::date);
  out.repr_digest = field(head, "Repr-Digest");
  if (auto te = field(head, http::field::transfer_encoding)) out.chunked = true;
  if (auto cl = field(head, http::field::content_length)) {
    try {
      out.content_length = std::stoull(*cl);
    } catch (const std::exception&) {
      throw std::runtime_error("prefill: HEAD answered a bad Content-Length: " + *cl);
    }
  }
  boost::system::error_code ec;
  socket.close(ec);
  server.stop();
  return out;
}

}  // namespace sisyphus::runner::detail
