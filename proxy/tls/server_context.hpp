#pragma once
// The server side of HTTPS (docs/server.md "HTTPS"): the OpenSSL context a listener's TLS
// front (tls_front.hpp) accepts with, from the certificate files a user gives or from a CA
// and certificate made at start for this run only.
// Internal to the proxy library.
#include <openssl/ssl.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sisyphus::proxy {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A CA made for one run and the certificate it signed for the server, both PEM.
struct MadeIdentity {
  std::string ca_pem;
  std::string certificate_pem;
  std::string key_pem;
};

// A P-256 CA ("sisyphus test CA") and a certificate it signs for localhost, 127.0.0.1, ::1
// and each of `extra_ips` (the listen address when it is none of those), valid from an hour
// ago for 30 days. Throws std::runtime_error when OpenSSL fails.
MadeIdentity make_identity(const std::vector<std::string>& extra_ips);

struct ServerTls {
  SslCtxPtr ctx;
  std::string ca_pem;  // the made CA; empty when the certificate came from files
};

// With both files, their chain and key (PEM; the key must match the certificate); without
// either, a made identity. TLS 1.2 and 1.3; ALPN picks h2 when `http2` and the client offers
// it, else http/1.1 (a client that offers neither gets no ALPN answer). Throws
// std::runtime_error naming the flag, the file and why.
ServerTls make_server_tls(const std::optional<std::filesystem::path>& cert_file,
                          const std::optional<std::filesystem::path>& key_file,
                          const std::vector<std::string>& extra_ips, bool http2);

}  // namespace sisyphus::proxy
