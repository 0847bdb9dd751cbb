#include "sisyphus/reports/json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <limits>

#include "sample.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::reports {
namespace {
namespace json = boost::json;

std::vector<std::string> keys(const json::object& o) {
  std::vector<std::string> out;
  for (const auto& kv : o) out.emplace_back(kv.key());
  return out;
}

std::string parse_error(std::string_view text) {
  try {
    from_json(text);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ResultsJson, RoundTripIsExact) {
  const auto original = testing::sample_results();
  const std::string text = to_json(original);
  const auto back = from_json(text);
  EXPECT_EQ(back, original);
  EXPECT_EQ(to_json(back), text);
}

TEST(ResultsJson, RoundTripKeepsAwkwardValues) {
  auto r = testing::sample_results();
  r.seed = std::nullopt;
  r.scenarios[0].duration_s = 0.1 + 0.2;  // not representable in few digits
  r.scenarios[0].seed = 18446744073709551615ull;
  r.scenarios[0].bytes_sent = 9007199254740993ull;  // beyond a double's integers
  constexpr char kOutput[] = "nul\0and\x1f\xc3\xa9 \"q\" \\";
  r.scenarios[1].client_output = std::string(kOutput, sizeof kOutput - 1);
  r.scenarios[1].client_exit_code = -9;
  r.scenarios[2].attempt_log = {
      {1, 1e-9, "bytes=0-", "W/\"x\"", 0, 0, 0, "status", std::nullopt, std::nullopt}};
  // Several resources: each record names its path, a corruption its resource.
  r.scenarios[2].attempt_log[0].path = "/app.bin.sha256";
  for (auto& s : r.scenarios) {
    if (s.corruption) s.corruption->resource = "file";
  }
  // A client that dropped answers after their heads: far more written than delivered.
  r.scenarios[0].bytes_written = 18446744073709551614ull;
  r.scenarios[0].attempt_log[0].bytes_written = 2990080;
  const auto back = from_json(to_json(r));
  EXPECT_EQ(back, r);
  EXPECT_EQ(back.scenarios[0].duration_s, 0.1 + 0.2);
  EXPECT_EQ(back.scenarios[1].client_output->size(), 16u);
}

TEST(ResultsJson, InvalidUtf8BecomesReplacementCharacters) {
  auto r = testing::sample_results();
  r.scenarios[1].client_output = "curl: \xff\xfe progress\x1b[K";
  r.scenarios[1].client.label = "label \xc3";
  const auto back = from_json(to_json(r));
  EXPECT_EQ(back.scenarios[1].client_output, "curl: \xEF\xBF\xBD\xEF\xBF\xBD progress\x1b[K");
  EXPECT_EQ(back.scenarios[1].client.label, "label \xEF\xBF\xBD");
}

TEST(ResultsJson, TopLevelShape) {
  const auto v = to_json_value(testing::sample_results());
  const auto& o = v.as_object();
  EXPECT_EQ(keys(o), (std::vector<std::string>{"schema", "seed", "started_at", "client",
                                               "sisyphus_version", "scenarios"}));
  EXPECT_EQ(o.at("schema"), json::value(1));
  EXPECT_EQ(o.at("seed"), json::value(42));
  EXPECT_EQ(o.at("scenarios").as_array().size(), 3u);

  auto unseeded = testing::sample_results();
  unseeded.seed.reset();
  EXPECT_TRUE(to_json_value(unseeded).as_object().at("seed").is_null());
}

TEST(ResultsJson, ScenarioShape) {
  const auto v = to_json_value(testing::sample_results());
  const auto& scenarios = v.as_object().at("scenarios").as_array();
  const auto& ok = scenarios[0].as_object();
  EXPECT_EQ(keys(ok), (std::vector<std::string>{
                          "name",          "description",      "client",        "verdict",
                          "timed_out",     "client_exit_code", "attempts",      "bytes_sent",
                          "bytes_written", "bytes_wasted",     "size",          "duration_s",
                          "seed",          "corruption",       "expectations",  "passed",
                          "replay",        "attempt_log",      "client_output", "error"}));
  EXPECT_EQ(ok.at("verdict"), json::value("ok"));
  EXPECT_EQ(ok.at("attempts"), json::value(3));
  EXPECT_EQ(ok.at("bytes_sent"), json::value(1048576));
  EXPECT_EQ(ok.at("bytes_written"), json::value(1048576));
  EXPECT_EQ(ok.at("bytes_wasted"), json::value(0));
  EXPECT_EQ(ok.at("duration_s"), json::value(0.25));
  EXPECT_TRUE(ok.at("corruption").is_null());
  EXPECT_TRUE(ok.at("client_exit_code").is_null());
  EXPECT_EQ(ok.at("client"), json::parse(R"({"kind":"reference","label":"reference"})"));
  EXPECT_EQ(ok.at("expectations").as_array()[1],
            json::parse(R"({"name":"max_attempts","expected":"3","actual":"3","passed":true})"));
  EXPECT_EQ(ok.at("attempt_log").as_array()[0],
            json::parse(R"({"attempt":1,"t":0.0,"range":null,"if_range":null,"status":200,
                            "bytes_sent":996147,"bytes_written":996147,"fault":"drop",
                            "gap_s":null})"));
  EXPECT_EQ(ok.at("attempt_log").as_array()[1],
            json::parse(R"({"attempt":2,"t":0.1,"range":"bytes=996147-","if_range":"\"v1\"",
                            "status":206,"bytes_sent":31457,"bytes_written":31457,"fault":"drop",
                            "gap_s":0.05})"));

  const auto& corrupt = scenarios[1].as_object();
  EXPECT_EQ(corrupt.at("verdict"), json::value("corrupt"));
  EXPECT_EQ(corrupt.at("client_exit_code"), json::value(0));
  EXPECT_EQ(corrupt.at("corruption"),
            json::parse(R"({"kind":"mismatch","first_bad_offset":2048,"bad_bytes":2040,
                            "bad_ranges":[[2048,4000],[4090,4095]]})"));
  EXPECT_EQ(scenarios[2].as_object().at("verdict"), json::value("error"));
}

TEST(ResultsJson, PrettyPrintedWithTwoSpaces) {
  RunResults r;
  r.started_at = "2026-01-02T03:04:05Z";
  r.client = "reference";
  r.sisyphus_version = "0.1.0";
  EXPECT_EQ(to_json(r),
            "{\n"
            "  \"schema\": 1,\n"
            "  \"seed\": null,\n"
            "  \"started_at\": \"2026-01-02T03:04:05Z\",\n"
            "  \"client\": \"reference\",\n"
            "  \"sisyphus_version\": \"0.1.0\",\n"
            "  \"scenarios\": []\n"
            "}\n");
  const std::string full = to_json(testing::sample_results());
  EXPECT_NE(full.find("\"duration_s\": 0.25,\n"), std::string::npos) << full;
  EXPECT_NE(full.find("\"t\": 0.1,\n"), std::string::npos) << full;
  EXPECT_NE(full.find("\"gap_s\": 0.0625\n"), std::string::npos) << full;
  EXPECT_NE(full.find("\n        \"bad_ranges\": [\n          [2048, 4000],\n"), std::string::npos)
      << full;
}

TEST(ResultsJson, ReaderNamesTheBadField) {
  const auto good = to_json_value(testing::sample_results());

  auto v = good;
  v.as_object()["scenarios"].as_array()[1].as_object()["verdict"] = "spliced";
  EXPECT_EQ(parse_error(json::serialize(v)),
            "results.json: scenarios[1].verdict: expected ok, failed-clean, failed-dirty, corrupt "
            "or error, got \"spliced\"");

  v = good;
  v.as_object()["scenarios"].as_array()[0].as_object().erase("bytes_wasted");
  EXPECT_EQ(parse_error(json::serialize(v)), "results.json: scenarios[0].bytes_wasted: missing");

  v = good;
  v.as_object()["scenarios"].as_array()[0].as_object()["attempts"] = -1;
  EXPECT_EQ(parse_error(json::serialize(v)),
            "results.json: scenarios[0].attempts: expected a non-negative integer");

  v = good;
  v.as_object()["scenarios"]
      .as_array()[0]
      .as_object()["attempt_log"]
      .as_array()[2]
      .as_object()["status"] = "206";
  EXPECT_EQ(parse_error(json::serialize(v)),
            "results.json: scenarios[0].attempt_log[2].status: expected an integer");

  v = good;
  v.as_object()["scenarios"].as_array()[1].as_object()["corruption"].as_object()["bad_ranges"] =
      json::parse("[[5,4]]");
  EXPECT_EQ(parse_error(json::serialize(v)),
            "results.json: scenarios[1].corruption.bad_ranges[0]: last is before first");

  v = good;
  v.as_object()["schema"] = 2;
  EXPECT_EQ(parse_error(json::serialize(v)),
            "results.json: schema: this sisyphus reads schema 1, the file has 2");

  auto nan = testing::sample_results();
  nan.scenarios[0].duration_s = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(parse_error(to_json(nan)), "results.json: scenarios[0].duration_s: expected a number");

  EXPECT_EQ(parse_error("[]"), "results.json: (top level): expected an object");
  EXPECT_EQ(parse_error("{\"schema\": 1,").rfind("results.json: not valid JSON: ", 0), 0u);
}

TEST(ResultsJson, ReaderIgnoresUnknownFieldsAndAcceptsAbsentOutput) {
  auto v = to_json_value(testing::sample_results());
  v.as_object()["future_field"] = 1;
  auto& s0 = v.as_object()["scenarios"].as_array()[1].as_object();
  s0["herd"] = json::object{};
  s0.erase("client_output");
  s0.erase("error");
  const auto back = from_json(json::serialize(v));
  auto expected = testing::sample_results();
  expected.scenarios[1].client_output.reset();
  EXPECT_EQ(back, expected);
}

TEST(ResultsJson, AFileFromBeforeBytesWrittenReadsItAsBytesSent) {
  // Then bytes_sent counted what was written: both are that number.
  auto results = testing::sample_results();
  results.scenarios[0].bytes_written = 5 * 1048576;
  results.scenarios[0].attempt_log[1].bytes_written = 4 * 1048576;
  auto v = to_json_value(results);
  auto& s0 = v.as_object()["scenarios"].as_array()[0].as_object();
  s0.erase("bytes_written");
  s0["attempt_log"].as_array()[1].as_object().erase("bytes_written");
  const auto back = from_json(json::serialize(v));
  EXPECT_EQ(back.scenarios[0].bytes_written, back.scenarios[0].bytes_sent);
  EXPECT_EQ(back.scenarios[0].attempt_log[1].bytes_written, 31457u);
  EXPECT_EQ(back.scenarios[0].attempt_log[0].bytes_written, 996147u);

  s0["bytes_written"] = "many";
  EXPECT_EQ(parse_error(json::serialize(v)),
            "results.json: scenarios[0].bytes_written: expected a non-negative integer");
}

TEST(ResultsJson, ReadResultsFromDirectoryOrFile) {
  const sisyphus::testing::TempDir tmp("json-read");
  const auto& dir = tmp.path();
  {
    std::ofstream out(dir / "results.json", std::ios::binary);
    out << to_json(testing::sample_results());
  }
  EXPECT_EQ(read_results(dir), testing::sample_results());
  EXPECT_EQ(read_results(dir / "results.json"), testing::sample_results());
  try {
    read_results(dir / "nope");
    FAIL() << "no throw";
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "nope").string() + ": cannot read (does it exist?)");
  }
}

}  // namespace
}  // namespace sisyphus::reports

namespace sisyphus::reports {
namespace {

// Boost 1.81's json::parse misreads the last digit of some doubles: 13.610631861338549 came
// back as 13.610631861338547, so a merge through results.json changed measured times.
TEST(ResultsJson, DoublesReadBackBitForBit) {
  RunResults r = testing::sample_results();
  r.scenarios[0].duration_s = 13.610631861338549;
  r.scenarios[0].attempt_log[1].t = 11.221074039264249;
  r.scenarios[0].attempt_log[1].gap_s = 9.349657963085203;
  EXPECT_EQ(from_json(to_json(r)), r);
}

}  // namespace
}  // namespace sisyphus::reports
