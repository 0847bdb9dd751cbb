// The careless resumable download that this project exists to catch, kept apart from the
// reference logic on purpose. It does what many real clients do:
//  - resumes with `Range: bytes=<size of FILE>-` and no If-Range;
//  - appends any 206 body to FILE without looking at Content-Range;
//  - truncates FILE on a 200 and writes that body from byte 0;
//  - takes a 416 as "already complete";
//  - no checksum, no part file, no state: FILE is written in place.
// Retries, backoff and timeouts are the same as the reference client's, so that a
// comparison shows only the cost of carelessness.
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "download_common.hpp"
#include "downloads.hpp"
#include "exchange.hpp"
#include "file.hpp"
#include "sisyphus/client/http_fields.hpp"

namespace sisyphus::client::detail {
namespace {

class NaiveDownload {
 public:
  NaiveDownload(asio::any_io_executor ex, Options options)
      : o_(std::move(options)),
        start_(Clock::now()),
        ctx_(ex, o_, make_timeouts(o_, start_)),
        backoff_(o_.backoff),
        progress_(o_) {
    result_.output = o_.output;
  }

  asio::awaitable<Result> run() {
    std::string why;
    auto target = parse_target(o_.url, why);
    if (!target) co_return finish(false, kExitUsage, why);
    try {
      file_ = File(o_.output, /*lock=*/false);
      result_.bytes_resumed = file_.size();
    } catch (const std::exception& e) {
      co_return finish(false, kExitGaveUp, e.what());
    }

    std::optional<Duration> wait;
    std::string last_failure;
    for (std::uint32_t n = 1; n <= o_.max_attempts; ++n) {
      AttemptRecord rec;
      rec.number = n;
      if (wait) {
        const Duration scaled = o_.time_scale(*wait);
        if (Clock::now() + scaled >= ctx_.timeouts().deadline) break;
        co_await sleep_for(scaled);
        rec.waited = scaled;
      }
      rec.start = since(start_);
      result_.attempts = n;
      std::optional<Duration> retry_after;
      try {
        co_await attempt(*target, rec, retry_after);
      } catch (const std::system_error& e) {
        rec.outcome = AttemptOutcome::local_error;
        rec.detail = e.what();
      }
      rec.duration = since(start_) - rec.start;
      result_.attempt_log.push_back(rec);
      if (o_.on_attempt) o_.on_attempt(rec);
      if (rec.outcome == AttemptOutcome::complete) co_return finish(true, kExitOk, "");
      last_failure = fmt::format("attempt {}: {}", n, rec.detail);
      if (rec.outcome == AttemptOutcome::fatal_status ||
          rec.outcome == AttemptOutcome::local_error || Clock::now() >= ctx_.timeouts().deadline) {
        break;
      }
      wait = wait_before_next(rec, retry_after, backoff_);
    }
    co_return finish(false, kExitGaveUp, last_failure);
  }

 private:
  asio::awaitable<void> attempt(const Target& target, AttemptRecord& rec,
                                std::optional<Duration>& retry_after) {
    const std::uint64_t have = file_.size();
    std::optional<std::string> range;
    if (have > 0) range = fmt::format("bytes={}-", have);
    rec.range = range;
    rec.offset = have;
    auto ex = co_await open_exchange(ctx_, target, request_headers(o_, range, std::nullopt));
    rec.redirects = ex.redirects;
    if (ex.error) {
      rec.outcome = ex.error->outcome;
      rec.detail = ex.error->detail;
      co_return;
    }
    const int status = rec.status = ex.head.status;
    std::uint64_t offset = have;
    if (status == 200) {
      file_.truncate(0);
      offset = 0;
      rec.offset = 0;
    } else if (status == 206) {
      // Appended wherever it claims to start: the bug this mode reproduces.
    } else if (status == 416) {
      rec.outcome = AttemptOutcome::complete;
      rec.detail = "416: taken as already complete";
      co_return;
    } else if (status == 429 || status >= 500) {
      rec.outcome = AttemptOutcome::retry_status;
      rec.detail = fmt::format("status {}", status);
      if (ex.head.retry_after) {
        retry_after = parse_retry_after(
            *ex.head.retry_after,
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
      }
      co_return;
    } else {
      rec.outcome = AttemptOutcome::fatal_status;
      rec.detail = fmt::format("unexpected status {}", status);
      co_return;
    }

    std::vector<std::byte> buffer(o_.buffer_size);
    for (;;) {
      auto [n, err] = co_await ex.connection->read_body(buffer);
      if (n > 0) {
        file_.write_at(offset, std::span<const std::byte>(buffer).first(n));
        offset += n;
        rec.bytes += n;
        result_.bytes_received += n;
        progress_.report(
            Progress{rec.number, offset, std::nullopt, result_.bytes_received, since(start_)},
            false);
        continue;
      }
      if (err) {
        rec.outcome = err->outcome;
        rec.detail = fmt::format("{} ({} body bytes received)", err->detail, rec.bytes);
      } else {
        rec.outcome = AttemptOutcome::complete;
        rec.detail = fmt::format("{} body bytes", rec.bytes);
      }
      break;
    }
    ex.connection->close();
  }

  Result finish(bool ok, int exit_code, std::string error) {
    result_.ok = ok;
    result_.exit_code = exit_code;
    result_.error = std::move(error);
    if (ok && file_.is_open()) result_.size = file_.size();
    result_.duration = since(start_);
    return std::move(result_);
  }

  Options o_;
  Clock::time_point start_;
  ExchangeContext ctx_;
  Backoff backoff_;
  ProgressReporter progress_;
  File file_;
  Result result_;
};

}  // namespace

asio::awaitable<Result> naive_download(Options options) {
  NaiveDownload d(co_await asio::this_coro::executor, std::move(options));
  co_return co_await d.run();
}

}  // namespace sisyphus::client::detail
