#pragma once
// Which version of the resource the client's output is judged against, and the verdict it
// earns (reports::classify): the output must be the version the server served last; a
// failed client that left a correct prefix of another version it was served (or of the
// original) left stale bytes, not wrong ones.
#include <filesystem>
#include <vector>

#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/reports/verdict.hpp"

namespace sisyphus::runner::detail {

// `gets`: the resource's GETs in attempt order. Throws std::runtime_error when the output
// (or the resource's file) cannot be read.
reports::Classification judge_output(const model::Scenario& scenario, bool client_success,
                                     const std::filesystem::path& output,
                                     const std::vector<proxy::LogRecord>& gets);

}  // namespace sisyphus::runner::detail
