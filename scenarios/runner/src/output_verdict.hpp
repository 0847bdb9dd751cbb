#pragma once
// Which version of the resource the client's output is judged against, and the verdict it
// earns (reports::classify): the output must be the version the server served last; a
// failed client that left a correct prefix of another version it was served (or of the
// original) left stale bytes, not wrong ones.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/reports/verdict.hpp"

namespace sisyphus::runner::detail {

// Of `resource`, one of `scenario`'s resources.
// The version the output must be: the one the server served last (`gets`: the resource's
// GETs of this client in attempt order); with no GET, the one in effect at the start.
std::uint64_t final_content_seed(const model::Scenario& scenario, const model::Resource& resource,
                                 const std::vector<proxy::LogRecord>& gets);

// What a client given `client.sha256: true` is told: the SHA-256 (hex) of the last version
// `served` defines (every change applied); nullopt without `sha256: true`.
std::optional<std::string> expected_sha256(const model::Scenario& scenario,
                                           const model::Resource& resource,
                                           const model::Scenario& served);

// `gets`: the resource's GETs in attempt order. Throws std::runtime_error when the output
// (or the resource's file) cannot be read.
reports::Classification judge_output(const model::Scenario& scenario,
                                     const model::Resource& resource, bool client_success,
                                     const std::filesystem::path& output,
                                     const std::vector<proxy::LogRecord>& gets);

}  // namespace sisyphus::runner::detail
