#pragma once
// One connection to the origin server: reads requests (keep-alive), answers GET/HEAD of
// the scenario's resource per RFC 9110, executes the fault plan byte-exactly and logs every
// request. Reading and dispatch live in origin_session.cpp, plan execution in
// response_writer.cpp.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "wire/connection.hpp"
#include "origin/response_spec.hpp"

namespace sisyphus::proxy {

namespace beast = boost::beast;
namespace http = beast::http;

// How the connection ends after a response (performed after the request is logged, so a
// client that sees the FIN or RST can rely on the log already holding the request).
enum class Ending {
  keep_open,  // the response was complete; the connection may serve another request
  fin,        // close with FIN (a drop with how: close or stall, a chunked cut, no keep-alive)
  rst,        // drain the send queue, then RST (a drop with how: reset)
  gone,       // the socket failed or the server is stopping: nothing left to do
};

// What writing a response did.
struct WriteOutcome {
  std::uint64_t body_bytes = 0;  // body bytes the socket accepted (chunk framing excluded)
  bool complete = false;         // the whole response went out as framed
  bool cut = false;              // the plan's cut fell inside this body and was executed
  Ending ending = Ending::keep_open;
  bool finishing_marked = false;  // ServerCore::finishing_started() was called for it
  std::optional<std::string> error;
};

class OriginSession final : public Connection {
 public:
  using Connection::Connection;

 private:
  asio::awaitable<void> run() override;

  // Answers one parsed request; returns whether the connection can take another.
  asio::awaitable<bool> handle(const http::request<http::string_body>& request, LogRecord& record,
                               Clock::time_point started);
  // Answers a request that could not be read (400/408/413/431) and logs it.
  asio::awaitable<void> reject(const RequestParser& parser, const NextRequest& next);

  // Writes the head with Beast's serializer, then the body through BodyWriter with every
  // edit of the plan: delays, pacing, cut (a stall is waited out here), corruptions, chunk
  // framing (response_writer.cpp).
  asio::awaitable<WriteOutcome> write(const ResponseSpec& spec, const ResponsePlan& plan,
                                      const ContentSource* source, bool keep_alive);
  asio::awaitable<bool> write_head(const ResponseSpec& spec, bool keep_alive);
  // Ends the connection as the outcome says (after logging).
  asio::awaitable<void> end_connection(const WriteOutcome& outcome);
};

}  // namespace sisyphus::proxy
