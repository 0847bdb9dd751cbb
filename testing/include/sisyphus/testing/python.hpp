#pragma once
// Checking a writer's output with an independent parser: a python3 script (xml.etree,
// html.parser, ...) run on the output, its printout compared by the test.
#include <string_view>

#include "sisyphus/testing/process.hpp"

namespace sisyphus::testing {

// Runs `script` with python3 (from PATH) on a file holding `input`, both written to a fresh
// temporary directory named after `name`; stdout and stderr together in `out` (as 2>&1), so
// a traceback shows where the printout was expected.
RunResult python_on(std::string_view script, std::string_view input, std::string_view name);

}  // namespace sisyphus::testing
