// reference-cli: the reference client as a separate process, `sisyphus get`, exactly as a
// user would run it. `get` has no --time-scale: the backoff base and cap are passed scaled
// (the cap also caps Retry-After waits). Like every process, it is stopped by the runner at
// the deadline, not by its own --timeout.
#include "../external.hpp"
#include "../in_process.hpp"
#include "../part_prefill.hpp"
#include "sisyphus/core/units.hpp"

namespace sisyphus::runner::clients {
namespace {

class ReferenceCli final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "reference-cli"; }
  void prefill(const PrefillContext& ctx) const override { detail::write_part_prefill(ctx); }
  ClientOutcome run(const ClientContext& ctx) const override {
    const model::ClientOptions& c = ctx.scenario->client;
    std::vector<std::string> argv{
        ctx.sisyphus_binary.string(),
        "get",
        ctx.url,
        "-o",
        ctx.output.string(),
        "--max-attempts",
        std::to_string(c.max_attempts),
        "--backoff",
        c.backoff.strategy,
        "--base",
        format_duration(ctx.time_scale(c.backoff.base)),
        "--cap",
        format_duration(ctx.time_scale(c.backoff.cap)),
        "--seed",
        std::to_string(ctx.scenario->seed),
        "--resume",
        c.resume,
        "--read-timeout",
        format_duration(detail::read_timeout(ctx)),
        "--connect-timeout",
        format_duration(detail::connect_timeout(ctx)),
        "--no-progress",
    };
    if (ctx.sha256) {
      argv.push_back("--sha256");
      argv.push_back(*ctx.sha256);
    }
    if (!ctx.ca_file.empty()) {
      argv.push_back("--ca-file");
      argv.push_back(ctx.ca_file.string());
    }
    return detail::run_external(ctx, std::move(argv));
  }
};

}  // namespace

const ClientKind& reference_cli_client() {
  static const ClientKind kind{
      .name = "reference-cli",
      .summary = "the reference client as a subprocess: sisyphus get",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<ReferenceCli>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
