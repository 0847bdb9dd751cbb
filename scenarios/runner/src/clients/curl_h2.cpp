// curl-h2: the curl preset's loop with --http2, against a server that offers h2 (the run
// serves the scenario over HTTPS with HTTP/2: docs/server.md "HTTP/2"), so every attempt is
// an HTTP/2 stream and every cut ends that stream as the fault says. docs/runner.md.
#include "curl_loop.hpp"

namespace sisyphus::runner::clients {
namespace {

class CurlH2 final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "curl-h2"; }
  bool wants_http2() const override { return true; }
  ClientOutcome run(const ClientContext& ctx) const override {
    return run_curl_loop(ctx, "--http2");
  }
};

}  // namespace

const ClientKind& curl_h2_client() {
  static const ClientKind kind{
      .name = "curl-h2",
      .summary = "the curl loop with --http2, the scenario served over HTTPS with HTTP/2",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<CurlH2>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
