#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "compare_sample.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

using testing::read_error;

namespace json = boost::json;

// `edit` applied to the parsed compare.json of the small sample, serialized again.
template <typename Edit>
std::string edited(Edit edit) {
  json::value v = json::parse(to_compare_json(testing::small_compare()));
  edit(v.as_object());
  return json::serialize(v);
}

TEST(CompareJson, RoundTripIsExact) {
  for (const CompareResults& r :
       {testing::small_compare(), testing::realistic_compare(), CompareResults{}}) {
    EXPECT_EQ(from_compare_json(to_compare_json(r)), r);
  }
  auto r = testing::realistic_compare(50);
  r.shard = Shard{2, 5};
  r.time_scale = 0.1;
  r.matrices[0].cells[1].trials[3].error = "server could not bind: \xff";
  r.matrices[0].cells[1].trials[3].verdict = Verdict::error;
  r.matrices[0].cells[1].trials[3].timed_out = true;
  r.matrices[0].cells[0].clients = 4;
  r.matrices[0].cells[0].trials[0].bytes_written = 99;
  const auto back = from_compare_json(to_compare_json(r));
  // Invalid UTF-8 becomes U+FFFD; everything else comes back as it was.
  EXPECT_EQ(back.matrices[0].cells[1].trials[3].error, "server could not bind: \xEF\xBF\xBD");
  r.matrices[0].cells[1].trials[3].error = "server could not bind: \xEF\xBF\xBD";
  EXPECT_EQ(back, r);
}

TEST(CompareJson, SummariesAndBoundResultsAreWrittenOut) {
  const json::value v = json::parse(to_compare_json(testing::small_compare()));
  const auto& top = v.as_object();
  EXPECT_EQ(top.at("schema"), 1);
  EXPECT_TRUE(top.at("shard").is_null());
  EXPECT_EQ(top.at("time_scale").to_number<double>(), 1.0);
  const auto& m = top.at("matrices").as_array()[0].as_object();
  EXPECT_EQ(m.at("size"), 1 << 20);
  EXPECT_EQ(json::serialize(m.at("bounds").as_array()[1]),
            R"({"strategy":"resume","key":"p95_wasted_bytes","limit":0,"written":"0"})");
  EXPECT_EQ(
      json::serialize(m.at("expectations").as_array()[3]),
      R"({"strategy":"restart","key":"max_duration","expected":"2s","actual":"2.5s","passed":false})");
  const auto& c = m.at("cells").as_array()[0].as_object();
  EXPECT_EQ(c.at("trials"), 4);
  EXPECT_EQ(c.at("clients"), 1);
  EXPECT_EQ(json::serialize(c.at("client")), R"({"kind":"reference","label":"reference restart"})");
  EXPECT_EQ(json::serialize(c.at("verdicts")),
            R"({"ok":3,"corrupt":1,"failed-clean":0,"failed-dirty":0,"error":0})");
  EXPECT_EQ(json::serialize(c.at("attempts")),
            R"({"mean":2.75E0,"p50":2,"p95":5,"p99":5,"max":5})");
  EXPECT_EQ(c.at("requests"), 11);
  EXPECT_EQ(c.at("ok_rate").to_number<double>(), 0.75);
  EXPECT_EQ(c.at("corrupt_rate").to_number<double>(), 0.25);
  EXPECT_EQ(c.at("worst_trial"), 2);
  EXPECT_EQ(json::serialize(c.at("samples").as_array()[2]),
            R"({"trial":2,"seed":1002,"verdict":"corrupt","timed_out":false,"attempts":2,)"
            R"("bytes_sent":2097152,"bytes_written":2097152,"bytes_wasted":2097152,)"
            R"("duration_s":1.5E0,"error":null})");
  // The file itself spells numbers shortly.
  EXPECT_NE(to_compare_json(testing::small_compare()).find("\"mean\": 2.75,"), std::string::npos);
}

TEST(CompareJson, WorstTrialIsNullWithoutTrials) {
  auto r = testing::small_compare();
  r.matrices[0].cells[0].trials.clear();
  const json::value v = json::parse(to_compare_json(r));
  const auto& c = v.at("matrices").as_array()[0].at("cells").as_array()[0].as_object();
  EXPECT_TRUE(c.at("worst_trial").is_null());
  EXPECT_EQ(c.at("trials"), 0);
}

TEST(CompareJson, ErrorsNameTheField) {
  EXPECT_EQ(read_error("{"), "compare.json: not valid JSON: incomplete JSON");
  EXPECT_EQ(read_error("[]"), "compare.json: (top level): expected an object");
  EXPECT_EQ(read_error(edited([](json::object& o) { o["schema"] = 2; })),
            "compare.json: schema: this sisyphus reads compare schema 1, the file has 2");
  EXPECT_EQ(read_error(edited([](json::object& o) { o.erase("time_scale"); })),
            "compare.json: time_scale: missing");
  EXPECT_EQ(read_error(edited([](json::object& o) {
              o["shard"] = json::object{{"index", 3}, {"count", 2}};
            })),
            "compare.json: shard.index: expected 1..2, got 3");
  EXPECT_EQ(read_error(edited(
                [](json::object& o) { o["matrices"].as_array()[0].as_object().erase("seed"); })),
            "compare.json: matrices[0].seed: missing");
  const std::string bad_key = read_error(edited([](json::object& o) {
    o["matrices"].as_array()[0].at("bounds").as_array()[0].as_object()["key"] = "p90_x";
  }));
  EXPECT_TRUE(bad_key.starts_with(
      "compare.json: matrices[0].bounds[0].key: expected one of ok_rate, corrupt_rate, "))
      << bad_key;
  EXPECT_TRUE(bad_key.ends_with(", got \"p90_x\"")) << bad_key;
  EXPECT_EQ(read_error(edited([](json::object& o) {
              auto& s = o["matrices"].as_array()[0].at("cells").as_array()[1].at("samples");
              s.as_array()[2].as_object()["verdict"] = "fine";
            })),
            "compare.json: matrices[0].cells[1].samples[2].verdict: expected ok, failed-clean, "
            "failed-dirty, corrupt or error, got \"fine\"");
  EXPECT_EQ(read_error(edited([](json::object& o) {
              auto& s = o["matrices"].as_array()[0].at("cells").as_array()[1].at("samples");
              s.as_array()[2].as_object()["trial"] = 1;
            })),
            "compare.json: matrices[0].cells[1].samples[2].trial: trials must ascend without "
            "repeats: 1 after 1");
  EXPECT_EQ(read_error(edited([](json::object& o) {
              auto& s = o["matrices"].as_array()[0].at("cells").as_array()[0].at("samples");
              s.as_array()[0].as_object().erase("bytes_written");
            })),
            "compare.json: matrices[0].cells[0].samples[0].bytes_written: missing");
  EXPECT_EQ(read_error(edited([](json::object& o) {
              o["matrices"].as_array()[0].at("cells").as_array()[0].as_object()["clients"] = 0;
            })),
            "compare.json: matrices[0].cells[0].clients: expected an integer in 1..4294967295, "
            "got 0");
}

}  // namespace
}  // namespace sisyphus::reports
