#include "output_verdict.hpp"

#include <cstdint>
#include <set>

#include "sisyphus/runner/verify.hpp"

namespace sisyphus::runner::detail {
namespace {

// Whether the output is a correct prefix of a version other than the last (synthetic
// resources only: a file has one version).
bool clean_prefix_of_another_version(const model::Scenario& s, const model::Resource& r,
                                     const std::filesystem::path& output,
                                     const std::vector<proxy::LogRecord>& gets,
                                     std::uint64_t last) {
  std::set<std::uint64_t> seen{r.content_seed(0)};
  for (const auto& g : gets) seen.insert(g.content_seed);
  seen.erase(last);
  bool found = false;
  for (std::uint64_t seed : seen) {
    const ExpectedContent other = ExpectedContent::of(s, r, seed);
    if (compare_output(output, other).clean_prefix(other.size())) found = true;
  }
  return found;
}

}  // namespace

// With no request at all, nothing was served: the version in effect at the start.
std::uint64_t final_content_seed(const model::Scenario& s, const model::Resource& r,
                                 const std::vector<proxy::LogRecord>& gets) {
  if (!gets.empty()) return gets.back().content_seed;
  const bool changed = s.client.prefill_changed && &r == &s.resource();
  return r.content_seed(changed ? 1 : 0);
}

std::optional<std::string> expected_sha256(const model::Scenario& s, const model::Resource& r,
                                           const model::Scenario& served) {
  if (!s.client.sha256) return std::nullopt;
  const model::Resource& served_r =
      served.resources[static_cast<std::size_t>(&r - s.resources.data())];
  const auto last = served_r.content_seed(served.changes_of(served_r).size());
  return ExpectedContent::of(s, r, last).sha256_hex();
}

reports::Classification judge_output(const model::Scenario& s, const model::Resource& r,
                                     bool client_success, const std::filesystem::path& output,
                                     const std::vector<proxy::LogRecord>& gets) {
  const std::uint64_t last = final_content_seed(s, r, gets);
  const ExpectedContent expected = ExpectedContent::of(s, r, last);
  const reports::OutputCheck check = compare_output(output, expected);
  const bool stale = !client_success && !check.clean_prefix(expected.size()) && !r.is_file() &&
                     clean_prefix_of_another_version(s, r, output, gets, last);
  return reports::classify(client_success, check, expected.size(), stale);
}

}  // namespace sisyphus::runner::detail
