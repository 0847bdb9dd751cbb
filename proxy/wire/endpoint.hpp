#pragma once
// "HOST:PORT" as written on the command line: "127.0.0.1:8080", "[::1]:0", ":0" (loopback).
#include <boost/asio/ip/tcp.hpp>
#include <string_view>

namespace sisyphus::proxy {

// Throws sisyphus::ParseError naming the text and what was expected. HOST must be an IP
// literal (no name resolution: a test harness should not depend on DNS).
boost::asio::ip::tcp::endpoint parse_endpoint(std::string_view text);

}  // namespace sisyphus::proxy
