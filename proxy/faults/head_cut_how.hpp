#pragma once
// The `how` of the faults that cut inside the response head (empty_reply, head_cut, garbage):
// its table entry and its reading (a header, not a .cpp: every .cpp in this directory is a
// fault kind).
#include <string_view>

#include "sisyphus/model/param_table.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy::faults {

inline constexpr std::string_view kHeadCutHows[] = {"close", "reset"};
inline constexpr model::ParamKey kHeadCutHowKey{
    .name = "how",
    .type = model::ParamType::choice,
    .default_value = "close",
    .doc = "how the connection ends: FIN (close) or RST (reset)",
    .choices = kHeadCutHows,
};

inline CutHow head_cut_how(std::string_view how) {
  return how == "reset" ? CutHow::reset : CutHow::close;
}

}  // namespace sisyphus::proxy::faults
