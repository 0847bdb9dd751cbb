// wget: resumes within one invocation (-c sends Range: bytes=N- on every retry, no
// If-Range). --waitretry=0 retries at once, --retry-on-http-error makes 429/5xx retried
// like a broken connection, --read-timeout is the stall detector. docs/runner.md.
#include "../external.hpp"
#include "../in_process.hpp"

namespace sisyphus::runner::clients {
namespace {

class Wget final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "wget"; }
  ClientOutcome run(const ClientContext& ctx) const override {
    std::vector<std::string> argv{
        "wget",
        "--no-config",
        "-nv",
        "-c",
        "--tries=" + std::to_string(ctx.scenario->client.max_attempts),
        "--retry-connrefused",
        "--waitretry=0",
        "--retry-on-http-error=429,500,502,503,504",
        "--read-timeout=" + detail::decimal_seconds(detail::read_timeout(ctx)),
        "--connect-timeout=" + detail::decimal_seconds(detail::connect_timeout(ctx)),
        "-O",
        ctx.output.string(),
        ctx.url};
    detail::insert_ca_option(ctx, argv, "--ca-certificate=");
    return detail::run_external(ctx, std::move(argv));
  }
};

}  // namespace

const ClientKind& wget_client() {
  static const ClientKind kind{
      .name = "wget",
      .summary = "wget -c --tries=N --retry-connrefused --waitretry=0 --read-timeout=T",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<Wget>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
