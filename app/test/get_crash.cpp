#include "get_crash.hpp"

#include <fmt/format.h>

#include <fstream>

#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/content.hpp"

namespace sisyphus::testing {

namespace fs = std::filesystem;
namespace json = boost::json;

std::vector<std::string> crash_get_argv(const std::string& url, const fs::path& out,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> argv{SISYPHUS_BINARY,      "get",       url,    "-o",
                                out.string(),         "--backoff", "none", "--no-progress",
                                "--persist-interval", "50ms"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

LeftOnDisk left_on_disk(const fs::path& out) {
  LeftOnDisk left;
  try {
    left.state = client::load_part_state(client::state_path(out));
  } catch (const ParseError& e) {
    ADD_FAILURE() << "the state file is torn: " << e.what();  // it is replaced by rename
  }
  const fs::path part = client::part_path(out);
  std::error_code ec;
  if (fs::exists(part, ec)) left.part_size = fs::file_size(part);
  if (left.state && left.part_size) {
    std::ifstream in(part, std::ios::binary);
    left.counted_prefix.resize(std::min(left.state->bytes, *left.part_size));
    in.read(left.counted_prefix.data(), static_cast<std::streamsize>(left.counted_prefix.size()));
  }
  left.state_tmp = fs::exists(fs::path(client::state_path(out).string() + ".tmp"), ec);
  left.output = fs::exists(out, ec);
  return left;
}

void expect_consistent(const LeftOnDisk& left, const std::string& etag, std::uint64_t size,
                       std::uint64_t seed) {
  EXPECT_FALSE(left.output && left.part_size) << "FILE and FILE.part side by side";
  if (!left.state) return;
  ASSERT_TRUE(left.part_size.has_value()) << "a state without its part";
  EXPECT_GE(*left.part_size, left.state->bytes) << "the state counts bytes that are not there";
  EXPECT_EQ(left.counted_prefix.size(), left.state->bytes);
  EXPECT_EQ(first_mismatch(left.counted_prefix, seed), std::nullopt);
  if (left.state->etag) {
    EXPECT_EQ(left.state->etag, etag);
    EXPECT_EQ(left.state->size, size);
  } else {
    EXPECT_EQ(left.state->bytes, 0u) << "bytes counted without a validator";
  }
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

void expect_rerun_resumed(const LeftOnDisk& left, const json::object& summary,
                          const proxy::LogRecord& request, const std::string& etag,
                          std::uint64_t size) {
  const std::uint64_t counted = left.state ? left.state->bytes : 0;
  const auto number = [&](const char* key) { return summary.at(key).to_number<std::uint64_t>(); };
  EXPECT_EQ(summary.at("ok").as_bool(), true);
  EXPECT_EQ(number("attempts"), 1u);
  EXPECT_EQ(number("bytes_resumed"), counted);
  EXPECT_EQ(number("bytes_received"), size - counted);
  EXPECT_EQ(number("size"), size);
  EXPECT_EQ(number("bytes_discarded"), 0u);
  EXPECT_TRUE(summary.at("restarts").as_array().empty()) << json::serialize(summary);
  const auto& attempt = summary.at("attempt_log").as_array().at(0).as_object();
  if (counted > 0) {
    EXPECT_EQ(request.range, fmt::format("bytes={}-", counted));
    EXPECT_EQ(request.if_range, etag);
    EXPECT_EQ(request.status, 206);
    EXPECT_EQ(attempt.at("range").as_string(), fmt::format("bytes={}-", counted));
    EXPECT_EQ(attempt.at("if_range").as_string(), etag);
  } else {
    EXPECT_EQ(request.range, std::nullopt);
    EXPECT_EQ(request.if_range, std::nullopt);
    EXPECT_EQ(request.status, 200);
  }
  EXPECT_EQ(request.bytes_sent, size - counted);
}

}  // namespace sisyphus::testing
