#pragma once
// The fixture of the `sisyphus run` and `sisyphus list` tests: the built binary
// (SISYPHUS_BINARY) run as a user runs it, in a fresh directory, with its output captured;
// the scenarios of SISYPHUS_TEST_DATA to run.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {

struct Output {
  int exit_code = -1;  // -1: it did not end in time
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  // Runs `sisyphus ARGS` with stdout and stderr captured; `env` adds NAME=value entries.
  Output sisyphus(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{SISYPHUS_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run(argv, dir_.path(), std::chrono::seconds(100), env);
    return {r.exit_code.value_or(-1), std::move(r.out), std::move(r.err)};
  }

  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }

  static boost::json::object results(const std::string& dir) {
    return boost::json::parse(read_file(std::filesystem::path(dir) / "results.json")).as_object();
  }

  static std::map<std::string, std::string> verdicts(const boost::json::object& r) {
    std::map<std::string, std::string> out;
    for (const auto& s : r.at("scenarios").as_array()) {
      out[boost::json::value_to<std::string>(s.at("name"))] =
          boost::json::value_to<std::string>(s.at("verdict"));
    }
    return out;
  }

  TempDir dir_;
};

}  // namespace sisyphus::testing
