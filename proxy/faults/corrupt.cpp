// corrupt: flip bits in `bytes` consecutive bytes of the resource starting at `at`; whoever
// sends those positions (a 200 or a 206 covering them) sends them flipped.
#include <fmt/format.h>

#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

// A bound on the plan's size: corruption is a handful of bit flips, not a second content.
constexpr std::uint64_t kMaxBytes = 65536;

class Corrupt final : public Fault {
 public:
  Corrupt(SizeSpec at, std::uint64_t bytes) : at_(at), bytes_(bytes) {}

  std::string_view kind() const override { return "corrupt"; }

  // Masks come from the request's seeded rng, 1..255 so every listed byte really changes.
  // Positions at or past the end of the resource are left out (they are never sent).
  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng& rng) const override {
    const std::uint64_t first = at_.resolve(ctx.resource_size);
    for (std::uint64_t i = 0; i < bytes_ && first < ctx.resource_size - i; ++i) {
      plan.corruptions.push_back(
          Corruption{first + i, static_cast<std::uint8_t>(rng.between(1, 255))});
    }
    plan.applied.emplace_back("corrupt");
  }

 private:
  SizeSpec at_;
  std::uint64_t bytes_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "at",
     .type = model::ParamType::size,
     .doc = "an offset in the resource: 1000, 10MiB, 50%",
     .required = true},
    {.name = "bytes",
     .type = model::ParamType::unsigned_integer,
     .default_value = "1",
     .doc = "how many consecutive bytes, 1 to 65536"},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  const SizeSpec at = params.size("at");
  const std::uint64_t bytes = params.unsigned_integer("bytes");
  if (bytes == 0 || bytes > kMaxBytes) {
    params.fail("bytes",
                fmt::format("expected a byte count from 1 to {}, got {}", kMaxBytes, bytes));
  }
  return std::make_unique<Corrupt>(at, bytes);
}

}  // namespace

const FaultKind& corrupt_kind() {
  static const FaultKind kind{
      .name = "corrupt",
      .summary = "flip bits in consecutive bytes of the body at an offset (seeded masks)",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
