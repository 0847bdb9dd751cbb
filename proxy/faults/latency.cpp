// latency: delay the first byte of the response (plus a seeded jitter) and each body write.
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class Latency final : public Fault {
 public:
  Latency(Duration first_byte, Duration per_chunk, Duration jitter)
      : first_byte_(first_byte), per_chunk_(per_chunk), jitter_(jitter) {}

  std::string_view kind() const override { return "latency"; }

  // Jitter adds a uniform 0..jitter (inclusive, whole microseconds) to the first byte only.
  // Delays add up when several latency faults apply to one response.
  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng& rng) const override {
    const Duration extra{
        static_cast<Duration::rep>(rng.between(0, static_cast<std::uint64_t>(jitter_.count())))};
    plan.first_byte_delay += ctx.time_scale(first_byte_ + extra);
    plan.per_chunk_delay += ctx.time_scale(per_chunk_);
    plan.applied.emplace_back("latency");
  }

 private:
  Duration first_byte_;
  Duration per_chunk_;
  Duration jitter_;
};

std::unique_ptr<Fault> parse(const model::Params& params, const model::Scenario&) {
  params.require_map();
  params.allow_only({"first_byte", "per_chunk", "jitter"});
  if (!params.has("first_byte") && !params.has("per_chunk") && !params.has("jitter")) {
    params.fail("expected at least one of 'first_byte', 'per_chunk', 'jitter' (durations)");
  }
  auto get = [&](std::string_view key) {
    return params.has(key) ? params.duration(key) : Duration{0};
  };
  return std::make_unique<Latency>(get("first_byte"), get("per_chunk"), get("jitter"));
}

}  // namespace

const FaultKind& latency_kind() {
  static const FaultKind kind{
      .name = "latency",
      .summary = "delay the first byte (with seeded jitter) and every body write",
      .relayable = true,
      .parse = &parse,
      .not_relayable_because = {},
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
