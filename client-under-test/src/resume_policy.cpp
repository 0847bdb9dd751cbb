#include "resume_policy.hpp"

#include <fmt/format.h>

#include "sisyphus/client/http_fields.hpp"
#include "sisyphus/core/range.hpp"

namespace sisyphus::client::detail {
namespace {

std::string quoted_or_none(const std::optional<std::string>& v) {
  return v ? fmt::format("'{}'", *v) : std::string("none");
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string status_text(const ResponseSummary& r) {
  return fmt::format("status {}", r.status);
}

}  // namespace

RequestPlan plan_request(ResumePolicy policy, const PartState& held, bool verifiable) {
  RequestPlan plan;
  if (held.bytes == 0) return plan;
  if (policy == ResumePolicy::restart) {
    plan.restart_reason = "resume policy is restart";
    return plan;
  }
  const bool digest = verifiable || held.repr_digest.has_value();
  if (policy == ResumePolicy::if_range) {
    if (held.etag && !is_weak_etag(*held.etag)) {
      plan.if_range = *held.etag;
    } else if (held.last_modified && held.last_modified_strong) {
      plan.if_range = *held.last_modified;
    } else if (!digest) {
      plan.restart_reason = fmt::format(
          "no strong validator (ETag {}, Last-Modified {}) and no digest to verify a resumed "
          "file",
          quoted_or_none(held.etag),
          held.last_modified ? fmt::format("'{}' (weak)", *held.last_modified) : "none");
      return plan;
    }
  }
  plan.offset = held.bytes;
  plan.range = fmt::format("bytes={}-", held.bytes);
  return plan;
}

Judgement judge_response(const ResponseSummary& r, const RequestPlan& plan, const PartState& held,
                         std::chrono::sys_seconds now) {
  Judgement j;
  if (is_redirect(r.status)) {
    if (!r.location) {
      j.reason = fmt::format("{} redirect without Location", status_text(r));
      return j;
    }
    j.action = Action::redirect;
    return j;
  }
  if (r.status == 200) {
    j.action = Action::stream_from_zero;
    j.total = r.chunked ? std::nullopt : r.content_length;
    if (plan.range) {
      j.reason = plan.if_range ? fmt::format(
                                     "200 to a Range request with If-Range {}: the representation "
                                     "changed (or the server ignores Range)",
                                     *plan.if_range)
                               : std::string("200 to a Range request: the server ignores Range");
    }
    return j;
  }
  if (r.status == 206) {
    j.action = Action::reject;
    if (!plan.range) {
      j.reason = "206 to a request without Range";
      return j;
    }
    if (r.content_type && r.content_type->starts_with("multipart/")) {
      j.reason = "206 multipart/byteranges to a single-range request";
      return j;
    }
    if (!r.content_range) {
      j.reason = "206 without Content-Range";
      return j;
    }
    auto cr = range::parse_content_range(*r.content_range);
    if (!cr || !cr->range) {
      j.reason = fmt::format("206 with an invalid Content-Range '{}'", *r.content_range);
      return j;
    }
    if (cr->range->first != plan.offset) {
      j.reason = fmt::format("206 Content-Range '{}' does not start at the requested offset {}",
                             *r.content_range, plan.offset);
      return j;
    }
    if (!cr->complete_length) {
      j.reason = fmt::format("206 Content-Range '{}' does not tell the size", *r.content_range);
      return j;
    }
    if (held.size && *cr->complete_length != *held.size) {
      j.reason = fmt::format("206 Content-Range '{}' gives size {}, expected {}", *r.content_range,
                             *cr->complete_length, *held.size);
      return j;
    }
    if (r.content_length && !r.chunked && *r.content_length != cr->range->length()) {
      j.reason = fmt::format("206 Content-Length {} disagrees with Content-Range '{}'",
                             *r.content_length, *r.content_range);
      return j;
    }
    // A server that ignored If-Range (or a `range` policy request) shows a change here.
    if (held.etag && r.etag && *r.etag != *held.etag) {
      j.reason =
          fmt::format("206 with ETag {}, the held bytes are of ETag {}", *r.etag, *held.etag);
      return j;
    }
    if (held.last_modified && r.last_modified && *r.last_modified != *held.last_modified) {
      j.reason = fmt::format("206 with Last-Modified '{}', the held bytes are of '{}'",
                             *r.last_modified, *held.last_modified);
      return j;
    }
    if (held.repr_digest && r.repr_digest) {
      auto d = parse_repr_digest_sha256(*r.repr_digest);
      if (d && to_base64(*d) != *held.repr_digest) {
        j.reason = "206 with a Repr-Digest other than the held representation's";
        return j;
      }
    }
    j.action = Action::append;
    j.total = cr->complete_length;
    return j;
  }
  if (r.status == 416) {
    j.action = Action::reject;
    auto cr = r.content_range ? range::parse_content_range(*r.content_range) : std::nullopt;
    if (plan.range && cr && !cr->range && cr->complete_length &&
        *cr->complete_length == plan.offset && (!held.size || *held.size == plan.offset)) {
      j.action = Action::complete;
      j.total = cr->complete_length;
      return j;
    }
    j.reason = fmt::format("416 with Content-Range {} while {} bytes are held",
                           quoted_or_none(r.content_range), plan.offset);
    return j;
  }
  if (r.status == 429 || r.status == 503) {
    j.action = Action::retry;
    j.reason = status_text(r);
    if (r.retry_after) {
      auto base = r.date ? parse_http_date(*r.date) : std::nullopt;
      j.retry_after = parse_retry_after(*r.retry_after, base.value_or(now));
      j.reason += fmt::format(" (Retry-After: {})", *r.retry_after);
    }
    return j;
  }
  if (r.status >= 500 && r.status <= 599) {
    j.action = Action::retry;
    j.reason = status_text(r);
    return j;
  }
  j.action = Action::fatal;
  j.reason = fmt::format("unexpected {}", status_text(r));
  return j;
}

PartState state_from_full_response(const ResponseSummary& r, const std::string& url) {
  PartState s;
  s.url = url;
  if (r.etag && is_valid_etag(*r.etag)) s.etag = r.etag;
  if (r.last_modified && parse_http_date(*r.last_modified)) {
    s.last_modified = r.last_modified;
    s.last_modified_strong =
        last_modified_is_strong(*r.last_modified, r.date ? std::optional<std::string_view>(*r.date)
                                                         : std::optional<std::string_view>());
  }
  if (!r.chunked) s.size = r.content_length;
  if (r.repr_digest) {
    if (auto d = parse_repr_digest_sha256(*r.repr_digest)) s.repr_digest = to_base64(*d);
  }
  return s;
}

void learn_from_partial_response(const ResponseSummary& r, std::uint64_t total, PartState& held) {
  if (!held.size) held.size = total;
  if (!held.repr_digest && r.repr_digest) {
    if (auto d = parse_repr_digest_sha256(*r.repr_digest)) held.repr_digest = to_base64(*d);
  }
}

}  // namespace sisyphus::client::detail
