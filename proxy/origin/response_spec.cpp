#include "origin/response_spec.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "origin/digest_fields.hpp"
#include "sisyphus/core/range.hpp"
#include "sisyphus/core/rng.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy {
namespace {

constexpr std::string_view kOctets = "application/octet-stream";

void add_common(ResponseSpec& spec, std::int64_t now) {
  spec.headers.emplace_back("Server", "sisyphus");
  spec.headers.emplace_back("Date", format_http_date(now));
}

void add_validators(ResponseSpec& spec, const Representation& rep) {
  if (rep.etag) spec.headers.emplace_back("ETag", *rep.etag);
  if (rep.last_modified) {
    spec.headers.emplace_back("Last-Modified", format_http_date(*rep.last_modified));
  }
}

BodyPart slice(std::uint64_t first, std::uint64_t length, std::uint64_t source_first) {
  BodyPart p;
  p.from_resource = true;
  p.first = first;
  p.length = length;
  p.source_first = source_first;
  return p;
}

BodyPart text(std::string s) {
  BodyPart p;
  p.literal = std::move(s);
  return p;
}

// wrong_range: the bytes come from first + shift, clamped so the slice stays inside the
// representation; Content-Range keeps claiming `first`.
std::uint64_t shifted(std::uint64_t first, std::uint64_t length, std::int64_t shift,
                      std::uint64_t size) {
  const std::uint64_t max_first = size - length;
  if (shift < 0) {
    const std::uint64_t back = static_cast<std::uint64_t>(-(shift + 1)) + 1;
    return first > back ? first - back : 0;
  }
  const std::uint64_t fwd = static_cast<std::uint64_t>(shift);
  return max_first - first < fwd ? max_first : first + fwd;
}

// If-Range (RFC 9110 §13.1.5): a strong entity-tag equal to the current one, or an
// HTTP-date equal to Last-Modified. A weak tag never matches.
bool if_range_holds(std::string_view value, const Representation& rep) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.starts_with("W/")) return false;
  if (value.starts_with("\"")) return rep.etag && strong_match(value, *rep.etag);
  auto date = parse_http_date(value);
  return date && rep.last_modified && *date == *rep.last_modified;
}

bool not_modified(const RequestHeaders& req, const Representation& rep) {
  if (req.if_none_match) return if_none_match_matches(*req.if_none_match, rep.etag);
  if (req.if_modified_since && rep.last_modified) {
    auto since = parse_http_date(*req.if_modified_since);
    return since && *rep.last_modified <= *since;
  }
  return false;
}

}  // namespace

std::uint64_t ResponseSpec::body_length() const {
  std::uint64_t n = 0;
  for (const auto& p : body) n += p.size();
  return n;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      break;
  }
  if (status >= 200 && status < 300) return "Success";
  if (status >= 300 && status < 400) return "Redirection";
  if (status >= 400 && status < 500) return "Client Error";
  return "Server Error";
}

void add_plan_headers(ResponseSpec& spec, const ResponsePlan& plan, std::int64_t now) {
  for (const auto& h : plan.headers) spec.headers.push_back(h);
  if (plan.location && spec.status >= 300 && spec.status < 400 && spec.status != 304) {
    spec.headers.emplace_back("Location", *plan.location);
  }
  if (plan.retry_after_date_in) {
    spec.headers.emplace_back(
        "Retry-After",
        format_http_date(now + static_cast<std::int64_t>(*plan.retry_after_date_in)));
  }
}

ResponseSpec text_response(int status, bool head, std::int64_t now) {
  ResponseSpec spec;
  spec.status = status;
  add_common(spec, now);
  spec.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  spec.body.push_back(text(fmt::format("{} {}\n", status, reason_phrase(status))));
  spec.content_length = spec.body_length();
  spec.send_body = !head;
  return spec;
}

ResponseSpec build_response(const RequestHeaders& req, const Representation& rep,
                            const ResponsePlan& plan, const model::ServerOptions& server,
                            std::int64_t now) {
  const bool chunked = plan.chunked_body(server.chunked);
  auto finish = [&](ResponseSpec spec) {
    add_plan_headers(spec, plan, now);
    spec.chunked = chunked && spec.status != 304;
    spec.announce_length = spec.status != 304;
    spec.content_length = spec.body_length();
    if (req.head || spec.status == 304) spec.send_body = false;
    return spec;
  };

  if (plan.status) {
    ResponseSpec spec = text_response(*plan.status, req.head, now);
    return finish(std::move(spec));
  }

  ResponseSpec spec;
  add_common(spec, now);
  if (not_modified(req, rep)) {
    spec.status = 304;
    add_validators(spec, rep);
    return finish(std::move(spec));
  }

  const bool ranges = server.ranges && !plan.ignore_range;
  std::optional<range::Result> decision;
  if (req.range && !req.head) {
    if (ranges && (!req.if_range || if_range_holds(*req.if_range, rep))) {
      decision = range::decide(*req.range, rep.size);
    } else {
      spec.range_ignored = true;
    }
  }

  if (decision && decision->decision == range::Decision::unsatisfiable) {
    spec = text_response(416, req.head, now);
    spec.headers.emplace_back("Content-Range", range::format_unsatisfied_range(rep.size));
    if (ranges) spec.headers.emplace_back("Accept-Ranges", "bytes");
    add_validators(spec, rep);
    return finish(std::move(spec));
  }

  if (decision && decision->decision == range::Decision::partial && decision->ranges.size() == 1) {
    const range::ByteRange r = decision->ranges.front();
    spec.status = 206;
    spec.headers.emplace_back("Content-Type", std::string(kOctets));
    spec.headers.emplace_back("Content-Range", range::format_content_range(r, rep.size));
    spec.body.push_back(
        slice(r.first, r.length(), shifted(r.first, r.length(), plan.range_shift, rep.size)));
  } else if (decision && decision->decision == range::Decision::partial) {
    // multipart/byteranges (RFC 9110 §14.6): each part "--B CRLF headers CRLF CRLF data CRLF",
    // closed by "--B--". The boundary is derived from the content seed so that a replay
    // sends identical bytes.
    const std::string boundary =
        fmt::format("sisyphus-{:016x}", derive_seed(rep.content_seed, "multipart-boundary"));
    spec.status = 206;
    spec.headers.emplace_back("Content-Type",
                              fmt::format("multipart/byteranges; boundary={}", boundary));
    for (const auto& r : decision->ranges) {
      spec.body.push_back(
          text(fmt::format("--{}\r\nContent-Type: {}\r\nContent-Range: {}\r\n\r\n", boundary,
                           kOctets, range::format_content_range(r, rep.size))));
      spec.body.push_back(
          slice(r.first, r.length(), shifted(r.first, r.length(), plan.range_shift, rep.size)));
      spec.body.push_back(text("\r\n"));
    }
    spec.body.push_back(text(fmt::format("--{}--\r\n", boundary)));
  } else {
    spec.status = 200;
    spec.headers.emplace_back("Content-Type", std::string(kOctets));
    if (rep.size > 0) spec.body.push_back(slice(0, rep.size, 0));
  }
  if (ranges) spec.headers.emplace_back("Accept-Ranges", "bytes");
  add_validators(spec, rep);
  // A resource without `digest:` is a server that knows no digest fields: Want-* is ignored.
  // Only 200 and 206 carry them: a 304, a 416 or a status fault's text is no representation.
  // A digest fault sends its field regardless: a lying origin does not consult preferences.
  spec.repr_digest = (rep.digest && sends_digest_field(req.want_repr_digest)) ||
                     plan.repr_digest_lie != DigestLie::none;
  spec.content_digest = (rep.digest && sends_digest_field(req.want_content_digest)) ||
                        plan.content_digest_lie != DigestLie::none;
  return finish(std::move(spec));
}

}  // namespace sisyphus::proxy
