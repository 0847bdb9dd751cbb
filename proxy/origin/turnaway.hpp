#pragma once
// The requests server.max_active and server.outages turn away (docs/server.md, "Overload
// and outages"), for the origin and the proxy alike: which ones, the answer they get, and the
// outage timer of the transfers that are let through. Internal to the proxy library.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <variant>

#include "sisyphus/proxy/log.hpp"
#include "wire/connection.hpp"

namespace sisyphus::proxy {

// How a turned-away request is answered.
struct Turnaway {
  std::string_view fault;  // kOverCapacityFault or kOutageFault: the log's `fault`
  enum class How { status, close, reset } how = How::status;
  int status = 503;                        // for How::status
  std::optional<std::string> retry_after;  // Retry-After, for How::status
  std::string why;                         // the log's `error`
};

// A transfer let through: its max_active slot, held until its last byte is written
// (end_transfer()) or the response ends, and its outage timer, held until the response ends
// (this object's destruction): an outage still kills a response waiting for its delivery.
class AdmittedTransfer {
 public:
  AdmittedTransfer(Connection& connection, ServerCore::Transfer slot)
      : connection_(&connection), slot_(std::move(slot)) {}
  AdmittedTransfer(AdmittedTransfer&& other) noexcept
      : connection_(std::exchange(other.connection_, nullptr)), slot_(std::move(other.slot_)) {}
  AdmittedTransfer& operator=(AdmittedTransfer&&) = delete;
  AdmittedTransfer(const AdmittedTransfer&) = delete;
  AdmittedTransfer& operator=(const AdmittedTransfer&) = delete;
  ~AdmittedTransfer() {
    if (connection_ != nullptr) connection_->disarm_outage();
  }
  // Every byte of the response is written: the slot goes back now, not once its delivery is
  // confirmed and logged, so a client that read the whole response and asks again is never
  // turned away by its own previous transfer.
  void end_transfer() { slot_ = ServerCore::Transfer(); }

 private:
  Connection* connection_;
  ServerCore::Transfer slot_;
};

// For a request of a resource path, counted as an attempt: the outage in force now, else,
// for a `transfer` (a GET whose answer has a body), the over_capacity answer when max_active
// transfers are active. nullopt: let it through; a transfer then holds its slot and its
// outage timer (armed for the next outage) in `admitted` until the response ends.
std::optional<Turnaway> turnaway_for(Connection& connection, const ScenarioState& state,
                                     bool transfer, std::optional<AdmittedTransfer>& admitted);

// Answers `t`: a status with a short text body (through write_answer(), keep-alive as the
// client asked), or the log record then FIN or RST without a response. Returns whether the
// connection can take another request.
asio::awaitable<bool> write_turnaway(Connection& connection, const Turnaway& t, bool head,
                                     bool keep_alive, LogRecord& record,
                                     Connection::Clock::time_point started);

}  // namespace sisyphus::proxy
