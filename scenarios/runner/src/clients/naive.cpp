// naive: the careless client of client-under-test (Range without If-Range, no checks,
// FILE written in place), in-process with the same retries and backoff as the reference.
#include "../in_process.hpp"

namespace sisyphus::runner::clients {
namespace {

class Naive final : public ClientAdapter {
 public:
  std::string_view kind() const override { return "naive"; }
  ClientOutcome run(const ClientContext& ctx) const override {
    client::Options o = detail::reference_options(ctx);
    o.naive = true;
    return detail::run_in_process(std::move(o), ctx.deadline);
  }
};

}  // namespace

const ClientKind& naive_client() {
  static const ClientKind kind{
      .name = "naive",
      .summary = "the careless client: Range without If-Range, no checks (in-process)",
      .make = [](std::string_view) -> std::unique_ptr<ClientAdapter> {
        return std::make_unique<Naive>();
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
