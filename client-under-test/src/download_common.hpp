#pragma once
// Mechanics shared by the reference and the naive download: clocks, waits between
// attempts, request headers, throttled progress reports.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/client/backoff.hpp"
#include "sisyphus/client/options.hpp"
#include "sisyphus/client/result.hpp"
#include "sisyphus/core/client_token.hpp"
#include "transport.hpp"

namespace sisyphus::client::detail {

inline Duration since(Clock::time_point t) {
  return std::chrono::duration_cast<Duration>(Clock::now() - t);
}

inline Timeouts make_timeouts(const Options& o, Clock::time_point start) {
  Timeouts t;
  t.connect = o.connect_timeout;
  t.read = o.read_timeout;
  if (o.timeout) t.deadline = start + *o.timeout;
  return t;
}

inline boost::asio::awaitable<void> sleep_for(Duration d) {
  if (d.count() <= 0) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// The wait before the next attempt (unscaled). A server's Retry-After wins, capped by the
// backoff cap; an attempt that made progress starts the backoff sequence over; a rejected
// response is retried at once (the server answered; there is nothing to wait for).
inline Duration wait_before_next(const AttemptRecord& rec, std::optional<Duration> retry_after,
                                 Backoff& backoff) {
  if (rec.outcome == AttemptOutcome::rejected) return Duration{0};
  if (rec.outcome == AttemptOutcome::retry_status && retry_after) {
    backoff.next();  // keep the sequence moving for a later failure without Retry-After
    return std::min(*retry_after, backoff.options().cap);
  }
  // Bytes kept show the link works again; a bad part's bytes were not kept, so its retry
  // waits as long as a failure without any would.
  if (rec.bytes > 0 && rec.outcome != AttemptOutcome::bad_part) backoff.reset();
  return backoff.next();
}

inline std::vector<Header> request_headers(const Options& o,
                                           const std::optional<std::string>& range,
                                           const std::optional<std::string>& if_range) {
  std::vector<Header> h;
  for (const auto& [name, value] : o.headers) h.push_back({name, value});
  if (!o.client_id.empty()) h.push_back({std::string(kClientHeader), o.client_id});
  if (range) h.push_back({"Range", *range});
  if (if_range) h.push_back({"If-Range", *if_range});
  return h;
}

// Calls Options::on_progress at most every 100 ms (and whenever forced).
class ProgressReporter {
 public:
  explicit ProgressReporter(const Options& o) : callback_(o.on_progress) {}
  void report(const Progress& p, bool force) {
    if (!callback_) return;
    const auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    callback_(p);
  }

 private:
  std::function<void(const Progress&)> callback_;
  Clock::time_point last_{};
};

}  // namespace sisyphus::client::detail
