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

}  // namespace sisyphus::testing
