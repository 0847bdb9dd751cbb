#pragma once
// Reads the Sisyphus-Client request header (docs/server.md "Clients") for the origin and the
// relay alike: the token the fault engine numbers attempts by, or why the request is refused.
#include <boost/beast/http/fields.hpp>
#include <optional>
#include <string>

namespace sisyphus::proxy {

struct ClientHeader {
  std::optional<std::string> token;  // absent or refused: none (attempts numbered per path)
  std::optional<std::string> error;  // why the request gets a 400, when the header is malformed
};

// One field holding one token (core/client_token.hpp) is the client's name; no field is no
// name; anything else (an empty or too long value, a character outside [A-Za-z0-9._-], two
// fields) is an error: a client that meant to name itself and did it wrong would otherwise
// be numbered with every other client, silently.
ClientHeader read_client_header(const boost::beast::http::fields& fields);

}  // namespace sisyphus::proxy
