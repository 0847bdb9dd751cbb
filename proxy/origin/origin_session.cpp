#include "origin/origin_session.hpp"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "origin/digest_fields.hpp"
#include "origin/response_writer.hpp"
#include "origin/text_resource.hpp"
#include "origin/turnaway.hpp"
#include "wire/client_header.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy {
namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::uint64_t kBodyLimit = 64 * 1024;
// A planned cut stays in the log unless the response completed without it (plan_executor.hpp).
constexpr UnexecutedCut kUnexecutedCut = UnexecutedCut::named_unless_complete;

std::optional<std::string> header(const http::request<http::string_body>& req, http::field f) {
  auto it = req.find(f);
  if (it == req.end()) return std::nullopt;
  return std::string(it->value());
}

// A field Beast has no enum for; several lines are joined with ", " (RFC 9110 §5.3).
std::optional<std::string> header_named(const http::request<http::string_body>& req,
                                        std::string_view name) {
  std::optional<std::string> value;
  for (auto [it, end] = req.equal_range(name); it != end; ++it) {
    value = value ? *value + ", " + std::string(it->value()) : std::string(it->value());
  }
  return value;
}

// The path of an origin-form ("/file?x") or absolute-form ("http://h/file") target,
// percent-decoded; nullopt when the target is neither.
std::optional<std::string> target_path(std::string_view target) {
  if (target.starts_with("/")) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return std::nullopt;
    return std::string(url->path());
  }
  auto url = boost::urls::parse_absolute_uri(target);
  if (!url || (url->scheme() != "http" && url->scheme() != "https")) return std::nullopt;
  std::string path = url->path();
  return path.empty() ? "/" : path;
}

}  // namespace

Connection::RequestLimits OriginSession::request_limits() const {
  return {.head = kHeaderLimit, .body = kBodyLimit};
}

asio::awaitable<void> OriginSession::reject(const RequestParser& parser, const NextRequest& next) {
  LogRecord record = unread_request_record(parser, next);
  if (record.status != 0) {
    const ResponseSpec spec = text_response(record.status, false, unix_now());
    const ResponsePlan no_faults;
    co_await write_answer(*this, {spec, no_faults}, false, record, next.started, kUnexecutedCut);
    co_return;
  }
  record.duration_s = std::chrono::duration<double>(Clock::now() - next.started).count();
  core_->record(std::move(record), {}, false);
}

asio::awaitable<bool> OriginSession::handle(Request& req, Clock::time_point started) {
  LogRecord record = request_record(req, started);
  const bool head = req.method() == http::verb::head;
  const std::int64_t now = unix_now();
  bool keep_alive = keeps_alive(req);

  ResponseSpec spec;
  ResponsePlan plan;
  std::shared_ptr<const ContentSource> source;
  std::shared_ptr<ScenarioState> state;
  std::optional<AdmittedTransfer> transfer;  // held until the response has ended

  auto refuse = [&](int status, std::string why) {
    spec = text_response(status, head, now);
    record.error = std::move(why);
  };

  const std::optional<std::string> path = target_path(req.target());
  const ClientHeader client = read_client_header(req);
  record.client = client.token;
  if (req.version() >= 11 && req.count(http::field::host) != 1) {
    // RFC 9112 §3.2: exactly one Host in an HTTP/1.1 request, else 400.
    refuse(400, "an HTTP/1.1 request needs exactly one Host header");
    keep_alive = false;
  } else if (req.count(http::field::transfer_encoding) > 0 && !req.chunked()) {
    // RFC 9112 §6.3: a request body whose length cannot be determined.
    refuse(400, "Transfer-Encoding without a final chunked coding");
    keep_alive = false;
  } else if (req.method() != http::verb::get && !head) {
    refuse(405, fmt::format("method {} not allowed", req.method_string()));
    spec.headers.emplace_back("Allow", "GET, HEAD");
  } else if (!path) {
    refuse(400, "malformed request target");
    keep_alive = false;
  } else if (client.error) {
    refuse(400, *client.error);
  } else {
    record.path = *path;
    state = core_->current();
    const model::Resource* found = state->scenario().find_resource(*path);
    std::uint64_t size = found != nullptr ? found->size : 0;
    std::string why;
    if (found != nullptr && found->is_file()) {
      source = open_file_source(*found, core_->options().file_root, size, why);
    }
    Decision decision;
    std::optional<Representation> rep;
    if (found == nullptr) {
      refuse(404, "no such resource");
    } else if (found->is_file() && !source) {
      refuse(404, why);
    } else {
      decision = state->engine.decide(head ? "HEAD" : "GET", *path, size, false,
                                      client.token.value_or(""));
      record.attempt = decision.attempt;
      record.content_seed = decision.content_seed;
      plan = std::move(decision.plan);
      if (found->is_text()) {
        // Filling {sha256:…} may hash the described file: off the io threads.
        auto fill = [&]() -> asio::awaitable<std::string> {
          co_return fill_text(state->scenario(), *found, decision.generation,
                              core_->options().file_root, core_->synthetic_files(),
                              core_->digests(), why);
        };
        std::string text =
            co_await asio::co_spawn(core_->blocking_pool(), fill, asio::use_awaitable);
        if (why.empty()) {
          rep = text_representation(*found, decision.generation, decision.content_seed,
                                    std::move(text));
          source = rep->source;
        } else {
          refuse(404, why);
        }
      } else {
        if (!source) source = core_->synthetic_files().get(decision.content_seed, size);
        rep = describe(*found, decision.generation, size, source);
      }
    }
    if (rep) {
      const model::Resource& resource = *found;
      RequestHeaders request;
      request.head = head;
      request.range = record.range;
      request.if_range = record.if_range;
      request.if_none_match = header(req, http::field::if_none_match);
      request.if_modified_since = header(req, http::field::if_modified_since);
      request.want_repr_digest = header_named(req, "Want-Repr-Digest");
      request.want_content_digest = header_named(req, "Want-Content-Digest");
      spec = build_response(request, *rep, plan, state->scenario().server, now);
      // Turned away requests still count as attempts of the path (decide() above).
      if (auto turnaway = turnaway_for(*this, *state, !head && spec.send_body, transfer)) {
        co_return co_await write_turnaway(*this, *turnaway, head, keep_alive, record, started);
      }
      if (spec.repr_digest || spec.content_digest) {
        const std::string identity = digest_identity(resource, decision.content_seed);
        DigestCache& cache = core_->digests();
        auto compute = [&]() -> asio::awaitable<HeaderList> {
          HeaderList fields;
          if (spec.repr_digest) {
            fields.emplace_back("Repr-Digest",
                                digest_field(cache.digest(*rep, identity), plan.repr_digest_lie));
          }
          if (spec.content_digest) {
            fields.emplace_back(
                "Content-Digest",
                digest_field(cache.content(spec.body, *rep, identity), plan.content_digest_lie));
          }
          co_return fields;
        };
        HeaderList fields =
            co_await asio::co_spawn(core_->blocking_pool(), compute, asio::use_awaitable);
        for (auto& f : fields) spec.headers.push_back(std::move(f));
      }
    }
  }

  co_return co_await write_answer(*this,
                                  {spec, plan, source.get(), transfer ? &*transfer : nullptr},
                                  keep_alive, record, started, kUnexecutedCut);
}

}  // namespace sisyphus::proxy
