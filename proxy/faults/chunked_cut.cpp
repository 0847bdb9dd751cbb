// chunked_cut: send the body with Transfer-Encoding: chunked and close the connection before
// the terminating zero-length chunk: every byte arrives, but the message is incomplete.
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class ChunkedCut final : public Fault {
 public:
  std::string_view kind() const override { return "chunked_cut"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    plan.chunked = true;
    plan.chunked_cut = true;
    plan.applied.emplace_back("chunked_cut");
  }
};

// No keys: the loader refuses any parameter.
std::unique_ptr<Fault> parse(const model::FaultParams&, const model::Scenario&) {
  return std::make_unique<ChunkedCut>();
}

}  // namespace

const FaultKind& chunked_cut_kind() {
  static const FaultKind kind{
      .name = "chunked_cut",
      .summary = "chunked body that ends without its terminating zero-length chunk",
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
