#include "relay/proxy_session.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <limits>

#include "origin/response_writer.hpp"
#include "origin/turnaway.hpp"
#include "relay/proxy_util.hpp"
#include "relay/relay_validators.hpp"
#include "sisyphus/core/client_token.hpp"
#include "wire/client_header.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// Request bodies are read whole before forwarding (uploads are not what this tool breaks).
constexpr std::uint64_t kRequestBodyLimit = 16 * 1024 * 1024;
constexpr std::uint32_t kUpstreamHeaderLimit = 64 * 1024;

std::optional<std::string> header(const http::fields& fields, http::field f) {
  auto it = fields.find(f);
  if (it == fields.end()) return std::nullopt;
  return std::string(it->value());
}

std::optional<std::string> header(const http::fields& fields, std::string_view name) {
  return field_value(fields, name);
}

// The decoded path of an origin-form target ("/file?x" -> "/file"); nullopt when malformed.
std::optional<std::string> origin_path(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  return std::string(url->path());
}

// The first "." or ".." segment of a decoded path, if any. Clients remove them before
// sending (RFC 3986 §5.2.4); relayed as they are, "/../x" would reach outside the
// upstream URL's path prefix and out of the scenario's resource.path glob.
std::optional<std::string_view> dot_segment(std::string_view path) {
  while (!path.empty()) {
    path.remove_prefix(path.front() == '/' ? 1 : 0);
    const std::string_view segment = path.substr(0, path.find('/'));
    if (segment == "." || segment == "..") return segment;
    path.remove_prefix(segment.size());
  }
  return std::nullopt;
}

bool idempotent(http::verb v) {
  switch (v) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::put:
    case http::verb::delete_:
    case http::verb::options:
    case http::verb::trace:
      return true;
    default:
      return false;
  }
}

// Why the exchange with the upstream failed; `what` is "the request" or "a response".
std::string describe(const boost::system::error_code& ec, bool timed_out, Duration timeout,
                     std::string_view what) {
  if (timed_out) {
    return what == "the request"
               ? fmt::format("could not send the request within {}", format_duration(timeout))
               : fmt::format("no response within {}", format_duration(timeout));
  }
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    return fmt::format("the upstream closed the connection before {}",
                       what == "the request" ? "taking the request" : "sending a response");
  }
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    return fmt::format("the upstream reset the connection before {}",
                       what == "the request" ? "taking the request" : "sending a response");
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return fmt::format("malformed response from the upstream: {}", ec.message());
  }
  if (ec.category() == asio::error::get_ssl_category() ||
      ec == asio::ssl::error::stream_truncated) {
    return fmt::format("TLS error: {}", ec.message());
  }
  return fmt::format("{} failed: {}",
                     what == "the request" ? "sending the request" : "reading the response",
                     ec.message());
}

}  // namespace

ProxySession::ProxySession(asio::ip::tcp::socket socket, std::shared_ptr<ServerCore> core,
                           std::shared_ptr<UpstreamPool> pool)
    : Connection(std::move(socket), std::move(core), true), pool_(std::move(pool)) {}

void ProxySession::abort() {
  auto self = std::static_pointer_cast<ProxySession>(shared_from_this());
  asio::post(socket_.get_executor(), [self] {
    if (self->upstream_) self->upstream_->close();
  });
  Connection::abort();
}

Connection::RequestLimits ProxySession::request_limits() const {
  return {.head = kHeaderLimit, .body = kRequestBodyLimit, .answer_100_continue = true};
}

asio::awaitable<void> ProxySession::reject(const RequestParser& parser, const NextRequest& next) {
  LogRecord record = unread_request_record(parser, next);
  if (record.status == 0) {
    record.duration_s = std::chrono::duration<double>(Clock::now() - next.started).count();
    core_->record(std::move(record), {});
    co_return;
  }
  const ResponseSpec spec = explained_response(record.status, next.failure->why, false, unix_now());
  const ResponsePlan no_faults;
  co_await finish_local(spec, no_faults, false, record, next.started);
}

asio::awaitable<bool> ProxySession::handle(Request& req, Clock::time_point started) {
  LogRecord record = request_record(req, started);
  const bool head = req.method() == http::verb::head;
  const std::int64_t now = unix_now();
  bool keep_alive = keeps_alive(req);

  // Only origin-form requests for the upstream's resources are relayed: an absolute-form
  // target or CONNECT would turn this into an open proxy.
  std::optional<std::pair<int, std::string>> refusal;
  std::optional<std::string> path;
  const ClientHeader client = read_client_header(req);
  record.client = client.token;
  if (req.version() != 10 && req.version() != 11) {
    refusal.emplace(505, fmt::format("HTTP version {}.{} not supported", req.version() / 10,
                                     req.version() % 10));
  } else if (req.version() == 11 && req.count(http::field::host) != 1) {
    refusal.emplace(400, "an HTTP/1.1 request needs exactly one Host header");
  } else if (req.method() == http::verb::connect) {
    refusal.emplace(405, fmt::format("CONNECT refused: this is a reverse proxy for {}, not a "
                                     "forward proxy or tunnel",
                                     pool_->url().text));
  } else if (!req.target().starts_with("/")) {
    refusal.emplace(400, fmt::format("request target '{}' refused: only origin-form targets "
                                     "(/path) are relayed, to {} and nowhere else",
                                     std::string_view(req.target()), pool_->url().text));
  } else if (!(path = origin_path(req.target()))) {
    refusal.emplace(400, "malformed request target");
  } else if (const auto dots = dot_segment(*path)) {
    refusal.emplace(400, fmt::format("request target '{}' refused: it has a '{}' segment, which "
                                     "clients remove before sending (RFC 3986 5.2.4)",
                                     std::string_view(req.target()), *dots));
  } else if (client.error) {
    refusal.emplace(400, *client.error);
  }
  if (refusal) {
    keep_alive = false;
    record.error = refusal->second;
    ResponseSpec spec = explained_response(refusal->first, refusal->second, head, now);
    if (refusal->first == 405) spec.headers.emplace_back("Allow", kRelayedMethods);
    const ResponsePlan no_faults;
    co_return co_await finish_local(spec, no_faults, keep_alive, record, started);
  }

  Exchange ex;
  ex.path = *path;
  ex.head = head;
  ex.client_version = req.version();
  ex.client = client.token.value_or("");
  ex.state = core_->current();
  record.path = ex.path;
  const model::Scenario& scenario = ex.state->scenario();
  ex.faulted = ::fnmatch(scenario.resource().path.c_str(), ex.path.c_str(), 0) == 0;
  std::optional<AdmittedTransfer> transfer;  // held until the response has ended
  if (ex.faulted) {
    const std::string method(req.method_string());
    const Decision decision = ex.state->engine.count(method, ex.path, ex.client);
    ex.attempt = decision.attempt;
    ex.generation = decision.generation;
    record.attempt = decision.attempt;
    record.content_seed = decision.content_seed;
    ex.strip_ranges = !scenario.server.ranges;
    // Turned away requests count as attempts of the path (count() above). Every GET of a
    // faulted path is a transfer: whether its answer has a body is the upstream's to say.
    if (auto turnaway = turnaway_for(*this, *ex.state, !head, transfer)) {
      co_return co_await write_turnaway(*this, *turnaway, head, keep_alive, record, started);
    }
    // A status fault answers without asking the upstream, as an overloaded CDN edge does.
    // Its plan is the one the relay would build (the same seeded draws), minus sizes.
    if (ex.attempt > 0) {
      const ResponsePlan early = ex.state->engine.plan_for(ex.path, ex.attempt, 0, true, ex.client);
      if (early.status) {
        ResponseSpec spec = text_response(*early.status, head, now);
        add_plan_headers(spec, early, now);
        spec.chunked = early.chunked_body(scenario.server.chunked);
        co_return co_await finish_local(spec, early, keep_alive, record, started);
      }
    }
  }

  const Request forwarded = upstream_request(req, ex);
  const std::optional<UpstreamFailure> failure =
      co_await exchange_head(forwarded, idempotent(req.method()));
  if (failure) {
    const int status = failure->timeout ? 504 : 502;
    record.error = fmt::format("upstream {}: {}", pool_->url().text, failure->what);
    if (auto* recorder = core_->recording(); recorder != nullptr && record.method == "GET") {
      // What the client saw is this proxy's answer: recorded as such, and said so.
      Observation o;
      o.path = ex.path;
      o.arrived = started;
      o.range = record.range;
      o.if_range = record.if_range;
      o.status = status;
      o.proxy_answered = *record.error;
      o.first_byte_s = std::chrono::duration<double>(Clock::now() - started).count();
      recorder->observe(std::move(o));
    }
    const ResponseSpec spec = explained_response(status, *record.error, head, now);
    const ResponsePlan no_faults;
    co_return co_await finish_local(spec, no_faults, keep_alive, record, started);
  }
  co_return co_await relay(ex, keep_alive, record, started);
}

ProxySession::Request ProxySession::upstream_request(const Request& req, Exchange& ex) const {
  const UpstreamUrl& url = pool_->url();
  Request up;
  if (req.method() == http::verb::unknown) {
    up.method_string(req.method_string());
  } else {
    up.method(req.method());
  }
  up.target(url.base_path + std::string(req.target()));
  up.version(11);

  // Conditionals of a faulted path speak the client's generation of validators.
  std::optional<std::string> if_range;
  if (auto v = header(req, http::field::if_range); v && ex.faulted) {
    if (v->find('"') != std::string::npos) {
      if_range = relay::if_range_tag(*v, ex.generation);
      if (!if_range) ex.strip_ranges = true;  // a validator of another version: 200, whole body
    } else {
      if_range = relay::upstream_date(*v, ex.generation);
    }
  }

  const std::vector<std::string> tokens = connection_tokens(req);
  for (const auto& field : req) {
    const std::string_view name = field.name_string();
    const std::string_view value = field.value();
    if (is_hop_by_hop(name, tokens) || iequals(name, "host") || iequals(name, "expect") ||
        iequals(name, "content-length") || iequals(name, "via") ||
        iequals(name, "x-forwarded-for") || iequals(name, kClientHeader)) {
      continue;
    }
    if (ex.faulted) {
      if (ex.strip_ranges && (iequals(name, "range") || iequals(name, "if-range"))) continue;
      if (iequals(name, "if-range")) {
        up.insert(field.name_string(), *if_range);
        continue;
      }
      if (iequals(name, "if-none-match")) {
        if (auto mapped = relay::if_none_match_list(value, ex.generation)) {
          up.insert(name, *mapped);
        }
        continue;
      }
      if (iequals(name, "if-match")) {
        up.insert(name, relay::if_match_list(value, ex.generation));
        continue;
      }
      if (iequals(name, "if-modified-since") || iequals(name, "if-unmodified-since")) {
        up.insert(name, relay::upstream_date(value, ex.generation));
        continue;
      }
    }
    up.insert(name, value);
  }
  up.set(http::field::host, url.authority);
  const std::string via = fmt::format("{}.{} sisyphus", req.version() / 10, req.version() % 10);
  const auto previous_via = header(req, http::field::via);
  up.set(http::field::via, previous_via ? *previous_via + ", " + via : via);
  if (const std::string client_address = peer_address(); !client_address.empty()) {
    const auto previous = header(req, "X-Forwarded-For");
    up.set("X-Forwarded-For", previous ? *previous + ", " + client_address : client_address);
  }
  if (up.find("X-Forwarded-Proto") == up.end())
    up.set("X-Forwarded-Proto", tls() ? "https" : "http");
  if (auto host = header(req, http::field::host); host && up.find("X-Forwarded-Host") == up.end()) {
    up.set("X-Forwarded-Host", *host);
  }
  up.body() = req.body();
  if (!up.body().empty() || req.has_content_length()) up.content_length(up.body().size());
  up.keep_alive(true);
  return up;
}

asio::awaitable<std::optional<UpstreamFailure>> ProxySession::exchange_head(const Request& up,
                                                                            bool may_retry) {
  const Duration timeout = core_->options().upstream_timeout;
  const auto strand = socket_.get_executor();
  for (int round = 0;; ++round) {
    UpstreamFailure failure;
    upstream_ = co_await pool_->acquire(strand, round > 0, failure);
    if (!upstream_) co_return failure;
    UpstreamConnection& c = *upstream_;
    const bool reused = c.requests > 0;
    ++c.requests;

    c.arm(strand, timeout);
    auto send = [&](auto& stream) { return http::async_write(stream, up, nothrow); };
    auto [wec, wn] = co_await on_stream(c, send);
    if (wec) {
      const bool stale = reused && !c.timed_out() && round == 0;
      failure.timeout = c.timed_out();
      failure.what = describe(wec, c.timed_out(), timeout, "the request");
      c.close();
      upstream_.reset();
      if (stale) continue;  // the upstream closed an idle kept-alive connection: retry fresh
      co_return failure;
    }

    // Interim 1xx answers (103 Early Hints) are not relayed: the final answer follows.
    boost::system::error_code rec;
    do {
      parser_.emplace();
      parser_->header_limit(kUpstreamHeaderLimit);
      parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
      if (up.method() == http::verb::head) parser_->skip(true);
      auto receive = [&](auto& stream) {
        return http::async_read_header(stream, c.buffer(), *parser_, nothrow);
      };
      auto [e, n] = co_await on_stream(c, receive);
      rec = e;
    } while (!rec && parser_->get().result_int() / 100 == 1 &&
             parser_->get().result() != http::status::switching_protocols);
    c.disarm();
    if (rec) {
      // Nothing at all came back on a reused connection: it was closed while idle.
      const bool stale = reused && may_retry && round == 0 && !c.timed_out() &&
                         !parser_->got_some() && c.buffer().size() == 0 &&
                         (rec == http::error::end_of_stream || rec == asio::error::eof ||
                          rec == asio::error::connection_reset);
      failure.timeout = c.timed_out();
      failure.what = describe(rec, c.timed_out(), timeout, "a response");
      c.close();
      upstream_.reset();
      if (stale) continue;
      co_return failure;
    }
    if (parser_->get().result() == http::status::switching_protocols) {
      failure.what = "the upstream switched protocols (101), which is not relayed";
      c.close();
      upstream_.reset();
      co_return failure;
    }
    co_return std::nullopt;
  }
}

asio::awaitable<bool> ProxySession::finish_local(const ResponseSpec& spec, const ResponsePlan& plan,
                                                 bool keep_alive, LogRecord& record,
                                                 Clock::time_point started) {
  co_return co_await write_answer(*this, {spec, plan}, keep_alive, record, started, kUnexecutedCut);
}

}  // namespace sisyphus::proxy
