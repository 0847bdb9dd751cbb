#pragma once
// junit.xml: one <testcase> per scenario; failed expectations become <failure>, the
// harness failing (verdict error) becomes <error>.
#include <string>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports {

std::string to_junit(const RunResults& results);

}  // namespace sisyphus::reports
