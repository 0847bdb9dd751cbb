#pragma once
// The inline SVG charts of report.html (internal). Each function returns one <svg>
// element, sized in CSS pixels, styled by the page's CSS classes, with all text escaped.
#include <string>
#include <vector>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports::svg {

// Every chart is this wide (CSS pixels); pages scale it down on narrow screens.
inline constexpr double kWidth = 820;

// The pieces every chart is built of, all text escaped: an <svg> opening tag of kWidth ×
// `height` labelled `label` for screen readers, a <text> and a <rect> with a tooltip.
std::string open_svg(double height, std::string_view label);
std::string label(double x, double y, std::string_view s, std::string_view cls = "lbl",
                  std::string_view anchor = "start");
std::string rect(double x, double y, double w, double h, std::string_view cls,
                 std::string_view title);

// One horizontal bar per scenario: bytes wasted, labelled "name · client".
std::string wasted_bar_chart(const std::vector<const ScenarioResult*>& scenarios);

// One row per attempt: a bar on the time axis from its start to its end (the next attempt's
// start minus its gap; the last ends at the scenario's duration), and a bar on the byte
// axis covering the bytes it sent from where its Range began. Coloured by outcome.
std::string attempt_waterfall(const ScenarioResult& s);

// Grouped bars: for each scenario name, one bar per client label, of `metric`.
enum class Metric { bytes_wasted, attempts };
std::string comparison_chart(const std::vector<std::string>& scenario_names,
                             const std::vector<std::string>& client_labels,
                             const std::vector<std::vector<const ScenarioResult*>>& grid,
                             Metric metric);

// The CSS class for an attempt: "a-ok" (2xx, no fault), "a-fault" (a fault was applied),
// "a-err" (4xx/5xx), "a-none" (no status).
std::string attempt_class(const AttemptRecord& a);

// First byte offset a Range header asks for in a resource of `size` bytes: N for
// "bytes=N-...", size-N for "bytes=-N"; 0 when absent or not of those forms.
std::uint64_t range_start(const std::optional<std::string>& range, std::uint64_t size);

}  // namespace sisyphus::reports::svg
