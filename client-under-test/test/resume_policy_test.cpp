// The resume rules of issue 4, one by one, without a network.
#include "resume_policy.hpp"

#include <gtest/gtest.h>

namespace sisyphus::client::detail {
namespace {

using namespace std::chrono;

const std::chrono::sys_seconds kNow{seconds{1704067200}};  // Mon, 01 Jan 2024 00:00:00 GMT
constexpr std::uint64_t kSize = 1000;

PartState held(std::uint64_t bytes) {
  PartState s;
  s.url = "http://127.0.0.1/file";
  s.etag = "\"abc\"";
  s.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  s.last_modified_strong = true;
  s.size = kSize;
  s.bytes = bytes;
  return s;
}

TEST(PlanRequest, NothingHeldAsksForEverything) {
  auto p = plan_request(ResumePolicy::if_range, held(0), false);
  EXPECT_EQ(p.offset, 0u);
  EXPECT_FALSE(p.range);
  EXPECT_FALSE(p.if_range);
  EXPECT_FALSE(p.restart_reason);
}

TEST(PlanRequest, StrongEtagIsTheIfRangeValidator) {
  auto p = plan_request(ResumePolicy::if_range, held(300), false);
  EXPECT_EQ(p.offset, 300u);
  EXPECT_EQ(p.range, "bytes=300-");
  EXPECT_EQ(p.if_range, "\"abc\"");
  EXPECT_FALSE(p.restart_reason);
}

TEST(PlanRequest, WithoutStrongEtagAStrongLastModifiedIsUsed) {
  auto s = held(300);
  s.etag = "W/\"abc\"";
  EXPECT_EQ(plan_request(ResumePolicy::if_range, s, false).if_range,
            "Mon, 01 Jan 2024 00:00:00 GMT");
  s.etag.reset();
  EXPECT_EQ(plan_request(ResumePolicy::if_range, s, false).if_range,
            "Mon, 01 Jan 2024 00:00:00 GMT");
}

TEST(PlanRequest, NoStrongValidatorResumesOnlyWhenVerifiable) {
  auto s = held(300);
  s.etag = "W/\"abc\"";
  s.last_modified_strong = false;
  auto p = plan_request(ResumePolicy::if_range, s, false);
  EXPECT_EQ(p.restart_reason,
            "no strong validator (ETag 'W/\"abc\"', Last-Modified 'Mon, 01 Jan 2024 00:00:00 GMT' "
            "(weak)) and no digest to verify a resumed file");
  EXPECT_FALSE(p.range);

  auto with_sha = plan_request(ResumePolicy::if_range, s, /*verifiable=*/true);
  EXPECT_FALSE(with_sha.restart_reason);
  EXPECT_EQ(with_sha.range, "bytes=300-");
  EXPECT_FALSE(with_sha.if_range);

  s.repr_digest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  auto with_digest = plan_request(ResumePolicy::if_range, s, false);
  EXPECT_FALSE(with_digest.restart_reason);
  EXPECT_EQ(with_digest.range, "bytes=300-");

  PartState none;
  none.bytes = 5;
  EXPECT_EQ(plan_request(ResumePolicy::if_range, none, false).restart_reason,
            "no strong validator (ETag none, Last-Modified none) and no digest to verify a "
            "resumed file");
}

TEST(PlanRequest, RangeAndRestartPolicies) {
  auto r = plan_request(ResumePolicy::range, held(300), false);
  EXPECT_EQ(r.range, "bytes=300-");
  EXPECT_FALSE(r.if_range);
  auto z = plan_request(ResumePolicy::restart, held(300), false);
  EXPECT_EQ(z.restart_reason, "resume policy is restart");
  EXPECT_FALSE(z.range);
}

ResponseSummary partial(std::string content_range, std::uint64_t length) {
  ResponseSummary r;
  r.status = 206;
  r.content_range = std::move(content_range);
  r.content_length = length;
  r.etag = "\"abc\"";
  r.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  return r;
}

TEST(JudgeResponse, A206StartingAtTheOffsetWithTheKnownSizeIsAppended) {
  auto plan = plan_request(ResumePolicy::if_range, held(300), false);
  auto j = judge_response(partial("bytes 300-999/1000", 700), plan, held(300), kNow);
  EXPECT_EQ(j.action, Action::append);
  EXPECT_EQ(j.total, 1000u);
}

TEST(JudgeResponse, A206ThatDoesNotFitIsRejected) {
  auto plan = plan_request(ResumePolicy::if_range, held(300), false);
  struct Case {
    ResponseSummary r;
    std::string reason;
  };
  std::vector<Case> cases;
  cases.push_back({partial("bytes 0-999/1000", 1000),
                   "206 Content-Range 'bytes 0-999/1000' does not start at the requested offset "
                   "300"});
  cases.push_back({partial("bytes 300-1999/2000", 1700),
                   "206 Content-Range 'bytes 300-1999/2000' gives size 2000, expected 1000"});
  cases.push_back({partial("bytes 300-999/*", 700),
                   "206 Content-Range 'bytes 300-999/*' does not tell the size"});
  cases.push_back({partial("bytes 300-999/1000", 600),
                   "206 Content-Length 600 disagrees with Content-Range 'bytes 300-999/1000'"});
  cases.push_back({partial("bytes x", 700), "206 with an invalid Content-Range 'bytes x'"});
  auto no_cr = partial("", 700);
  no_cr.content_range.reset();
  cases.push_back({no_cr, "206 without Content-Range"});
  auto changed = partial("bytes 300-999/1000", 700);
  changed.etag = "\"def\"";
  cases.push_back({changed, "206 with ETag \"def\", the held bytes are of ETag \"abc\""});
  auto redated = partial("bytes 300-999/1000", 700);
  redated.last_modified = "Mon, 01 Jan 2024 01:00:00 GMT";
  cases.push_back({redated,
                   "206 with Last-Modified 'Mon, 01 Jan 2024 01:00:00 GMT', the held bytes are "
                   "of 'Mon, 01 Jan 2024 00:00:00 GMT'"});
  auto multi = partial("bytes 300-999/1000", 700);
  multi.content_type = "multipart/byteranges; boundary=x";
  cases.push_back({multi, "206 multipart/byteranges to a single-range request"});
  for (const auto& c : cases) {
    auto j = judge_response(c.r, plan, held(300), kNow);
    EXPECT_EQ(j.action, Action::reject) << c.reason;
    EXPECT_EQ(j.reason, c.reason);
  }
  // And a 206 to a request that asked for everything.
  auto j = judge_response(partial("bytes 0-999/1000", 1000), RequestPlan{}, held(0), kNow);
  EXPECT_EQ(j.action, Action::reject);
  EXPECT_EQ(j.reason, "206 to a request without Range");
}

TEST(JudgeResponse, A206WithAnotherReprDigestIsRejected) {
  auto s = held(300);
  s.repr_digest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  auto plan = plan_request(ResumePolicy::if_range, s, false);
  auto r = partial("bytes 300-999/1000", 700);
  r.repr_digest = "sha-256=:" + to_base64(Sha256::of(std::string_view("other"))) + ":";
  EXPECT_EQ(judge_response(r, plan, s, kNow).action, Action::reject);
  r.repr_digest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
  EXPECT_EQ(judge_response(r, plan, s, kNow).action, Action::append);
}

TEST(JudgeResponse, A200ToARangeRequestRestartsFromZero) {
  auto plan = plan_request(ResumePolicy::if_range, held(300), false);
  ResponseSummary r;
  r.status = 200;
  r.content_length = 1000;
  auto j = judge_response(r, plan, held(300), kNow);
  EXPECT_EQ(j.action, Action::stream_from_zero);
  EXPECT_EQ(j.total, 1000u);
  EXPECT_EQ(j.reason,
            "200 to a Range request with If-Range \"abc\": the representation changed (or the "
            "server ignores Range)");
  auto plain = judge_response(r, RequestPlan{}, held(0), kNow);
  EXPECT_EQ(plain.action, Action::stream_from_zero);
  EXPECT_EQ(plain.reason, "");
}

TEST(JudgeResponse, A416ThatConfirmsTheSizeCompletesAnyOtherRestarts) {
  auto plan = plan_request(ResumePolicy::if_range, held(1000), false);
  ResponseSummary r;
  r.status = 416;
  r.content_range = "bytes */1000";
  auto j = judge_response(r, plan, held(1000), kNow);
  EXPECT_EQ(j.action, Action::complete);
  EXPECT_EQ(j.total, 1000u);

  r.content_range = "bytes */900";
  auto bigger = judge_response(r, plan, held(1000), kNow);
  EXPECT_EQ(bigger.action, Action::reject);
  EXPECT_EQ(bigger.reason, "416 with Content-Range 'bytes */900' while 1000 bytes are held");
  r.content_range.reset();
  EXPECT_EQ(judge_response(r, plan, held(1000), kNow).action, Action::reject);
}

TEST(JudgeResponse, RetryAfterOn503And429OtherStatuses) {
  ResponseSummary r;
  r.status = 503;
  r.retry_after = "2";
  auto j = judge_response(r, RequestPlan{}, held(0), kNow);
  EXPECT_EQ(j.action, Action::retry);
  EXPECT_EQ(j.retry_after, seconds(2));
  EXPECT_EQ(j.reason, "status 503 (Retry-After: 2)");

  r.status = 429;
  r.retry_after = "Mon, 01 Jan 2024 00:00:07 GMT";
  r.date = "Mon, 01 Jan 2024 00:00:04 GMT";  // the server's clock, not ours
  EXPECT_EQ(judge_response(r, RequestPlan{}, held(0), kNow).retry_after, seconds(3));

  r = ResponseSummary{};
  r.status = 500;
  EXPECT_EQ(judge_response(r, RequestPlan{}, held(0), kNow).action, Action::retry);
  r.status = 502;
  EXPECT_EQ(judge_response(r, RequestPlan{}, held(0), kNow).action, Action::retry);
  for (int status : {400, 401, 403, 404, 410, 451, 204, 304, 100}) {
    r.status = status;
    auto f = judge_response(r, RequestPlan{}, held(0), kNow);
    EXPECT_EQ(f.action, Action::fatal) << status;
    EXPECT_EQ(f.reason, "unexpected status " + std::to_string(status));
  }
  r.status = 302;
  EXPECT_EQ(judge_response(r, RequestPlan{}, held(0), kNow).action, Action::fatal);
  r.location = "/elsewhere";
  EXPECT_EQ(judge_response(r, RequestPlan{}, held(0), kNow).action, Action::redirect);
}

TEST(StateFromResponse, KeepsValidValidatorsAndTheirStrength) {
  ResponseSummary r;
  r.status = 200;
  r.content_length = 1000;
  r.etag = "W/\"x\"";
  r.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  r.date = "Mon, 01 Jan 2024 00:00:00 GMT";  // same second: weak
  r.repr_digest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
  auto s = state_from_full_response(r, "http://h/f");
  EXPECT_EQ(s.url, "http://h/f");
  EXPECT_EQ(s.etag, "W/\"x\"");
  EXPECT_FALSE(s.last_modified_strong);
  EXPECT_EQ(s.size, 1000u);
  EXPECT_EQ(s.bytes, 0u);
  EXPECT_EQ(s.repr_digest, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");

  r.etag = "not-quoted";
  r.date = "Tue, 02 Jan 2024 00:00:00 GMT";
  r.chunked = true;
  auto t = state_from_full_response(r, "http://h/f");
  EXPECT_FALSE(t.etag);
  EXPECT_TRUE(t.last_modified_strong);
  EXPECT_FALSE(t.size);  // a chunked body tells its size only at the end
}

}  // namespace
}  // namespace sisyphus::client::detail
