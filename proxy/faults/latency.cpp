// latency: delay the first byte of the response (plus a seeded jitter) and each body write.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

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

constexpr model::ParamKey kKeys[] = {
    {.name = "first_byte",
     .type = model::ParamType::duration,
     .default_value = "0",
     .doc = "before the status line is sent"},
    {.name = "per_chunk",
     .type = model::ParamType::duration,
     .default_value = "0",
     .doc = "before each body write (at most 64 KiB each)"},
    {.name = "jitter",
     .type = model::ParamType::duration,
     .default_value = "0",
     .doc = "adds a uniform 0 to jitter (whole microseconds, seeded) to first_byte"},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  // Every key has a default, but a latency of nothing at all is a mistake in the scenario.
  if (std::none_of(std::begin(kKeys), std::end(kKeys),
                   [&](const model::ParamKey& key) { return params.has(key.name); })) {
    std::vector<std::string> names;
    for (const auto& key : kKeys) names.push_back(fmt::format("'{}'", key.name));
    params.fail(fmt::format("expected at least one of {} (durations)", fmt::join(names, ", ")));
  }
  return std::make_unique<Latency>(params.duration("first_byte"), params.duration("per_chunk"),
                                   params.duration("jitter"));
}

}  // namespace

const FaultKind& latency_kind() {
  static const FaultKind kind{
      .name = "latency",
      .summary = "delay the first byte (with seeded jitter) and every body write",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
