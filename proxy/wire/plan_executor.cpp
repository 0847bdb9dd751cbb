#include "wire/plan_executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <sstream>
#include <vector>

namespace sisyphus::proxy {
namespace {

namespace http = boost::beast::http;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

std::optional<std::string> join_kinds(const std::vector<std::string>& kinds) {
  if (kinds.empty()) return std::nullopt;
  return fmt::format("{}", fmt::join(kinds, ","));
}

}  // namespace

PlanExecutor::PlanExecutor(Connection& connection, const ResponsePlan& plan, Framing framing,
                           std::optional<std::uint64_t> cut_at, bool keep_alive)
    : c_(connection),
      plan_(plan),
      framing_(framing),
      keep_alive_(keep_alive),
      body_(connection, plan, framing.body && framing.chunked, framing.body ? cut_at : std::nullopt,
            framing.chunked ? std::nullopt : framing.length) {}

asio::awaitable<bool> PlanExecutor::send_head(Response& head) {
  if (plan_.first_byte_delay.count() > 0 && !co_await c_.sleep_for(plan_.first_byte_delay)) {
    error_ = "server stopping";
    co_return false;
  }
  head.version(11);
  if (framing_.chunked) {
    head.set(http::field::transfer_encoding, "chunked");
  } else if (framing_.length) {
    head.set(http::field::content_length, std::to_string(*framing_.length));
  }
  if (!keep_alive_) head.set(http::field::connection, "close");
  if (plan_.head_cut) {
    co_await send_cut_head(head);
    co_return false;
  }
  // The head carries the response's last byte: log() must wait for this request's record.
  const bool ends_with_head = !framing_.body || (!framing_.chunked && framing_.length == 0);
  if (ends_with_head) body_.mark_finishing();
  if (!ends_with_head && framing_.body_at_hand) body_.hold_head();
  http::response_serializer<http::empty_body> serializer{head};
  c_.set_deadline(c_.core_->options().idle_timeout);
  auto [ec, n] = co_await http::async_write_header(c_.socket_, serializer, nothrow);
  c_.clear_deadline();
  body_.head_written(n);
  if (ec) {
    body_.release_head();
    error_ = "could not write the response head";
    co_return false;
  }
  head_sent_ = true;
  co_return true;
}

asio::awaitable<void> PlanExecutor::send_cut_head(const Response& head) {
  const HeadCut& cut = *plan_.head_cut;
  std::string bytes = plan_.head_replacement;
  std::size_t limit = bytes.size();
  if (bytes.empty()) {
    std::ostringstream serialized;
    serialized << head.base();
    bytes = std::move(serialized).str();
    limit = bytes.size() - 2;  // never the empty line that would complete it
  }
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(cut.at, limit));
  if (n > 0) {
    c_.set_deadline(c_.core_->options().idle_timeout);
    auto [ec, written] =
        co_await asio::async_write(c_.socket_, asio::buffer(bytes.data(), n), nothrow);
    c_.clear_deadline();
    body_.head_written(written);
    if (ec) {
      error_ = "could not write the response head";
      co_return;
    }
  }
  co_await body_.cut_in_head(cut.how, cut.stall_for);
}

asio::awaitable<void> PlanExecutor::finish() {
  if (head_sent_) co_await body_.finish(keep_alive_);
}

asio::awaitable<bool> PlanExecutor::conclude(LogRecord& record, int status,
                                             Connection::Clock::time_point started,
                                             UnexecutedCut unexecuted_cut) {
  std::vector<std::string> applied = plan_.applied;
  // A cut that did not take effect (it fell outside this body, its time did not come, the
  // other cut came first) is not claimed by the log.
  auto unclaim = [&](const std::string& fault) {
    auto it = std::find(applied.begin(), applied.end(), fault);
    if (it != applied.end()) applied.erase(it);
  };
  if (body_.head_cut_reached()) {  // the body and its cuts never came
    if (plan_.cut) unclaim(plan_.cut->fault);
    if (plan_.timed_cut) unclaim(plan_.timed_cut->fault);
  } else if (unexecuted_cut == UnexecutedCut::never_named || body_.complete()) {
    if (plan_.cut && !body_.offset_cut_reached()) unclaim(plan_.cut->fault);
    if (plan_.timed_cut && !body_.timed_cut_reached()) unclaim(plan_.timed_cut->fault);
  }
  co_await body_.await_delivery();
  if (c_.killed_by_outage()) {
    applied.emplace_back(kOutageFault);
    record.error = "outage: the server went down with the response in flight";
  }
  record.status = status;
  record.bytes_sent = body_.delivered_bytes();
  record.bytes_written = body_.body_bytes();
  record.fault = join_kinds(applied);
  if (!record.error) record.error = error_ ? error_ : body_.error();  // the first reason stays
  record.duration_s = std::chrono::duration<double>(Connection::Clock::now() - started).count();
  c_.core_->record(record, applied, body_.finishing_marked());
  co_await body_.end_connection();
  co_return head_sent_&& body_.end() == BodyWriter::End::keep_open;
}

}  // namespace sisyphus::proxy
