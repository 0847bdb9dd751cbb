#pragma once
// Executing a ResponsePlan on a connection: the one way every answer goes out, the origin's
// and the proxy's own (origin/response_writer.hpp) and the relayed ones
// (relay/proxy_relay.cpp). In order:
//   send_head()  the first-byte delay, then the head with its framing fields and, when the
//                connection will not be kept, Connection: close; or, with a head cut, the
//                head's first bytes (or the plan's replacement bytes) and the cut itself;
//   body()       the body, fed by the caller piece by piece (BodyWriter: per-chunk delay,
//                pacing, corruptions, the cut, chunk framing);
//   finish()     the terminating chunk, or the cut (a stall is waited out here);
//   conclude()   the wait for the client's TCP to acknowledge the body (while it does), the
//                request's log record, then the end of the connection (after the record,
//                so a client that sees the FIN or RST finds the request in the log), and
//                whether the connection can take another request.
// A new plan field is executed here or in BodyWriter, and nowhere else. Internal to the
// proxy library (Asio and Beast types).
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "sisyphus/proxy/log.hpp"
#include "sisyphus/proxy/plan.hpp"
#include "wire/body_writer.hpp"
#include "wire/connection.hpp"

namespace sisyphus::proxy {

// How the head frames the body.
struct Framing {
  bool body = true;      // a body follows the head (false: HEAD, 304, a relayed answer without one)
  bool chunked = false;  // Transfer-Encoding: chunked (a HEAD announces what its GET would get)
  std::optional<std::uint64_t> length;  // Content-Length when not chunked; nullopt: none (a 304,
                                        // or a body that ends with the connection)
  // The caller has the body's first bytes at hand (the origin): the head waits for them
  // (BodyWriter::hold_head()) and both leave in one segment, so a client that closes on
  // reading the head (a 503's) has received them all the same and what it is charged does
  // not depend on which of the two got there first. false when the first bytes may take a
  // while (the proxy waits for its upstream): the head goes at once.
  bool body_at_hand = true;
};

// Whether the log names a planned cut that this response did not execute. The origin and the
// proxy have always differed for a response that did not complete (it ended in a chunked cut,
// or broke off before the cut): the origin names the cut, the proxy does not.
enum class UnexecutedCut {
  named_unless_complete,  // the origin: only a complete response shows the cut fell outside it
  never_named,            // the proxy: the log names executed cuts only
};

class PlanExecutor {
 public:
  using Response = boost::beast::http::response<boost::beast::http::empty_body>;

  // `cut_at`: where the plan's cut falls in this body, as a body offset (nullopt: nowhere).
  // `keep_alive`: whether the connection may take another request after a complete answer.
  PlanExecutor(Connection& connection, const ResponsePlan& plan, Framing framing,
               std::optional<std::uint64_t> cut_at, bool keep_alive);

  // Waits out the first-byte delay, then writes `head` (status, reason and fields as the
  // caller set them) as an HTTP/1.1 head with the framing fields. false when it could not go
  // out (the server is stopping, the socket failed): then there is no body to write.
  asio::awaitable<bool> send_head(Response& head);
  // With a head cut it writes the bytes before the cut, executes the cut and returns false
  // (no body follows; conclude() logs the request, then ends the connection).
  // The body goes here, in order, after a head that went out.
  BodyWriter& body() { return body_; }
  // After the last piece (nothing after a failed head). A body that broke off at its source
  // calls body().abandon() instead: the client sees the connection close.
  asio::awaitable<void> finish();
  // Waits for the body's delivery (BodyWriter::await_delivery()), fills in the rest of
  // `record` (status, bytes delivered and written, faults that took effect, error, duration
  // since `started`), hands it to the core, then ends the connection as the plan
  // and the client said; returns whether the connection can take another request.
  asio::awaitable<bool> conclude(LogRecord& record, int status,
                                 Connection::Clock::time_point started,
                                 UnexecutedCut unexecuted_cut);

 private:
  // send_head() when the plan cuts inside the head: `head` is complete but for what is cut.
  asio::awaitable<void> send_cut_head(const Response& head);

  Connection& c_;
  const ResponsePlan& plan_;
  Framing framing_;
  bool keep_alive_;
  BodyWriter body_;
  bool head_sent_ = false;
  std::optional<std::string> error_;  // why the head did not go out
};

}  // namespace sisyphus::proxy
