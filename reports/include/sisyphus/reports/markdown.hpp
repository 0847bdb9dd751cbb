#pragma once
// summary.md: GitHub-flavoured Markdown sized for $GITHUB_STEP_SUMMARY.
#include <string>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports {

std::string to_markdown(const RunResults& results);

}  // namespace sisyphus::reports
