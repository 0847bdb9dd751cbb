// curl: one curl invocation never resumes a broken transfer (--retry starts over from byte
// 0, even with -C -), so the careful user loops the command: each run resumes from the
// size of the output with `-C -` (Range: bytes=N-, no If-Range), up to max_attempts runs,
// with no wait between them. -f makes HTTP errors failures (and keeps error bodies out of
// the file); --speed-limit 1 --speed-time T is curl's read timeout. docs/runner.md.
#include "../external.hpp"
#include "../in_process.hpp"

namespace sisyphus::runner::clients {
namespace {

// $1 url, $2 output, $3 max attempts, $4 connect timeout (s), $5 read timeout (s), $6 the CA
// file over HTTPS (empty over HTTP).
constexpr const char* kLoop =
    "n=0\n"
    "while :; do\n"
    "  n=$((n+1))\n"
    "  curl -q -fsS --connect-timeout \"$4\" --speed-limit 1 --speed-time \"$5\" "
    "${6:+--cacert} ${6:+\"$6\"} -C - -o \"$2\" \"$1\" && exit 0\n"
    "  rc=$?\n"
    "  [ \"$n\" -ge \"$3\" ] && exit \"$rc\"\n"
    "done\n";

class Curl final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "curl"; }
  ClientOutcome run(const ClientContext& ctx) const override {
    return detail::run_external(
        ctx, {"/bin/sh", "-c", kLoop, "curl-loop", ctx.url, ctx.output.string(),
              std::to_string(ctx.scenario->client.max_attempts),
              detail::whole_seconds(detail::connect_timeout(ctx)),
              detail::whole_seconds(detail::read_timeout(ctx)), ctx.ca_file.string()});
  }
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
