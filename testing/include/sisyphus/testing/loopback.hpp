#pragma once
// Loopback helpers for tests that start a real server which cannot listen on port 0 (nginx):
// pick a port the kernel has just handed out, see whether something accepts there, and make
// sure that something is the server the test started. Between free_port() and the server's
// bind, another test running in parallel can take the port; the server then fails to bind
// and exits, but a plain "does it accept?" check would already have said yes to the other
// test's listener. serves_body() asks for a file only our server has.
#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sisyphus::testing {

// 127.0.0.1:port as a socket address.
sockaddr_in loopback_address(std::uint16_t port);

// A loopback port nobody was bound to a moment ago (bind :0, read it, close).
std::uint16_t free_port();

// True when something accepts TCP connections on 127.0.0.1:port.
bool accepts(std::uint16_t port);

// True when an HTTP/1.0 GET of `path` on 127.0.0.1:port answers 200 with exactly `body`
// within `timeout` (then it is the server that was given that file).
bool serves_body(std::uint16_t port, std::string_view path, std::string_view body,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// The bytes the IPv4 TCP socket from 127.0.0.1:`local_port` to 127.0.0.1:`remote_port` holds
// written but not acknowledged by its peer (its tx_queue in /proc/net/tcp): what a server has
// put into its socket beyond what the client took. nullopt when no such socket is listed.
std::optional<std::uint64_t> unacknowledged_bytes(std::uint16_t local_port,
                                                  std::uint16_t remote_port);

}  // namespace sisyphus::testing
