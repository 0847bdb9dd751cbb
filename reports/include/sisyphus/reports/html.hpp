#pragma once
// report.html: one self-contained page (inline CSS and SVG, no scripts, no external URLs).
#include <string>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports {

std::string to_html(const RunResults& results);

}  // namespace sisyphus::reports
