// drop: cut the body at an exact offset, or after a transfer time. close = FIN after the bytes
// before the cut; reset = RST once the kernel send queue has drained (so those bytes are not
// discarded); stall = hold the connection open and silent for `for`, then close; over HTTP/2
// rst_stream and goaway end the stream alone or the connection with a GOAWAY (over HTTP/1.1
// they close, as close does). `after` and `after_time` may be random ({mean: …}): a
// memoryless link, drawn per request.
#include <algorithm>
#include <optional>

#include "faults/point_spec.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

// A drawn transfer time is kept below this (about 31 years), far from where time scaling's
// arithmetic would overflow.
constexpr std::uint64_t kMaxDrawnMicroseconds = 1'000'000'000'000'000;

// `after_time: 5s`, or `after_time: {mean: 5s}` drawn per request.
struct TimeSpec {
  Duration after{0};
  bool mean = false;

  Duration resolve(Rng& rng) const {
    if (!mean) return after;
    const std::uint64_t us = exponential_draw(rng, static_cast<std::uint64_t>(after.count()));
    return Duration{static_cast<Duration::rep>(std::min(us, kMaxDrawnMicroseconds))};
  }
};

class Drop final : public Fault {
 public:
  Drop(std::optional<PointSpec> point, TimeSpec time, CutHow how, Duration stall_for, StreamEnd end)
      : point_(point), time_(time), how_(how), stall_for_(stall_for), end_(end) {}

  std::string_view kind() const override { return "drop"; }

  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng& rng) const override {
    const Duration stall = how_ == CutHow::stall ? ctx.time_scale(stall_for_) : Duration{0};
    if (point_) {
      plan.set_cut(Cut{point_->resolve(ctx.resource_size, rng), how_, stall, "drop", end_});
    } else {
      plan.set_timed_cut(TimedCut{ctx.time_scale(time_.resolve(rng)), how_, stall, "drop", end_});
    }
    plan.applied.emplace_back("drop");
  }

 private:
  std::optional<PointSpec> point_;  // nullopt: a cut by time
  TimeSpec time_;
  CutHow how_;
  Duration stall_for_;
  StreamEnd end_;
};

constexpr model::ParamKey kAfterTimeKey{
    .name = "after_time",
    .type = model::ParamType::duration,
    .doc = "transfer time from the first body write, time-scaled",
    .random = true,
};

constexpr std::string_view kHows[] = {"close", "reset", "stall", "rst_stream", "goaway"};
// RFC 9113 §7, the codes a server ends a stream or a connection with.
constexpr std::string_view kCodes[] = {"no_error", "internal_error", "cancel", "refused_stream",
                                       "enhance_your_calm"};
constexpr std::uint32_t kCodeValues[] = {0x0, 0x2, 0x8, 0x7, 0xb};
constexpr model::ParamKey kKeys[] = {
    kAtKey,
    kAfterKey,
    kAfterTimeKey,
    {.name = "how",
     .type = model::ParamType::choice,
     .default_value = "close",
     .doc = "what happens at the cut: FIN, RST, a silent stall; HTTP/2: RST_STREAM or GOAWAY",
     .choices = kHows},
    {.name = "for",
     .type = model::ParamType::duration,
     .default_value = "30s",
     .doc = "how: stall only: how long the connection stays silent (time-scaled)"},
    {.name = "close_notify",
     .type = model::ParamType::boolean,
     .default_value = "true",
     .doc = "HTTPS only: TLS close_notify before the FIN (false: a truncation)",
     .tls_only = true},
    {.name = "code",
     .type = model::ParamType::choice,
     .default_value = "cancel",
     .doc = "how: rst_stream or goaway: the HTTP/2 error code (goaway's default: no_error)",
     .choices = kCodes},
};

// `after_time` instead of an offset; exactly one of at, after and after_time.
std::optional<TimeSpec> read_time(const model::FaultParams& params) {
  const std::string_view key = kAfterTimeKey.name;
  if (!params.has(key)) {
    if (!params.has(kAtKey.name) && !params.has(kAfterKey.name)) {
      params.fail(fmt::format("expected '{}' ({}), '{}' ({}) or '{}' ({})", kAtKey.name, kAtKey.doc,
                              kAfterKey.name, kAfterKey.doc, key, kAfterTimeKey.doc));
    }
    return std::nullopt;
  }
  if (params.has(kAtKey.name) || params.has(kAfterKey.name)) {
    params.fail(key, "give one of 'at', 'after' and 'after_time', not two");
  }
  return TimeSpec{params.duration(key), params.is_mean(key)};
}

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  const std::optional<TimeSpec> time = read_time(params);
  std::optional<PointSpec> point;
  if (!time) point = PointSpec::read(params);
  const std::string& h = params.string("how");
  const CutHow how = h == "reset" ? CutHow::reset : h == "stall" ? CutHow::stall : CutHow::close;
  StreamEnd end;
  if (h == "rst_stream" || h == "goaway") {
    end.h2 = h == "rst_stream" ? StreamEnd::H2::rst_stream : StreamEnd::H2::goaway;
    const std::string default_code = h == "goaway" ? "no_error" : "cancel";
    const std::string& code = params.has("code") ? params.string("code") : default_code;
    const auto* at = std::find(std::begin(kCodes), std::end(kCodes), code);
    end.h2_error = kCodeValues[at - std::begin(kCodes)];
  } else if (params.has("code")) {
    params.fail("code", "'code' applies only to how: rst_stream and how: goaway");
  }
  if (params.has("for") && how != CutHow::stall) {
    params.fail("for", "'for' applies only to how: stall");
  }
  if (params.has("close_notify") && h != "close" && h != "stall") {
    params.fail("close_notify", fmt::format("'close_notify' applies to how: close and how: "
                                            "stall, not {}",
                                            h));
  }
  end.close_notify = params.boolean("close_notify");
  return std::make_unique<Drop>(point, time.value_or(TimeSpec{}), how, params.duration("for"), end);
}

}  // namespace

const FaultKind& drop_kind() {
  static const FaultKind kind{
      .name = "drop",
      .summary =
          "cut the body at an offset (or after a transfer time): close (FIN), reset (RST) "
          "or stall",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
