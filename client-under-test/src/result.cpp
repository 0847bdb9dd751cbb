#include "sisyphus/client/result.hpp"

#include <boost/json.hpp>

namespace sisyphus::client {
namespace json = boost::json;
namespace {

double seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e6;
}

json::value optional_string(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

}  // namespace

std::string_view to_string(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::complete:
      return "complete";
    case AttemptOutcome::interrupted:
      return "interrupted";
    case AttemptOutcome::timeout:
      return "timeout";
    case AttemptOutcome::retry_status:
      return "retry-status";
    case AttemptOutcome::fatal_status:
      return "fatal-status";
    case AttemptOutcome::rejected:
      return "rejected";
    case AttemptOutcome::bad_part:
      return "bad-part";
    case AttemptOutcome::connect_error:
      return "connect-error";
    case AttemptOutcome::local_error:
      return "local-error";
  }
  return "?";
}

std::string to_json(const Result& r) {
  json::object o;
  o["ok"] = r.ok;
  o["exit_code"] = r.exit_code;
  o["output"] = r.output.string();
  o["attempts"] = r.attempts;
  o["bytes_received"] = r.bytes_received;
  o["bytes_discarded"] = r.bytes_discarded;
  o["bytes_resumed"] = r.bytes_resumed;
  o["size"] = r.size ? json::value(*r.size) : json::value(nullptr);
  json::array restarts;
  for (const auto& rs : r.restarts) {
    restarts.push_back(
        json::object{{"attempt", rs.attempt}, {"reason", rs.reason}, {"discarded", rs.discarded}});
  }
  o["restarts"] = std::move(restarts);
  o["sha256"] = r.sha256.empty() ? json::value(nullptr) : json::value(r.sha256);
  o["verified_by"] = r.verified_by.empty() ? json::value(nullptr) : json::value(r.verified_by);
  o["duration_s"] = seconds(r.duration);
  o["error"] = r.error.empty() ? json::value(nullptr) : json::value(r.error);
  json::array log;
  for (const auto& a : r.attempt_log) {
    log.push_back(json::object{
        {"attempt", a.number},
        {"start_s", seconds(a.start)},
        {"duration_s", seconds(a.duration)},
        {"waited_s", seconds(a.waited)},
        {"status", a.status},
        {"range", optional_string(a.range)},
        {"if_range", optional_string(a.if_range)},
        {"redirects", a.redirects},
        {"offset", a.offset},
        {"bytes", a.bytes},
        {"outcome", to_string(a.outcome)},
        {"detail", a.detail},
    });
  }
  o["attempt_log"] = std::move(log);
  return json::serialize(o);
}

}  // namespace sisyphus::client
