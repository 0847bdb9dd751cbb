#pragma once
// One request-log record (DESIGN.md "request log"): one JSON object per line.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::proxy {

struct LogRecord {
  double t = 0;  // seconds since the server (or its last reset) started
  std::string path;
  std::uint32_t attempt = 0;  // k-th GET of that path (1-based); 0 for HEAD and refused requests
  // The request's Sisyphus-Client token, by which `attempt` is numbered per (client, path);
  // null when it named none (or a malformed one, refused with 400).
  std::optional<std::string> client;
  std::string method;
  std::optional<std::string> range;     // as received
  std::optional<std::string> if_range;  // as received
  int status = 0;
  // DESIGN.md "Byte accounting"; both exclude the head and chunk framing.
  std::uint64_t bytes_sent = 0;      // body bytes the client's TCP acknowledged
  std::uint64_t bytes_written = 0;   // body bytes the server wrote into its socket
  std::optional<std::string> fault;  // faults applied, comma-separated kinds, or null
  std::uint64_t content_seed = 0;    // which version of the resource was served
  std::uint64_t connection = 0;      // connection id (keep-alive reuse is visible)
  // How the request came: "http/1.1" or "http/1.0", over plain TCP or TLS, or "h2" (HTTP/2
  // over TLS), and over HTTP/2 its stream id (null otherwise). The streams of one HTTP/2
  // connection share its `connection`.
  std::string protocol = "http/1.1";
  std::optional<std::uint32_t> stream;
  double duration_s = 0;  // request start to last byte or close
  // Why the server refused or broke off, for error responses and failed writes ("header
  // timeout", "path escapes the file root", "connection reset by peer"), or null.
  std::optional<std::string> error;
  // Position in the log since the server (or its last reset) started: 0, 1, 2, ... in order
  // of recording (the end of each request), the order of the log file. GET /v1/log?since=N
  // pages by it.
  std::uint64_t seq = 0;
};

// The log's `fault` names of the answers server.max_active and server.outages give
// (docs/server.md, "Overload and outages").
inline constexpr std::string_view kOverCapacityFault = "over_capacity";
inline constexpr std::string_view kOutageFault = "outage";

// Whether the record's `fault` (comma-separated kinds) names `kind`.
bool lists_fault(const LogRecord& record, std::string_view kind);

std::string to_json_line(const LogRecord& record);  // no trailing newline
// Throws sisyphus::ParseError naming the problem when `line` is not such an object.
LogRecord log_record_from_json(std::string_view line);

}  // namespace sisyphus::proxy
