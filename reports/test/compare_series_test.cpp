// The server's time series of a compare cell and herd records (one Trial per client):
// binning, sums, compare.json, merge.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "compare_sample.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

using testing::merge_error;
using testing::read_error;

namespace json = boost::json;
using U = std::vector<std::uint64_t>;
using D = std::vector<double>;

// Five GETs in 0.1 s bins: one over three bins, one of zero duration on a bin edge, one at
// 0.3 s (3 bins in, whatever 0.3 × 10 rounds to) turned away over capacity, one over four
// bins, one more of zero duration.
std::vector<ServerEvent> hand_made_events() {
  return {{0.05, 0.2, 1000, false},
          {0.1, 0, 77, false},
          {0.3, 0.0625, 10, true},
          {0.4, 0.35, 7, false},
          {0.42, 0, 0, false}};
}

TEST(ServerSeries, BinsArrivalsActiveAndBytesExactly) {
  const ServerSeries s = server_series(hand_made_events(), 3);
  EXPECT_EQ(s.bin_s, 0.1);
  EXPECT_EQ(s.arrivals, (U{1, 1, 0, 1, 2, 0, 0, 0}));
  // 0.05..0.25 s is half of bin 0, all of bin 1, half of bin 2; 0.3..0.3625 s was turned
  // away over capacity: no transfer in bin 3; 0.4..0.75 s all of bins 4-6 and half of bin 7.
  EXPECT_EQ(s.active, (D{0.5, 1, 0.5, 0, 1, 1, 1, 0.5}));
  // 1000 bytes over 2 bins: 250, 500, 250; the zero-duration 77 in its start bin 1; 7 bytes
  // over 3.5 bins: 2, 2, 2 and the remaining 1 in the last.
  EXPECT_EQ(s.bytes, (U{250, 577, 250, 10, 2, 2, 2, 1}));
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.peak_arrivals_per_bin, 2u);
  EXPECT_EQ(s.over_capacity, 1u);
  EXPECT_EQ(s.peak_active, 3u);
  EXPECT_EQ(s.trials, 1u);
}

TEST(ServerSeries, BytesSumExactlyAndActiveIsQuantized) {
  // 1,000,003 bytes over 0.0137..1.2345 s: shares that are not whole bytes.
  const ServerSeries s = server_series({{0.0137, 1.2208, 1000003, false}}, 0);
  ASSERT_EQ(s.bytes.size(), 13u);
  std::uint64_t sum = 0;
  for (auto b : s.bytes) sum += b;
  EXPECT_EQ(sum, 1000003u);
  // Inner bins get floor(cumulative) - floor(previous): 100000 bytes per 0.1 s ± 1.
  for (std::size_t i = 1; i + 1 < s.bytes.size(); ++i) {
    EXPECT_GE(s.bytes[i], 81913u) << i;  // 1000003 / 12.208 = 81913.75 per bin
    EXPECT_LE(s.bytes[i], 81914u) << i;
  }
  // 0.01 s in flight is 0.1 of a bin: 102/1024 after rounding to multiples of 1/1024.
  const ServerSeries short_one = server_series({{0, 0.01, 1, false}}, 0);
  EXPECT_EQ(short_one.active, (D{102.0 / 1024}));
  EXPECT_EQ(short_one.bytes, (U{1}));
}

TEST(ServerSeries, NoEventsNoBins) {
  const ServerSeries s = server_series({}, 0);
  EXPECT_TRUE(s.arrivals.empty());
  EXPECT_TRUE(s.active.empty());
  EXPECT_TRUE(s.bytes.empty());
  EXPECT_EQ(s.requests, 0u);
  EXPECT_EQ(s.peak_arrivals_per_bin, 0u);
  EXPECT_EQ(s.trials, 1u);
}

TEST(ServerSeries, AddPadsTheShorterSumsAndMaxesThePeak) {
  ServerSeries sum = server_series({{0.05, 0.2, 1000, false}}, 7);  // 3 bins
  const ServerSeries more = server_series(hand_made_events(), 3);   // 8 bins
  add_series(sum, more);
  EXPECT_EQ(sum.arrivals, (U{2, 1, 0, 1, 2, 0, 0, 0}));
  EXPECT_EQ(sum.active, (D{1, 2, 1, 0, 1, 1, 1, 0.5}));
  EXPECT_EQ(sum.bytes, (U{500, 1077, 500, 10, 2, 2, 2, 1}));
  EXPECT_EQ(sum.requests, 6u);
  EXPECT_EQ(sum.peak_arrivals_per_bin, 2u);
  EXPECT_EQ(sum.over_capacity, 1u);
  EXPECT_EQ(sum.peak_active, 7u);
  EXPECT_EQ(sum.trials, 2u);
  // The other way round: the same sum.
  ServerSeries other = more;
  add_series(other, server_series({{0.05, 0.2, 1000, false}}, 7));
  EXPECT_EQ(other, sum);
  // A peak made by the sum: two arrivals of different trials in one bin.
  ServerSeries a = server_series({{0.4, 0, 0, false}}, 0);
  add_series(a, server_series({{0.45, 0, 0, false}, {0.42, 0, 0, false}}, 0));
  EXPECT_EQ(a.peak_arrivals_per_bin, 3u);
}

TEST(ServerSeries, AddRefusesOtherBins) {
  ServerSeries a = server_series(hand_made_events(), 0);
  ServerSeries b = a;
  b.bin_s = 0.2;
  try {
    add_series(a, b);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "cannot add a server series of 0.2 s bins to one of 0.1 s bins");
  }
  EXPECT_EQ(a, server_series(hand_made_events(), 0));
}

// One trial of a herd of three clients: one record per client.
CompareResults herd() {
  CompareResults r = testing::small_compare();
  MatrixResult& m = r.matrices[0];
  m.trials = 1;
  m.bounds.clear();
  for (auto& c : m.cells) {
    c.clients = 3;
    c.trials.clear();
    for (std::uint32_t client = 0; client < 3; ++client) {
      Trial t =
          testing::trial(0, client == 1 ? Verdict::failed_clean : Verdict::ok, 2, 1 << 20, 0, 1.5);
      t.client = client;
      c.trials.push_back(t);
    }
    c.server = server_series(hand_made_events(), 3);
  }
  return r;
}

TEST(CompareHerd, EveryClientIsOneRecord) {
  const CompareResults h = herd();
  const Cell& c = h.matrices[0].cells[0];
  const CellSummary s = summarize(c);
  EXPECT_EQ(s.verdicts, (VerdictCounts{2, 0, 1, 0, 0}));
  EXPECT_EQ(s.ok_rate, 2.0 / 3);
  EXPECT_EQ(s.requests, 6u);
  EXPECT_EQ(worst_trial(c)->client, 1u);
  // Ties go to the lowest client.
  Cell tie = c;
  tie.trials[1].verdict = Verdict::ok;
  EXPECT_EQ(worst_trial(tie)->client, 0u);
}

template <typename Edit>
std::string edited(const CompareResults& r, Edit edit) {
  json::value v = json::parse(to_compare_json(r));
  edit(v.at("matrices").as_array()[0].at("cells").as_array()[0].as_object());
  return json::serialize(v);
}

TEST(CompareSeriesJson, RoundTripWithSeriesAndClients) {
  for (const CompareResults& r : {herd(), testing::realistic_compare(50)}) {
    EXPECT_EQ(from_compare_json(to_compare_json(r)), r);
  }
  const json::value v = json::parse(to_compare_json(herd()));
  const auto& c = v.at("matrices").as_array()[0].at("cells").as_array()[0].as_object();
  EXPECT_EQ(json::serialize(c.at("server")),
            R"({"bin_s":1E-1,"arrivals":[1,1,0,1,2,0,0,0],)"
            R"("active":[5E-1,1,5E-1,0,1,1,1,5E-1],)"
            R"("bytes":[250,577,250,10,2,2,2,1],"requests":5,"peak_arrivals_per_bin":2,)"
            R"("over_capacity":1,"peak_active":3,"trials":1})");
  EXPECT_EQ(c.at("samples").as_array()[2].at("client"), 2);
  EXPECT_EQ(c.at("trials"), 3);
  EXPECT_EQ(c.at("worst_trial"), 0);
  EXPECT_EQ(c.at("worst_client"), 1);
  // The file keeps a series on one line per array.
  EXPECT_NE(to_compare_json(herd()).find("\"arrivals\": [1, 1, 0, 1, 2, 0, 0, 0],"),
            std::string::npos);
  // One-client records carry no client; a cell without a series has "server": null.
  const json::value one = json::parse(to_compare_json(testing::small_compare()));
  const auto& oc = one.at("matrices").as_array()[0].at("cells").as_array()[0].as_object();
  EXPECT_FALSE(oc.at("samples").as_array()[0].as_object().contains("client"));
  EXPECT_TRUE(oc.at("server").is_null());
  EXPECT_TRUE(oc.at("worst_client").is_null());
}

TEST(CompareSeriesJson, FilesWithoutTheNewFieldsStillRead) {
  // compare.json as written before herds and series: no "server", no "client".
  json::value v = json::parse(to_compare_json(testing::small_compare()));
  for (auto& c : v.at("matrices").as_array()[0].at("cells").as_array()) {
    c.as_object().erase("server");
  }
  const std::string old = json::serialize(v);
  ASSERT_EQ(old.find("\"server\""), std::string::npos);
  ASSERT_EQ(old.find("\"client\":0"), std::string::npos);
  EXPECT_EQ(from_compare_json(old), testing::small_compare());
}

TEST(CompareSeriesJson, InconsistentSeriesAndRecordsAreRefused) {
  const CompareResults h = herd();
  const std::string at = "compare.json: matrices[0].cells[0].";
  EXPECT_EQ(read_error(edited(h, [](json::object& c) { c["server"].as_object()["requests"] = 4; })),
            at + "server.requests: expected the sum of arrivals, 5, got 4");
  EXPECT_EQ(read_error(edited(
                h, [](json::object& c) { c["server"].as_object()["peak_arrivals_per_bin"] = 1; })),
            at + "server.peak_arrivals_per_bin: expected the largest of arrivals, 2, got 1");
  EXPECT_EQ(
      read_error(edited(
          h, [](json::object& c) { c["server"].as_object()["bytes"].as_array().pop_back(); })),
      at + "server: arrivals, active and bytes must have one entry per bin, got 8, 8 and 7");
  EXPECT_EQ(read_error(edited(h, [](json::object& c) { c["server"].as_object()["bin_s"] = 0; })),
            at + "server.bin_s: expected a positive number");
  EXPECT_EQ(read_error(edited(
                h, [](json::object& c) { c["server"].as_object()["active"].as_array()[2] = -1; })),
            at + "server.active[2]: expected a non-negative number");
  EXPECT_EQ(
      read_error(
          edited(h, [](json::object& c) { c["samples"].as_array()[2].as_object()["client"] = 1; })),
      at + "samples[2].trial: trials must ascend without repeats: 0 client 1 after 0 client 1");
  EXPECT_EQ(
      read_error(edited(
          h, [](json::object& c) { c["samples"].as_array()[1].as_object().erase("client"); })),
      at + "samples[1].client: expected on every sample of a cell or on none");
}

TEST(CompareSeriesMerge, ShardsSeriesAreSummed) {
  const CompareResults whole = testing::realistic_compare(60);
  const auto shards = testing::split_into_shards(whole, 4);
  const CompareResults merged = merge(shards);
  for (std::size_t c = 0; c < whole.matrices[0].cells.size(); ++c) {
    ServerSeries want = *shards[0].matrices[0].cells[c].server;
    for (std::size_t s = 1; s < shards.size(); ++s) {
      add_series(want, *shards[s].matrices[0].cells[c].server);
    }
    EXPECT_EQ(*merged.matrices[0].cells[c].server, want) << c;
    // ... which is the whole run's, bit for bit (active in multiples of 1/1024).
    EXPECT_EQ(*merged.matrices[0].cells[c].server, *whole.matrices[0].cells[c].server) << c;
    EXPECT_EQ(merged.matrices[0].cells[c].server->trials, 60u);
  }
}

TEST(CompareSeriesMerge, HerdRecordsMergeByTrialAndClient) {
  // Two trials of three clients, split by trial into two shards.
  CompareResults whole = herd();
  whole.matrices[0].trials = 2;
  for (auto& c : whole.matrices[0].cells) {
    for (std::uint32_t client = 0; client < 3; ++client) {
      Trial t = c.trials[client];
      t.trial = 1;
      t.seed = 1001;
      c.trials.push_back(t);
    }
    add_series(*c.server, server_series(hand_made_events(), 3));
  }
  auto shards = testing::split_into_shards(whole, 2);
  for (auto& s : shards) {
    for (auto& c : s.matrices[0].cells) c.server = server_series(hand_made_events(), 3);
  }
  EXPECT_EQ(merge(shards).matrices, whole.matrices);
  auto twice = shards;
  twice[0].matrices[0].cells[1].trials.push_back(twice[0].matrices[0].cells[1].trials[1]);
  EXPECT_EQ(merge_error(twice),
            "matrix \"small\", strategy \"resume\": trial 0 client 1 is present twice");
  auto other_bins = shards;
  other_bins[1].matrices[0].cells[0].server->bin_s = 0.5;
  EXPECT_EQ(merge_error(other_bins),
            "matrix \"small\", strategy \"restart\": cannot add a server series of 0.5 s bins to "
            "one of 0.1 s bins");
}

}  // namespace
}  // namespace sisyphus::reports

namespace sisyphus::reports {
namespace {

TEST(CompareSeriesMarkdown, OneServerLinePerCellWithASeries) {
  const std::string md = to_compare_markdown(herd());
  EXPECT_NE(md.find("Server:\n\n"
                    "- restart: 5 requests over 1 trial, 1 over capacity; busiest 0.1 s: 2 "
                    "arrivals; at most 3 transfers at once\n"
                    "- resume: 5 requests over 1 trial, 1 over capacity; busiest 0.1 s: 2 "
                    "arrivals; at most 3 transfers at once\n\n"),
            std::string::npos)
      << md;
  // A herd's worst record names its client.
  EXPECT_NE(md.find("**restart** trial 0 client 1: failed-clean, 2 attempts"), std::string::npos)
      << md;
  EXPECT_EQ(to_compare_markdown(testing::small_compare()).find("Server:"), std::string::npos);
}

}  // namespace
}  // namespace sisyphus::reports
