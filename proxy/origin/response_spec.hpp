#pragma once
// RFC 9110 semantics as plain data: given the request's conditional and range headers, the
// representation and the fault plan, what the response is: status, header fields and the
// body as a list of parts (literal framing text or slices of the representation).
// response_writer.hpp then executes it byte by byte, with the plan. No Beast here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "origin/representation.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One piece of a body: literal bytes (multipart framing, a status text) or a slice of the
// representation.
struct BodyPart {
  std::string literal;
  bool from_resource = false;
  std::uint64_t first = 0;  // resource position of the slice's first byte (what Content-Range says)
  std::uint64_t length = 0;
  std::uint64_t source_first = 0;  // where its bytes are read from (differs under wrong_range)
  std::uint64_t size() const { return from_resource ? length : literal.size(); }
};

struct ResponseSpec {
  int status = 200;
  HeaderList headers;  // everything but Content-Length / Transfer-Encoding / Connection
  std::vector<BodyPart> body;
  bool send_body = true;             // false for HEAD and 304 (the header still announces it)
  bool chunked = false;              // Transfer-Encoding: chunked instead of Content-Length
  std::uint64_t content_length = 0;  // the length the header announces (not chunked)
  bool announce_length = true;       // false for 304: neither Content-Length nor chunked
  bool repr_digest = false;          // add Repr-Digest: the whole representation's sha-256
  bool content_digest = false;       // add Content-Digest: the sha-256 of this body's own bytes
  bool range_ignored = false;        // for the log: a Range header was present but ignored

  std::uint64_t body_length() const;
};

struct RequestHeaders {
  bool head = false;  // HEAD, else GET
  std::optional<std::string> range;
  std::optional<std::string> if_range;
  std::optional<std::string> if_none_match;
  std::optional<std::string> if_modified_since;
  std::optional<std::string> want_repr_digest;  // RFC 9530 §4 preferences
  std::optional<std::string> want_content_digest;
};

// The response to a GET/HEAD of the representation, with the plan's status replacement,
// extra headers, range suppression, chunking and range shift applied.
ResponseSpec build_response(const RequestHeaders& request, const Representation& rep,
                            const ResponsePlan& plan, const model::ServerOptions& server,
                            std::int64_t now);

// The plan's extra headers for a response whose Date is `now`: plan.headers, the redirect's
// Location (on a 3xx other than 304), then the Retry-After date of `retry_after_date_in`.
void add_plan_headers(ResponseSpec& spec, const ResponsePlan& plan, std::int64_t now);

// A small error or status response: "<code> <reason>\n" as text/plain.
ResponseSpec text_response(int status, bool head, std::int64_t now);

std::string_view reason_phrase(int status);

}  // namespace sisyphus::proxy
