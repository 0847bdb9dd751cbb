#include "origin/turnaway.hpp"

#include <fmt/format.h>

#include "engine/retry_after.hpp"
#include "origin/response_writer.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy {

namespace {

std::optional<Turnaway> outage_turnaway(const Connection& connection, const ScenarioState& state) {
  const model::ServerOptions& server = state.scenario().server;
  const TimeScale& scale = state.engine.time_scale();
  const model::Outage* outage =
      connection.core().outage_at(server, scale, Connection::Clock::now());
  if (outage == nullptr) return std::nullopt;
  Turnaway t;
  t.fault = kOutageFault;
  t.how = outage->how == model::OutageHow::reset    ? Turnaway::How::reset
          : outage->how == model::OutageHow::refuse ? Turnaway::How::close
                                                    : Turnaway::How::status;
  t.why = fmt::format("outage: the server is down from {} for {}", format_duration(outage->at),
                      format_duration(outage->length));
  return t;
}

std::variant<AdmittedTransfer, Turnaway> admit_transfer(Connection& connection,
                                                        const ScenarioState& state) {
  const model::ServerOptions& server = state.scenario().server;
  std::optional<ServerCore::Transfer> slot = connection.core().admit(server.max_active);
  if (!slot) {
    const model::OverCapacity& answer = server.over_capacity;
    Turnaway t;
    t.fault = kOverCapacityFault;
    t.how = answer.refuse ? Turnaway::How::close : Turnaway::How::status;
    t.status = answer.status;
    if (answer.retry_after)
      t.retry_after = retry_after_seconds(*answer.retry_after, state.engine.time_scale());
    t.why = fmt::format("over capacity: {} transfers active (max_active)", *server.max_active);
    return t;
  }
  const auto now = Connection::Clock::now();
  if (const auto next = connection.core().next_outage(server, state.engine.time_scale(), now)) {
    const model::Outage* outage =
        connection.core().outage_at(server, state.engine.time_scale(), *next);
    connection.arm_outage(*next, outage != nullptr ? outage->how : model::OutageHow::reset);
  }
  return AdmittedTransfer(connection, std::move(*slot));
}

}  // namespace

std::optional<Turnaway> turnaway_for(Connection& connection, const ScenarioState& state,
                                     bool transfer, std::optional<AdmittedTransfer>& admitted) {
  if (auto t = outage_turnaway(connection, state)) return t;
  if (!transfer) return std::nullopt;
  auto decided = admit_transfer(connection, state);
  if (auto* t = std::get_if<Turnaway>(&decided)) return std::move(*t);
  admitted.emplace(std::move(std::get<AdmittedTransfer>(decided)));
  return std::nullopt;
}

asio::awaitable<bool> write_turnaway(Connection& connection, const Turnaway& t, bool head,
                                     bool keep_alive, LogRecord& record,
                                     Connection::Clock::time_point started) {
  record.error = t.why;
  if (t.how == Turnaway::How::status) {
    ResponseSpec spec = text_response(t.status, head, unix_now());
    if (t.retry_after) spec.headers.emplace_back("Retry-After", *t.retry_after);
    ResponsePlan plan;
    plan.applied.emplace_back(t.fault);
    co_return co_await write_answer(connection, {spec, plan}, keep_alive, record, started,
                                    UnexecutedCut::never_named);
  }
  // No response: the record first, so that a client that sees the FIN or RST finds it.
  record.fault = std::string(t.fault);
  record.duration_s = std::chrono::duration<double>(Connection::Clock::now() - started).count();
  connection.core().record(record, {std::string(t.fault)}, false);
  if (t.how == Turnaway::How::reset) {
    co_await connection.close_with_rst();
  } else {
    co_await connection.close_with_fin();
  }
  co_return false;
}

}  // namespace sisyphus::proxy
