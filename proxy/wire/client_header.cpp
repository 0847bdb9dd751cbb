#include "wire/client_header.hpp"

#include <fmt/format.h>

#include "sisyphus/core/client_token.hpp"

namespace sisyphus::proxy {

ClientHeader read_client_header(const boost::beast::http::fields& fields) {
  ClientHeader out;
  const auto count = fields.count(kClientHeader);
  if (count == 0) return out;
  if (count > 1) {
    out.error = fmt::format("{} sent {} times: a request names one client", kClientHeader, count);
    return out;
  }
  const std::string_view value = fields.find(kClientHeader)->value();
  if (!is_client_token(value)) {
    out.error = fmt::format("malformed {} header: expected 1 to {} characters of [A-Za-z0-9._-]",
                            kClientHeader, kClientTokenMax);
    return out;
  }
  out.token = std::string(value);
  return out;
}

}  // namespace sisyphus::proxy
