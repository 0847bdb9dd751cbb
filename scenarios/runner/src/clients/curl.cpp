// curl: one curl invocation never resumes a broken transfer (--retry starts over from byte
// 0, even with -C -), so the careful user loops the command: each run resumes from the
// size of the output with `-C -` (Range: bytes=N-, no If-Range), up to max_attempts runs,
// with no wait between them. -f makes HTTP errors failures (and keeps error bodies out of
// the file); --speed-limit 1 --speed-time T is curl's read timeout. docs/runner.md.
#include "curl_loop.hpp"

namespace sisyphus::runner::clients {
namespace {

class Curl final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "curl"; }
  ClientOutcome run(const ClientContext& ctx) const override { return run_curl_loop(ctx, ""); }
};

}  // namespace

const ClientKind& curl_client() {
  static const ClientKind kind{
      .name = "curl",
      .summary = "curl -fsS -C - in a retry loop of max_attempts runs (resume by file size)",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<Curl>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
