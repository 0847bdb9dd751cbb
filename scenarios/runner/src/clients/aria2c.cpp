// aria2c: -c continues from the output's length (no control file after a kill of another
// program), one connection (--split=1: "attempt k" stays the k-th request), no
// preallocation (a failed run must not leave a full-size file of zeros), and
// --retry-wait=1: with 0, aria2c does not retry a 503 at all. docs/runner.md.
#include "../external.hpp"
#include "../in_process.hpp"

namespace sisyphus::runner::clients {
namespace {

class Aria2c final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "aria2c"; }
  ClientOutcome run(const ClientContext& ctx) const override {
    std::vector<std::string> argv{
        "aria2c",
        "--no-conf",
        "-c",
        "--max-tries=" + std::to_string(ctx.scenario->client.max_attempts),
        "--retry-wait=1",
        "--timeout=" + detail::whole_seconds(detail::read_timeout(ctx)),
        "--connect-timeout=" + detail::whole_seconds(detail::connect_timeout(ctx)),
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
        "--file-allocation=none",
        "--split=1",
        "--max-connection-per-server=1",
        "--console-log-level=warn",
        "--summary-interval=0",
        "--show-console-readout=false",
        "-d",
        ctx.output.parent_path().string(),
        "-o",
        ctx.output.filename().string(),
        ctx.url};
    detail::insert_ca_option(ctx, argv, "--ca-certificate=");
    return detail::run_external(ctx, std::move(argv));
  }
};

}  // namespace

const ClientKind& aria2c_client() {
  static const ClientKind kind{
      .name = "aria2c",
      .summary = "aria2c -c --max-tries=N --retry-wait=1 --split=1 --file-allocation=none",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<Aria2c>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
