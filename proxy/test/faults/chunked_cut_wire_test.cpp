// chunked_cut over loopback: a chunked body whose every data byte arrives, then FIN instead
// of the terminating zero-length chunk.
#include <gtest/gtest.h>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 200000;

TEST_F(ServerTest, ChunkedCutEndsWithoutTheTerminatingChunk) {
  start(scenario_yaml("chunked-cut", "size: 200000, seed: 14", R"(attempts:
  - chunked_cut: {}
  - {}
)"));
  HttpResponse cut = get("/file");
  EXPECT_EQ(cut.status, 200);
  EXPECT_EQ(cut.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(cut.header_count("Content-Length"), 0u);
  EXPECT_TRUE(cut.chunked);
  EXPECT_EQ(cut.body, content_bytes(14, 0, kSize));
  EXPECT_FALSE(cut.last_chunk);
  EXPECT_EQ(cut.end, End::fin);
  EXPECT_FALSE(cut.raw_body.ends_with("0\r\n\r\n"));

  // The next attempt is clean: Content-Length framing, complete.
  HttpResponse clean = get("/file");
  EXPECT_EQ(clean.header("Content-Length"), std::to_string(kSize));
  EXPECT_EQ(clean.header_count("Transfer-Encoding"), 0u);
  EXPECT_EQ(clean.end, End::complete);
  EXPECT_EQ(clean.body, content_bytes(14, 0, kSize));

  const auto log = by_attempt(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "chunked_cut");
  EXPECT_EQ(log[0].bytes_sent, kSize);
}

TEST_F(ServerTest, ChunkedCutWithADropCutsTheChunkedBodyExactly) {
  start(scenario_yaml("chunked-drop", "size: 200000, seed: 14", R"(attempts:
  - {chunked_cut: {}, drop: {at: 70000, how: close}}
)"));
  HttpResponse r = get("/file");
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(r.body, content_bytes(14, 0, 70000));
  EXPECT_FALSE(r.last_chunk);
  EXPECT_EQ(r.end, End::fin);
}

}  // namespace
}  // namespace sisyphus::testing
