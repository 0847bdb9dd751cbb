// `sisyphus schema scenario|matrix` as a user runs it: every built-in scenario and matrix
// validates against the printed schema with python3-jsonschema (Draft 7) and python3-yaml, and
// each file of schema_bad/ is rejected by the schema and by the loader (`sisyphus list`),
// whose error says what the file's first line, `# loader: …`, says it does.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test.hpp"
#include "sisyphus/testing/python.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = SISYPHUS_SOURCE_DIR;
const fs::path kBad = kSource / "app/test/schema_bad";

// Prints "ok NAME" or "rejected NAME: WHY" for each file of the lists, each checked against
// the schema of its kind; the schemas are checked as Draft 7 schemas first.
constexpr std::string_view kValidate = R"(
import json, sys, os, yaml, jsonschema
jobs = json.load(open(sys.argv[1]))
for kind, job in sorted(jobs.items()):
    schema = json.load(open(job["schema"]))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for f in job["files"]:
        with open(f) as text:
            doc = yaml.safe_load(text)
        errors = list(validator.iter_errors(doc))
        name = os.path.basename(f)
        if errors:
            print("rejected", name + ":", jsonschema.exceptions.best_match(errors).message[:200])
        else:
            print("ok", name)
)";

std::vector<std::string> yaml_files(const fs::path& dir, std::string_view prefix = "") {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".yaml" && name.starts_with(prefix))
      out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string json_list(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "\"" : ", \"") + f + "\"";
  return "[" + out + "]";
}

class SchemaCommand : public CliTest {
 protected:
  // The printed schemas, written to the test's directory.
  void SetUp() override {
    for (const char* kind : {"scenario", "matrix"}) {
      Output o = sisyphus({"schema", kind});
      ASSERT_EQ(o.exit_code, 0) << o.err;
      ASSERT_TRUE(o.out.starts_with("{\n")) << o.out.substr(0, 200);
      write_file(path(std::string(kind) + ".json"), o.out);
    }
  }
  // The validator's lines for the scenario and matrix files given.
  std::vector<std::string> validate(const std::vector<std::string>& scenarios,
                                    const std::vector<std::string>& matrices) {
    const std::string jobs = fmt::format(R"({{"scenario": {{"schema": "{}", "files": {}}},
                         "matrix": {{"schema": "{}", "files": {}}}}})",
                                         path("scenario.json"), json_list(scenarios),
                                         path("matrix.json"), json_list(matrices));
    const RunResult r = python_on(kValidate, jobs, "schema-validate");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

TEST_F(SchemaCommand, EveryBuiltInScenarioAndMatrixValidates) {
  const auto scenarios = yaml_files(kSource / "scenarios/catalogue");
  const auto matrices = yaml_files(kSource / "scenarios/matrices");
  const auto test_data = yaml_files(SISYPHUS_TEST_DATA);
  ASSERT_GE(scenarios.size(), 30u);
  ASSERT_GE(matrices.size(), 5u);
  std::vector<std::string> all_scenarios = scenarios;
  all_scenarios.insert(all_scenarios.end(), test_data.begin(), test_data.end());
  const std::vector<std::string> lines = validate(all_scenarios, matrices);
  ASSERT_EQ(lines.size(), all_scenarios.size() + matrices.size());
  for (const std::string& line : lines) EXPECT_TRUE(line.starts_with("ok ")) << line;
}

TEST_F(SchemaCommand, BadFilesAreRejectedByTheSchemaAndByTheLoader) {
  const auto scenarios = yaml_files(kBad, "scenario-");
  const auto matrices = yaml_files(kBad, "matrix-");
  ASSERT_GE(scenarios.size(), 20u);
  ASSERT_GE(matrices.size(), 8u);
  for (const std::string& line : validate(scenarios, matrices)) {
    EXPECT_TRUE(line.starts_with("rejected ")) << line;
  }
  for (const auto& [kind, files] : {std::pair{"scenarios", scenarios}, {"matrices", matrices}}) {
    for (const std::string& file : files) {
      const std::string text = read_file(file);
      const std::string first = text.substr(0, text.find('\n'));
      ASSERT_TRUE(first.starts_with("# loader: ")) << file;
      const std::string expected = first.substr(10);
      Output o = sisyphus({"list", kind, file});
      EXPECT_EQ(o.exit_code, 2) << file;
      EXPECT_NE(o.err.find(file + ":"), std::string::npos) << o.err;
      EXPECT_NE(o.err.find(expected), std::string::npos) << file << "\n" << o.err;
    }
  }
}

TEST_F(SchemaCommand, TheFaultKindsComeFromTheirKeyTables) {
  // Each kind of `sisyphus list faults` has a definition for attempts and one for rules,
  // and a key of its table is a property of it.
  const std::string schema = read_file(path("scenario.json"));
  Output list = sisyphus({"list", "faults"});
  std::istringstream lines(list.out);
  std::size_t kinds = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() == ' ') continue;  // a key of the kind above
    const std::string kind = line.substr(0, line.find(' '));
    ++kinds;
    EXPECT_NE(schema.find(fmt::format("\"fault.{}\": {{", kind)), std::string::npos) << kind;
    EXPECT_NE(schema.find(fmt::format("\"rule.{}\": {{", kind)), std::string::npos) << kind;
  }
  EXPECT_GE(kinds, 9u);
  // drop's random key, with its doc line and its default-less {mean: …} form.
  EXPECT_NE(
      schema.find("\"description\": \"transfer time from the first body write, time-scaled\""),
      std::string::npos);
  Output o = sisyphus({"schema"});
  EXPECT_EQ(o.exit_code, 2);
  o = sisyphus({"schema", "scenarios"});
  EXPECT_EQ(o.exit_code, 2);
}

}  // namespace
}  // namespace sisyphus::testing
