// reference: the project's resumable client, in-process (client::download). Many of them
// share nothing but the machine, so `--jobs` runs them side by side cheaply.
#include "../in_process.hpp"
#include "../part_prefill.hpp"

namespace sisyphus::runner::clients {
namespace {

class Reference final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "reference"; }
  // A killed reference client leaves FILE.part and its state file, not FILE.
  void prefill(const PrefillContext& ctx) const override { detail::write_part_prefill(ctx); }
  ClientOutcome run(const ClientContext& ctx) const override {
    return detail::run_in_process(detail::reference_options(ctx), ctx.deadline);
  }
};

}  // namespace

const ClientKind& reference_client() {
  static const ClientKind kind{
      .name = "reference",
      .summary = "the reference resumable client, in-process (If-Range, checks, SHA-256)",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<Reference>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
