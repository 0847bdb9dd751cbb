#pragma once
// The keys of each section of the scenario and matrix schemas, and the words of their choice
// keys, written once: the loader allows exactly these (allow_only, choice) and the JSON
// Schema (json_schema.cpp) is made from them, so that the two cannot disagree on a name.
// The fault kinds' keys are not here: each kind declares its own (ParamTable).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::model::detail {

inline const std::vector<std::string> kScenarioKeys{
    "name",     "description", "seed",   "resource", "resources", "server",
    "attempts", "changes",     "faults", "client",   "expect"};
inline const std::vector<std::string> kResourceKeys{"path", "size", "seed",          "file",
                                                    "text", "etag", "last_modified", "digest"};
// A `resources:` entry: a resource, its id, and its own attempts: and changes:.
inline const std::vector<std::string> kResourceEntryKeys{
    "id",   "path",          "size",   "seed",     "file",   "text",
    "etag", "last_modified", "digest", "attempts", "changes"};
inline const std::vector<std::string> kServerKeys{"ranges",     "chunked",       "tls",
                                                  "max_active", "over_capacity", "outages"};
inline const std::vector<std::string> kOverCapacityKeys{"status", "retry_after"};
inline const std::vector<std::string> kOutageKeys{"at", "for", "how"};
inline const std::vector<std::string> kChangeKeys{"before_attempt", "at_time",
                                                  "before_each_attempt", "probability"};
inline const std::vector<std::string> kExpectKeys{
    "verdict", "max_attempts", "min_attempts", "max_wasted_bytes", "max_duration", "verify"};
// A `faults:` rule's own keys, beside its kind's: which attempts it applies to, how often,
// and to which resources.
inline const std::vector<std::string> kNarrowingKeys{"attempts", "probability", "resource"};

inline const std::vector<std::string> kMatrixKeys{
    "name",    "description",  "seed",       "trials", "scenario",
    "clients", "start_spread", "strategies", "axes",   "expect"};
inline const std::vector<std::string> kStrategyKeys{"name", "client"};
inline constexpr std::uint32_t kMaxTrials = 1'000'000;  // a matrix's `trials:`

inline constexpr std::string_view kEtagKinds[] = {"strong", "weak", "none"};
inline constexpr std::string_view kOutageHows[] = {"reset", "refuse", "503"};
inline constexpr std::string_view kVerdicts[] = {"ok", "failed-clean", "failed-dirty", "corrupt"};
inline constexpr std::string_view kClientKinds[] = {
    "reference", "reference-cli", "naive", "curl", "curl-h2", "wget", "aria2c", "command"};
inline constexpr std::string_view kResumePolicies[] = {"if-range", "range", "restart"};
inline constexpr std::string_view kBackoffStrategies[] = {
    "none", "constant", "exponential", "full-jitter", "equal-jitter", "decorrelated-jitter"};

}  // namespace sisyphus::model::detail
