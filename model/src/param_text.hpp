#pragma once
// Reading a scalar's text as a typed value: the one place these rules are written, for
// Params (values in the YAML) and for the defaults in fault key tables. Each throws
// ParseError with the message alone; the caller knows where the text was.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sisyphus/model/param_table.hpp"
#include "sisyphus/model/params.hpp"

namespace sisyphus::model::detail {

// What a value of the type looks like, for "expected <it>, got a mapping" (not for choice,
// whose words say it).
std::string_view expected_text(ParamType type);

std::uint64_t unsigned_from_text(std::string_view text);
std::int64_t signed_size_from_text(std::string_view text);  // "-1KiB" allowed
std::string choice_from_text(std::string_view text, std::span<const std::string_view> choices);

// By the key's type: size, duration and rate as core reads them, the rest as above.
FaultParams::Value value_from_text(const ParamKey& key, std::string_view text);

}  // namespace sisyphus::model::detail
