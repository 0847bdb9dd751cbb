// empty_reply: end the connection before any byte of the response (WireMock's EMPTY_RESPONSE
// and CONNECTION_RESET_BY_PEER, toxiproxy's reset_peer): curl's "Empty reply from server"
// with how: close, "Connection reset by peer" with how: reset.
#include "faults/head_cut_how.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class EmptyReply final : public Fault {
 public:
  explicit EmptyReply(CutHow how) : how_(how) {}

  std::string_view kind() const override { return "empty_reply"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    plan.set_head_cut(HeadCut{0, how_, Duration{0}, "empty_reply"});
    plan.applied.emplace_back("empty_reply");
  }

 private:
  CutHow how_;
};

constexpr model::ParamKey kKeys[] = {kHeadCutHowKey};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<EmptyReply>(head_cut_how(params.string("how")));
}

}  // namespace

const FaultKind& empty_reply_kind() {
  static const FaultKind kind{
      .name = "empty_reply",
      .summary = "end the connection before any response byte: close (FIN) or reset (RST)",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
