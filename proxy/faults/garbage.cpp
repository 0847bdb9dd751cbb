// garbage: instead of the response, `bytes` seeded random bytes, then FIN or RST (WireMock's
// RANDOM_DATA_THEN_CLOSE). The bytes come from the fault's stream (docs/faults.md
// "Probability and seeding"): the same request in a replay gets the same bytes.
#include <fmt/format.h>

#include <limits>

#include "faults/head_cut_how.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

constexpr std::uint64_t kMaxBytes = 1024 * 1024;

class Garbage final : public Fault {
 public:
  Garbage(std::uint64_t bytes, CutHow how) : bytes_(bytes), how_(how) {}

  std::string_view kind() const override { return "garbage"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng& rng) const override {
    std::string bytes(bytes_, '\0');
    for (char& b : bytes) b = static_cast<char>(rng.next() & 0xff);  // one draw a byte
    plan.head_replacement = std::move(bytes);
    plan.set_head_cut(
        HeadCut{std::numeric_limits<std::uint64_t>::max(), how_, Duration{0}, "garbage"});
    plan.applied.emplace_back("garbage");
  }

 private:
  std::uint64_t bytes_;
  CutHow how_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "bytes",
     .type = model::ParamType::unsigned_integer,
     .default_value = "64",
     .doc = "how many random bytes go out instead of the response (1 to 1048576)"},
    kHeadCutHowKey,
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  const std::uint64_t bytes = params.unsigned_integer("bytes");
  if (bytes == 0 || bytes > kMaxBytes) {
    params.fail("bytes", fmt::format("expected 1 to {} bytes, got {}", kMaxBytes, bytes));
  }
  return std::make_unique<Garbage>(bytes, head_cut_how(params.string("how")));
}

}  // namespace

const FaultKind& garbage_kind() {
  static const FaultKind kind{
      .name = "garbage",
      .summary = "random bytes (seeded) instead of the response, then close (FIN) or reset (RST)",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
