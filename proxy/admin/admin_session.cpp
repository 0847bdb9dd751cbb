#include "admin/admin_session.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "relay/recorder.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/proxy/server.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kBodyLimit = 1024 * 1024;
// Records per chunk of GET /v1/log: about 75 KB of JSON, copied out of the log at a time.
constexpr std::size_t kLogPage = 256;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response make(http::status status, std::string content_type, std::string body) {
  Response res{status, 11};
  res.set(http::field::server, "sisyphus");
  res.set(http::field::date, format_http_date(unix_now()));
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

Response json_response(http::status status, const json::value& v) {
  return make(status, "application/json", json::serialize(v) + "\n");
}

Response error(http::status status, std::string_view message) {
  return json_response(status, json::object{{"error", message}});
}

// Endpoint table: path -> the one method it takes.
struct Route {
  std::string_view path;
  http::verb method;
};
constexpr Route kRoutes[] = {
    {"/v1/scenario", http::verb::get},      {"/v1/scenario", http::verb::put},
    {"/v1/faults", http::verb::get},        {"/v1/faults", http::verb::post},
    {"/v1/faults/", http::verb::delete_},  // + the rule's index
    {"/v1/log", http::verb::get},           {"/v1/stats", http::verb::get},
    {"/v1/reset", http::verb::post},        {"/metrics", http::verb::get},
    {"/v1/record/start", http::verb::post}, {"/v1/record/stop", http::verb::post},
};
constexpr std::string_view kFaultPrefix = "/v1/faults/";

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// The route a path is looked up by: /v1/faults/3 is /v1/faults/.
std::string_view route_of(std::string_view path) {
  return path.starts_with(kFaultPrefix) && path.size() > kFaultPrefix.size() ? kFaultPrefix : path;
}

// A rule as GET /v1/scenario writes it in `faults:` (model::to_json, the one writer).
json::value rule_json(const model::FaultRule& rule) {
  model::Scenario one;
  one.faults = {rule};
  return json::parse(model::to_json(one)).at("faults").at(0);
}

json::value rules_json(const std::vector<model::FaultRule>& rules) {
  json::array out;
  for (const auto& rule : rules) out.push_back(rule_json(rule));
  return json::object{{"faults", std::move(out)}};
}

// POST /v1/faults: the body is one `faults:` entry (JSON or YAML), checked against the
// current scenario as the loader checks a file's rules; appended at the end.
Response add_fault(ServerCore& core, const Request& req) {
  std::size_t index = 0;
  model::FaultRule added;
  try {
    core.edit_faults([&](std::vector<model::FaultRule>& rules, const model::Scenario& scenario) {
      added =
          model::load_fault_rule_string(req.body(), "<admin>", FaultRegistry::instance(), scenario);
      if (core.options().upstream) {
        model::Scenario probe;
        probe.faults = {added};
        FaultRegistry::instance().check_relayable(probe);
      }
      index = rules.size();
      rules.push_back(added);
    });
  } catch (const std::exception& e) {
    return error(http::status::bad_request, e.what());
  }
  Response res = json_response(http::status::created,
                               json::object{{"index", index}, {"rule", rule_json(added)}});
  res.set(http::field::location, fmt::format("{}{}", kFaultPrefix, index));
  return res;
}

// DELETE /v1/faults/{i}: the i-th rule (0-based, as GET /v1/faults lists them) removed; the
// rules after it move up one.
Response remove_fault(ServerCore& core, std::string_view path) {
  const std::string_view written = path.substr(kFaultPrefix.size());
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(written.data(), written.data() + written.size(), index);
  const bool number = ec == std::errc() && end == written.data() + written.size();
  struct NoSuchRule {
    std::size_t count = 0;
  };
  model::FaultRule removed;
  try {
    if (!number) throw NoSuchRule{core.current()->scenario().faults.size()};
    core.edit_faults([&](std::vector<model::FaultRule>& rules, const model::Scenario&) {
      if (index >= rules.size()) throw NoSuchRule{rules.size()};
      removed = rules[index];
      rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(index));
    });
  } catch (const NoSuchRule& none) {
    return error(http::status::not_found,
                 none.count == 0 ? fmt::format("no fault rule {}: the scenario has none", written)
                                 : fmt::format("no fault rule {}: expected an index from 0 to {}",
                                               written, none.count - 1));
  } catch (const std::exception& e) {
    return error(http::status::bad_request, e.what());
  }
  return json_response(http::status::ok,
                       json::object{{"index", index}, {"rule", rule_json(removed)}});
}

http::status status_for(RecordRefusal why) {
  switch (why) {
    case RecordRefusal::running:
    case RecordRefusal::not_running:
      return http::status::conflict;
    case RecordRefusal::no_file:
      return http::status::bad_request;
    case RecordRefusal::unwritable:
    case RecordRefusal::nothing:
      return http::status::unprocessable_entity;
    case RecordRefusal::failed:
      break;
  }
  return http::status::internal_server_error;
}

// The file of POST /v1/record/start: the body's {"file": PATH}, or without a body --record's.
std::filesystem::path record_file(const ServerCore& core, const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (core.options().record) return *core.options().record;
    throw RecordError(RecordRefusal::no_file,
                      "no file to record to: send {\"file\": PATH}, or start the proxy with "
                      "--record FILE");
  }
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* file = o != nullptr ? o->if_contains("file") : nullptr;
  if (file == nullptr || !file->is_string() || file->as_string().empty() || o->size() != 1) {
    throw RecordError(RecordRefusal::no_file,
                      "/v1/record/start takes no body or {\"file\": PATH} (a JSON object with "
                      "one non-empty string)");
  }
  return std::string(file->as_string());
}

// POST /v1/record/start and /v1/record/stop (docs/proxy.md "Recording"): `sisyphus proxy`
// only; a `serve` has no upstream to record.
Response record(ServerCore& core, const Request& req, bool start) {
  Recorder* recorder = core.recorder();
  if (recorder == nullptr) {
    return error(http::status::not_found,
                 fmt::format("no {}: sisyphus serve records nothing (recording watches what an "
                             "upstream does: sisyphus proxy --upstream URL)",
                             req.target()));
  }
  try {
    if (start) {
      recorder->start(record_file(core, req.body()));
      return json_response(http::status::ok, json::object{{"file", recorder->file().string()}});
    }
    // A GET whose answer the client has read whole may not have reached the recorder yet
    // (its relay reports when the body has ended): a stop right after it must include it.
    core.wait_for_finishing();
    const RecordSummary done = recorder->stop();
    json::array paths;
    for (const auto& p : done.paths) paths.emplace_back(p);
    return json_response(http::status::ok, json::object{{"file", done.file.string()},
                                                        {"path", done.path},
                                                        {"attempts", done.attempts},
                                                        {"paths", std::move(paths)}});
  } catch (const RecordError& e) {
    return error(status_for(e.why), e.what());
  }
}

// The N of GET /v1/log?since=N (0 without it); nullopt, and why, for any other query.
std::optional<std::uint64_t> log_since(std::string_view target, std::string& why) {
  const auto q = target.find('?');
  if (q == std::string_view::npos || q + 1 == target.size()) return 0;
  const std::string_view query = target.substr(q + 1);
  constexpr std::string_view key = "since=";
  std::uint64_t n = 0;
  if (query.starts_with(key)) {
    const char* first = query.data() + key.size();
    const char* last = query.data() + query.size();
    const auto [end, ec] = std::from_chars(first, last, n);
    if (ec == std::errc() && end == last && first != last) return n;
  }
  why = fmt::format("/v1/log takes ?since=N (a seq, 0 or more), not ?{}", query);
  return std::nullopt;
}

Response route(ServerCore& core, const Request& req) {
  std::string_view path = path_of(req.target());
  std::string allow;
  for (const auto& r : kRoutes) {
    if (r.path == route_of(path))
      allow += (allow.empty() ? "" : ", ") + std::string(to_string(r.method));
  }
  if (allow.empty()) return error(http::status::not_found, fmt::format("no endpoint {}", path));
  const http::verb m = req.method();
  if (path == "/v1/scenario" && m == http::verb::get) {
    return make(http::status::ok, "application/json", model::to_json(core.current()->scenario()));
  }
  if (path == "/v1/scenario" && m == http::verb::put) {
    try {
      model::Scenario s = core.options().upstream
                              ? load_relay_scenario_string(req.body(), "<admin>")
                              : load_scenario_string(req.body(), "<admin>");
      core.set_scenario(std::move(s));
    } catch (const std::exception& e) {
      return error(http::status::bad_request, e.what());
    }
    return make(http::status::ok, "application/json", model::to_json(core.current()->scenario()));
  }
  if (path == "/v1/faults" && m == http::verb::get) {
    return json_response(http::status::ok, rules_json(core.current()->scenario().faults));
  }
  if (path == "/v1/faults" && m == http::verb::post) return add_fault(core, req);
  if (route_of(path) == kFaultPrefix && m == http::verb::delete_) return remove_fault(core, path);
  if (path == "/v1/stats" && m == http::verb::get) {
    return make(http::status::ok, "application/json", stats_json(core));
  }
  if (path == "/v1/reset" && m == http::verb::post) {
    core.reset();
    return make(http::status::ok, "application/json", stats_json(core));
  }
  if (path == "/v1/record/start" && m == http::verb::post) return record(core, req, true);
  if (path == "/v1/record/stop" && m == http::verb::post) return record(core, req, false);
  if (path == "/metrics" && m == http::verb::get) {
    return make(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                prometheus_metrics(core));
  }
  Response res = error(http::status::method_not_allowed,
                       fmt::format("{} takes {}, not {}", path, allow, req.method_string()));
  res.set(http::field::allow, allow);
  return res;
}

// Prometheus label values escape backslash, double quote and newline.
std::string label_value(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string stats_json(const ServerCore& core) {
  const Stats s = core.stats();
  json::object faults;
  for (const auto& [kind, n] : core.faults_fired()) faults[kind] = n;
  json::object o{{"scenario", core.current()->scenario().name},
                 {"requests", s.requests},
                 {"bytes_sent", s.bytes_sent},
                 {"bytes_written", s.bytes_written},
                 {"connections_open", s.connections_open},
                 {"connections_total", s.connections_total},
                 {"dropped", s.dropped},
                 {"active", s.active},
                 {"peak_active", s.peak_active},
                 {"over_capacity", s.over_capacity},
                 {"relay_buffer_bytes", s.relay_buffer_bytes},
                 {"faults", std::move(faults)}};
  return json::serialize(o) + "\n";
}

namespace {

// One metric without labels: its HELP and TYPE lines, then its value.
void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

}  // namespace

std::string prometheus_metrics(const ServerCore& core) {
  const Stats s = core.stats();
  std::string out;
  metric(out, "sisyphus_requests_total", "counter",
         "Requests answered (every status, errors included).", s.requests);
  metric(out, "sisyphus_bytes_sent_total", "counter",
         "Response body bytes the clients acknowledged.", s.bytes_sent);
  metric(out, "sisyphus_bytes_written_total", "counter",
         "Response body bytes written into the sockets.", s.bytes_written);
  out += "# HELP sisyphus_faults_total Faults applied to responses, by kind.\n";
  out += "# TYPE sisyphus_faults_total counter\n";
  for (const auto& [kind, n] : core.faults_fired()) {
    out += fmt::format("sisyphus_faults_total{{kind=\"{}\"}} {}\n", label_value(kind), n);
  }
  metric(out, "sisyphus_log_dropped_total", "counter", "Request log records evicted from memory.",
         s.dropped);
  metric(out, "sisyphus_connections_open", "gauge", "Client connections open now.",
         s.connections_open);
  metric(out, "sisyphus_relay_buffer_bytes", "gauge",
         "Body bytes the proxy holds in relay buffers now.", s.relay_buffer_bytes);
  metric(out, "sisyphus_over_capacity_total", "counter",
         "Requests answered over_capacity (max_active).", s.over_capacity);
  metric(out, "sisyphus_active_transfers", "gauge", "Transfers holding a max_active slot now.",
         s.active);
  return out;
}

Connection::RequestLimits AdminSession::request_limits() const {
  return {.head = 16 * 1024, .body = kBodyLimit};
}

asio::awaitable<bool> AdminSession::handle(Request& request, Clock::time_point) {
  if (path_of(request.target()) == "/v1/log" && request.method() == http::verb::get) {
    co_return co_await send_log(request);
  }
  co_return co_await send(route(*core_, request), request.keep_alive());
}

asio::awaitable<void> AdminSession::reject(const RequestParser&, const NextRequest& next) {
  if (next.failure->status == 0) co_return;  // the client went away: nothing to answer
  co_await send(error(static_cast<http::status>(next.failure->status), next.failure->why), false);
}

asio::awaitable<bool> AdminSession::send(Response res, bool keep_alive) {
  res.keep_alive(keep_alive);
  res.prepare_payload();
  set_deadline(core_->options().idle_timeout);
  auto [wec, wn] = co_await http::async_write(socket_, res, nothrow);
  clear_deadline();
  if (wec || !keep_alive) {
    co_await close_with_fin();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> AdminSession::send_log(const Request& request) {
  std::string why;
  const std::optional<std::uint64_t> since = log_since(request.target(), why);
  if (!since) co_return co_await send(error(http::status::bad_request, why), request.keep_alive());
  // What the response holds is fixed now: records that arrive while it is written are left
  // for the next request, which asks from Sisyphus-Log-Next on.
  const ServerCore::LogWindow window = core_->log_window();
  http::response<http::empty_body> head{http::status::ok, 11};
  head.set(http::field::server, "sisyphus");
  head.set(http::field::date, format_http_date(unix_now()));
  head.set(http::field::content_type, "application/x-ndjson");
  head.set("Sisyphus-Log-First", std::to_string(window.first));
  head.set("Sisyphus-Log-Next", std::to_string(window.next));
  head.keep_alive(request.keep_alive());
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer{head};
  set_deadline(core_->options().idle_timeout);
  auto [ec, n] = co_await http::async_write_header(socket_, serializer, nothrow);
  clear_deadline();
  if (ec) {
    co_await close_with_fin();
    co_return false;
  }
  std::string chunk;
  for (std::uint64_t at = *since; at < window.next;) {
    // Evicted records are skipped: the first seq of a page may be later than `at`.
    const std::vector<LogRecord> page = core_->log_page(at, window.next, kLogPage);
    if (page.empty()) break;
    chunk.clear();
    for (const auto& record : page) {
      chunk += to_json_line(record);
      chunk += '\n';
    }
    at = page.back().seq + 1;
    const std::string size_line = fmt::format("{:x}\r\n", chunk.size());
    // (Named: g++ 12 cannot build a braced list of buffers inside a co_await.)
    const std::vector<asio::const_buffer> framed{asio::buffer(size_line), asio::buffer(chunk),
                                                 asio::buffer("\r\n", 2)};
    if (!co_await write_all(framed)) co_return false;
  }
  const std::vector<asio::const_buffer> last{asio::buffer("0\r\n\r\n", 5)};
  if (!co_await write_all(last)) co_return false;
  if (!request.keep_alive()) {
    co_await close_with_fin();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> AdminSession::write_all(const std::vector<asio::const_buffer>& bytes) {
  set_deadline(core_->options().idle_timeout);
  auto [ec, n] = co_await asio::async_write(socket_, bytes, nothrow);
  clear_deadline();
  if (!ec) co_return true;
  co_await close_with_fin();
  co_return false;
}

}  // namespace sisyphus::proxy
