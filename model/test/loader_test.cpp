// The schema read whole: DESIGN.md's example, every default, every key set.
#include "sisyphus/model/loader.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;
using testing::load;

// DESIGN.md's "Scenario file" example, verbatim.
constexpr const char* kDesignExample = R"(name: drop-at-95-percent           # required, [a-z0-9-]+
description: The link dies at 95 %, then at 98 %.
seed: 42                           # seeds every probability and jitter; reported, replayable
resource:
  path: /file                      # default /file
  size: 64MiB                      # synthetic; or  file: data/x.iso
  seed: 1                          # content seed, default 1
  etag: strong                     # strong | weak | none
  last_modified: true
  digest: false                    # true: send Repr-Digest: sha-256=:…: (RFC 9530)
server:
  ranges: true                     # false: ignore Range, 200 + whole body, no Accept-Ranges
  chunked: false                   # true: Transfer-Encoding: chunked, no Content-Length
attempts:                          # the k-th request for the resource gets entry k; later: clean
  - drop: {at: 95%, how: close}    # at: absolute offset in the resource (bytes, 4MiB, 95%)
  - drop: {after: 1MiB, how: reset}  # after: body bytes into this response
  - status: {code: 503, retry_after: 1s}
  - stall: {at: 50%, for: 30s}     # stop sending, hold the connection open, then close
  - {}                             # clean
changes:                           # the resource changes: new seed, new ETag/Last-Modified
  - before_attempt: 2              # or  at_time: 3s
faults:                            # rules for every request, narrowed by attempts:/probability:
  - latency: {first_byte: 100ms, jitter: 20ms}
  - throttle: {rate: 1MiB/s}
  - corrupt: {at: 10MiB, bytes: 1, probability: 0.1}
  - wrong_range: {shift: 1KiB}     # 206 whose body does not start where Content-Range says
client:                            # defaults; `sisyphus run --client …` overrides
  kind: reference                  # reference | naive | curl | wget | aria2c | command
  max_attempts: 10
  backoff: {strategy: full-jitter, base: 100ms, cap: 2s}
  resume: if-range                 # if-range | range | restart
  prefill: 50%                     # output already holds this much of the original
                                   # content when the client starts (a killed earlier run)
expect:                            # each failed expectation fails the scenario
  verdict: ok                      # ok | failed-clean
  max_attempts: 3
  max_wasted_bytes: 0              # bytes, size units, or % of size
  max_duration: 10s
)";

TEST(Loader, DesignExample) {
  Scenario s = load(kDesignExample);
  EXPECT_EQ(s.name, "drop-at-95-percent");
  EXPECT_EQ(s.description, "The link dies at 95 %, then at 98 %.");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.source_file, "t.yaml");

  EXPECT_EQ(s.resource().path, "/file");
  EXPECT_EQ(s.resource().size, 64u * 1024 * 1024);
  EXPECT_EQ(s.resource().seed, 1u);
  EXPECT_FALSE(s.resource().is_file());
  EXPECT_EQ(s.resource().etag, EtagKind::strong);
  EXPECT_TRUE(s.resource().last_modified);
  EXPECT_FALSE(s.resource().digest);
  EXPECT_TRUE(s.server.ranges);
  EXPECT_FALSE(s.server.chunked);

  ASSERT_EQ(s.attempts.size(), 5u);
  ASSERT_EQ(s.attempts[0].faults.size(), 1u);
  EXPECT_EQ(s.attempts[0].faults[0].kind, "drop");
  EXPECT_EQ(s.attempts[0].faults[0].params.size("at"), SizeSpec::percent(95));
  EXPECT_EQ(s.attempts[0].faults[0].params.string("how"), "close");
  EXPECT_EQ(s.attempts[0].where.line, 15);
  EXPECT_EQ(s.attempts[0].where.column, 5);
  EXPECT_EQ(s.attempts[1].faults[0].params.size("after"), SizeSpec::bytes(1024 * 1024));
  EXPECT_EQ(s.attempts[1].faults[0].params.string("how"), "reset");
  EXPECT_EQ(s.attempts[2].faults[0].kind, "status");
  EXPECT_EQ(s.attempts[2].faults[0].params.unsigned_integer("code"), 503u);
  EXPECT_EQ(s.attempts[2].faults[0].params.duration("retry_after"), 1s);
  EXPECT_EQ(s.attempts[3].faults[0].kind, "stall");
  EXPECT_EQ(s.attempts[3].faults[0].params.duration("for"), 30s);
  EXPECT_TRUE(s.attempts[4].faults.empty());
  EXPECT_EQ(s.attempts[4].where.line, 19);

  ASSERT_EQ(s.changes.size(), 1u);
  EXPECT_EQ(s.changes[0].before_attempt, 2u);
  EXPECT_EQ(s.changes[0].at_time, std::nullopt);
  EXPECT_EQ(s.changes[0].where.line, 21);

  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].fault.kind, "latency");
  EXPECT_EQ(s.faults[0].fault.params.duration("first_byte"), 100ms);
  EXPECT_EQ(s.faults[0].fault.params.duration("jitter"), 20ms);
  EXPECT_TRUE(s.faults[0].attempts.empty());
  EXPECT_EQ(s.faults[0].probability, 1.0);
  EXPECT_EQ(s.faults[1].fault.kind, "throttle");
  EXPECT_EQ(s.faults[1].fault.params.rate("rate"), 1024u * 1024u);
  EXPECT_EQ(s.faults[2].fault.kind, "corrupt");
  EXPECT_EQ(s.faults[2].probability, 0.1);
  EXPECT_EQ(s.faults[2].fault.params.keys(), (std::vector<std::string>{"at", "bytes"}));
  EXPECT_EQ(s.faults[2].where.line, 25);
  EXPECT_EQ(s.faults[3].fault.kind, "wrong_range");
  EXPECT_EQ(s.faults[3].fault.params.signed_size("shift"), 1024);

  EXPECT_EQ(s.client.kind, "reference");
  EXPECT_EQ(s.client.command, "");
  EXPECT_EQ(s.client.max_attempts, 10u);
  EXPECT_EQ(s.client.backoff.strategy, "full-jitter");
  EXPECT_EQ(s.client.backoff.base, 100ms);
  EXPECT_EQ(s.client.backoff.cap, 2s);
  EXPECT_EQ(s.client.resume, "if-range");
  EXPECT_EQ(s.client.prefill, SizeSpec::percent(50));
  EXPECT_FALSE(s.client.prefill_changed);

  EXPECT_EQ(s.expect.verdict, "ok");
  EXPECT_EQ(s.expect.max_attempts, 3u);
  EXPECT_EQ(s.expect.min_attempts, std::nullopt);
  EXPECT_EQ(s.expect.max_wasted_bytes, SizeSpec::bytes(0));
  EXPECT_EQ(s.expect.max_duration, 10s);
}

TEST(Loader, EveryDefault) {
  Scenario s = load("name: minimal\nresource: {size: 1000}\n");
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(s.resource().path, "/file");
  EXPECT_EQ(s.resource().size, 1000u);
  EXPECT_EQ(s.resource().seed, 1u);
  EXPECT_EQ(s.resource().file, std::nullopt);
  EXPECT_EQ(s.resource().resolved_file, "");
  EXPECT_EQ(s.resource().etag, EtagKind::strong);
  EXPECT_TRUE(s.resource().last_modified);
  EXPECT_FALSE(s.resource().digest);
  EXPECT_TRUE(s.server.ranges);
  EXPECT_FALSE(s.server.chunked);
  EXPECT_TRUE(s.attempts.empty());
  EXPECT_TRUE(s.changes.empty());
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.client.kind, "reference");
  EXPECT_EQ(s.client.command, "");
  EXPECT_EQ(s.client.max_attempts, 10u);
  EXPECT_EQ(s.client.backoff.strategy, "full-jitter");
  EXPECT_EQ(s.client.backoff.base, 100ms);
  EXPECT_EQ(s.client.backoff.cap, 2s);
  EXPECT_EQ(s.client.resume, "if-range");
  EXPECT_EQ(s.client.prefill, std::nullopt);
  EXPECT_FALSE(s.client.prefill_changed);
  EXPECT_FALSE(s.client.sha256);
  EXPECT_EQ(s.client.read_timeout, std::nullopt);
  EXPECT_EQ(s.client.connect_timeout, std::nullopt);
  EXPECT_EQ(s.expect.verdict, std::nullopt);
  EXPECT_EQ(s.expect.max_attempts, std::nullopt);
  EXPECT_EQ(s.expect.min_attempts, std::nullopt);
  EXPECT_EQ(s.expect.max_wasted_bytes, std::nullopt);
  EXPECT_EQ(s.expect.max_duration, std::nullopt);
}

TEST(Loader, NullSectionsAreDefaults) {
  Scenario s = load(
      "name: nulls\nresource: {size: 1KiB}\nserver:\nattempts:\nchanges: ~\nfaults: []\nclient: "
      "{}\nexpect:\n");
  EXPECT_TRUE(s.server.ranges);
  EXPECT_TRUE(s.attempts.empty());
  EXPECT_TRUE(s.changes.empty());
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.client.kind, "reference");
}

TEST(Loader, EveryKeySet) {
  Scenario s = load(R"(
name: all-keys-9
description: "every key"
seed: 18446744073709551615
resource: {path: /a/b.bin, size: 10MB, seed: 7, etag: weak, last_modified: false, digest: true}
server: {ranges: false, chunked: true}
changes:
  - at_time: 1500ms
  - before_attempt: 3
client:
  kind: curl
  max_attempts: 4
  backoff: {strategy: decorrelated-jitter, base: 250us, cap: 1m}
  resume: restart
  prefill: {size: 1MiB, changed: true}
  sha256: true
  read_timeout: 5s
  connect_timeout: 200ms
expect:
  verdict: failed-clean
  max_attempts: 4
  min_attempts: 2
  max_wasted_bytes: 12.5%
  max_duration: 2s
)");
  EXPECT_EQ(s.description, "every key");
  EXPECT_EQ(s.seed, 18446744073709551615ULL);
  EXPECT_EQ(s.resource().path, "/a/b.bin");
  EXPECT_EQ(s.resource().size, 10'000'000u);
  EXPECT_EQ(s.resource().seed, 7u);
  EXPECT_EQ(s.resource().etag, EtagKind::weak);
  EXPECT_FALSE(s.resource().last_modified);
  EXPECT_TRUE(s.resource().digest);
  EXPECT_FALSE(s.server.ranges);
  EXPECT_TRUE(s.server.chunked);
  ASSERT_EQ(s.changes.size(), 2u);
  EXPECT_EQ(s.changes[0].at_time, 1500ms);
  EXPECT_EQ(s.changes[0].before_attempt, std::nullopt);
  EXPECT_EQ(s.changes[1].before_attempt, 3u);
  EXPECT_EQ(s.client.kind, "curl");
  EXPECT_EQ(s.client.max_attempts, 4u);
  EXPECT_EQ(s.client.backoff.strategy, "decorrelated-jitter");
  EXPECT_EQ(s.client.backoff.base, 250us);
  EXPECT_EQ(s.client.backoff.cap, 60s);
  EXPECT_EQ(s.client.resume, "restart");
  EXPECT_EQ(s.client.prefill, SizeSpec::bytes(1024 * 1024));
  EXPECT_TRUE(s.client.prefill_changed);
  EXPECT_TRUE(s.client.sha256);
  EXPECT_EQ(s.client.read_timeout, 5s);
  EXPECT_EQ(s.client.connect_timeout, 200ms);
  EXPECT_EQ(s.expect.verdict, "failed-clean");
  EXPECT_EQ(s.expect.max_attempts, 4u);
  EXPECT_EQ(s.expect.min_attempts, 2u);
  EXPECT_EQ(s.expect.max_wasted_bytes, SizeSpec::percent(12.5));
  EXPECT_EQ(s.expect.max_duration, 2s);
}

}  // namespace
}  // namespace sisyphus::model
