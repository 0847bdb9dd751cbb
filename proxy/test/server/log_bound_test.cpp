// The in-memory request log is bounded (ServerOptions::log_capacity): it keeps the latest
// records, counts the evicted ones (Stats::dropped, /v1/stats, /metrics), numbers every
// record (seq) and GET /v1/log streams it a page at a time, from ?since=N on. The log file
// still gets every record.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace json = boost::json;

const std::string kScenario = "name: bounded\nresource: {size: 100, seed: 5}\n";

class LogBound : public ServerTest {
 protected:
  void start_with(std::size_t capacity, std::optional<std::filesystem::path> file = {}) {
    proxy::ServerOptions options;
    options.admin = "127.0.0.1:0";
    options.log_capacity = capacity;
    options.log_file = std::move(file);
    start(kScenario, options);
  }
  // `n` GETs of the resource, one after the other on one connection.
  void requests(std::size_t n) {
    RawClient c = connect();
    for (std::size_t i = 0; i < n; ++i) {
      c.send(request("GET", "/file"));
      ASSERT_EQ(c.read_response().status, 200);
    }
  }
  HttpResponse admin(std::string_view target) {
    return fetch("127.0.0.1", server_->admin_port(), "GET", target);
  }
  // The records of a GET /v1/log body, one per line.
  static std::vector<proxy::LogRecord> lines(const std::string& body) {
    std::vector<proxy::LogRecord> out;
    for (std::size_t at = 0; at < body.size();) {
      const std::size_t eol = body.find('\n', at);
      if (eol == std::string::npos) throw std::runtime_error("unterminated line");
      out.push_back(proxy::log_record_from_json(body.substr(at, eol - at)));
      at = eol + 1;
    }
    return out;
  }
};

TEST(LogRecordSeq, IsTheLastFieldOfTheLineAndRoundTrips) {
  proxy::LogRecord r;
  r.seq = 18446744073709551615ull;
  const std::string line = proxy::to_json_line(r);
  EXPECT_TRUE(line.ends_with(",\"seq\":18446744073709551615}")) << line;
  EXPECT_EQ(proxy::log_record_from_json(line).seq, r.seq);
  // Lines written before records had a seq still load (as 0).
  EXPECT_EQ(proxy::log_record_from_json(R"({"t":0,"path":"/","attempt":1,"method":"GET",)"
                                        R"("status":200,"bytes_sent":0})")
                .seq,
            0u);
}

TEST_F(LogBound, KeepsTheLatestRecordsAndCountsTheDroppedOnes) {
  start_with(100);
  requests(1000);
  const auto log = log_with(100);
  ASSERT_EQ(log.size(), 100u);
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, 900 + i);
    EXPECT_EQ(log[i].attempt, 901 + i);  // the last 100 of the 1000 GETs
  }
  const proxy::Stats s = server_->stats();
  EXPECT_EQ(s.requests, 1000u);
  EXPECT_EQ(s.dropped, 900u);

  const json::value stats = json::parse(admin("/v1/stats").body);
  EXPECT_EQ(stats.at("dropped").to_number<std::uint64_t>(), 900u);
  EXPECT_EQ(stats.at("requests").to_number<std::uint64_t>(), 1000u);
  EXPECT_NE(admin("/metrics").body.find("\nsisyphus_log_dropped_total 900\n"), std::string::npos);
}

TEST_F(LogBound, SinceReturnsTheRecordsFromThatSeqOn) {
  start_with(100);
  requests(1000);
  log_with(100);
  HttpResponse r = admin("/v1/log?since=950");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(r.header("Sisyphus-Log-First"), "900");
  EXPECT_EQ(r.header("Sisyphus-Log-Next"), "1000");
  const auto records = lines(r.body);
  ASSERT_EQ(records.size(), 50u);
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].seq, 950 + i);

  // Asked for evicted records, the client gets what is left, and the first seq held says
  // how many it missed (900 here).
  HttpResponse all = admin("/v1/log?since=10");
  EXPECT_EQ(all.header("Sisyphus-Log-First"), "900");
  const auto held = lines(all.body);
  ASSERT_EQ(held.size(), 100u);
  EXPECT_EQ(held.front().seq, 900u);
  EXPECT_EQ(held.back().seq, 999u);
  EXPECT_EQ(lines(admin("/v1/log").body).size(), 100u);

  // Caught up: nothing, and where to ask next.
  HttpResponse none = admin("/v1/log?since=1000");
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.body, "");
  EXPECT_EQ(none.header("Sisyphus-Log-Next"), "1000");
  requests(1);
  log_with(101);
  const auto next = lines(admin("/v1/log?since=1000").body);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].seq, 1000u);
}

TEST_F(LogBound, TheLogIsStreamedInChunksOfAPage) {
  start_with(1000);
  requests(600);
  log_with(600);
  HttpResponse r = admin("/v1/log");
  EXPECT_TRUE(r.chunked);
  EXPECT_TRUE(r.last_chunk);
  EXPECT_FALSE(r.header("Content-Length").has_value());
  // 256 records a chunk: 256 + 256 + 88.
  ASSERT_EQ(r.chunk_sizes.size(), 3u);
  const auto records = lines(r.body);
  ASSERT_EQ(records.size(), 600u);
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].seq, i);
  std::size_t first_chunk_lines = 0;
  for (std::size_t i = 0; i < r.chunk_sizes[0]; ++i) first_chunk_lines += r.body[i] == '\n';
  EXPECT_EQ(first_chunk_lines, 256u);
}

TEST_F(LogBound, BadSinceIs400) {
  start_with(10);
  for (std::string_view q : {"?since=", "?since=-1", "?since=1x", "?from=3", "?since=1&x=2"}) {
    SCOPED_TRACE(q);
    HttpResponse r = admin(fmt::format("/v1/log{}", q));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(std::string(json::parse(r.body).at("error").as_string()).find("?since=N"),
              std::string::npos);
  }
}

TEST_F(LogBound, TheFileGetsEveryRecordAndResetStartsTheSeqsAgain) {
  TempDir dir;
  const auto file = dir.path() / "log.jsonl";
  start_with(10, file);
  requests(50);
  log_with(10);
  server_->reset();
  EXPECT_EQ(server_->stats().dropped, 0u);
  requests(3);
  const auto log = log_with(3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].seq, 0u);
  EXPECT_EQ(log[2].seq, 2u);
  server_->stop();
  std::ifstream in(file);
  std::vector<proxy::LogRecord> records;
  for (std::string line; std::getline(in, line);)
    records.push_back(proxy::log_record_from_json(line));
  ASSERT_EQ(records.size(), 53u);
  for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(records[i].seq, i);
  EXPECT_EQ(records[50].seq, 0u);
}

TEST_F(LogBound, CapacityZeroKeepsNothingInMemory) {
  start_with(0);
  requests(5);
  EXPECT_EQ(server_->stats().dropped, 5u);
  EXPECT_TRUE(server_->log().empty());
  HttpResponse r = admin("/v1/log");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("Sisyphus-Log-First"), "5");
  EXPECT_EQ(r.header("Sisyphus-Log-Next"), "5");
}

}  // namespace
}  // namespace sisyphus::testing
