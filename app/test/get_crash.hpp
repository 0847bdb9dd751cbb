#pragma once
// What the crash tests of `sisyphus get` share: the command line they run, what a killed or
// failed run left on disk, and the check that a rerun resumed exactly where the state file
// said it could (docs/client.md, "Crash safety").
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sisyphus/client/state.hpp"
#include "sisyphus/proxy/log.hpp"

namespace sisyphus::testing {

// The content seed of every crash test's resource (`seed: 7` in their scenarios).
constexpr std::uint64_t kContentSeed = 7;

// `sisyphus get URL -o OUT --backoff none --no-progress --persist-interval 50ms EXTRA...`.
// The short interval gives a download of a second twenty state updates, so that the kill
// moments fall before, between and inside many of them.
std::vector<std::string> crash_get_argv(const std::string& url, const std::filesystem::path& out,
                                        const std::vector<std::string>& extra = {});

// What a run of `get` into OUT left behind.
struct LeftOnDisk {
  std::optional<client::PartState> state;  // OUT.part.json (a parse error is a test failure)
  std::optional<std::uint64_t> part_size;  // OUT.part, when it exists
  std::string counted_prefix;              // the first state->bytes bytes of OUT.part
  bool state_tmp = false;                  // OUT.part.json.tmp (a state update was cut)
  bool output = false;                     // OUT itself
};
LeftOnDisk left_on_disk(const std::filesystem::path& out);

// What a crash may leave (docs/client.md): a state that counts only bytes that are in
// OUT.part and right (content `seed`), naming the served `etag` and `size` once it has
// validators; never OUT beside a part.
void expect_consistent(const LeftOnDisk& left, const std::string& etag, std::uint64_t size,
                       std::uint64_t seed);

// The names in a directory (to check that a finished download left only FILE).
std::set<std::string> names_in(const std::filesystem::path& dir);

// Checks a finished rerun after a crash left `left` (consistent, with no FILE yet) (the resource is
// `size` bytes of content `seed` with ETag `etag`; `summary` is the rerun's --json, `request` the
// server's record of its one request): what the state counted is kept, the request asked for the
// rest with If-Range, nothing was received twice and nothing was discarded (bytes past the count
// are cut off silently: they were never counted). A state counting 0 bytes (or none at all) resumes
// nothing: the request is a plain GET of the whole.
void expect_rerun_resumed(const LeftOnDisk& left, const boost::json::object& summary,
                          const proxy::LogRecord& request, const std::string& etag,
                          std::uint64_t size);

}  // namespace sisyphus::testing
