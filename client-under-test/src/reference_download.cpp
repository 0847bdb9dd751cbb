// The reference resumable download: it never leaves a wrong file at FILE and never throws
// away a byte it could have kept.
//
//  - data goes to FILE.part, the state (validators, size, bytes known good) to
//    FILE.part.json; the data is fdatasync'ed before the state that counts it, so a rerun
//    after kill -9 resumes from what is safe;
//  - every attempt after the first asks for the rest with Range + If-Range (strong
//    validator) or, without one, only when the result can be verified;
//  - every answer is checked (resume_policy.cpp) before a byte of it is kept, and a body
//    that arrives whole is checked against its Content-Digest before the next decision
//    counts it (a bad part is cut off again; docs/client.md "Content-Digest");
//  - SHA-256 is computed while the bytes arrive (a resumed prefix is hashed once), and the
//    final file appears by an atomic rename only after verification.
//
// Streaming (Options::on_body, for herds) makes the same decisions with no file: the part
// and state operations below do nothing, and each kept chunk goes to on_body.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <system_error>

#include "body_sink.hpp"
#include "download_common.hpp"
#include "downloads.hpp"
#include "exchange.hpp"
#include "file.hpp"
#include "resume_policy.hpp"
#include "sisyphus/client/http_fields.hpp"
#include "sisyphus/client/state.hpp"
#include "sisyphus/core/sha256.hpp"
#include "worker_pool.hpp"

namespace sisyphus::client::detail {
namespace {

using asio::use_awaitable;

class ReferenceDownload {
 public:
  ReferenceDownload(asio::any_io_executor ex, Options options)
      : o_(std::move(options)),
        start_(Clock::now()),
        ctx_(ex, o_, make_timeouts(o_, start_)),
        backoff_(o_.backoff),
        progress_(o_),
        streaming_(static_cast<bool>(o_.on_body)),
        part_path_(streaming_ ? std::filesystem::path() : part_path(o_.output)),
        state_path_(streaming_ ? std::filesystem::path() : state_path(o_.output)) {
    result_.output = o_.output;
    if (o_.sha256) {
      Sha256::Digest d;
      parse_sha256_hex(*o_.sha256, d);  // validated by the caller
      expected_ = d;
    }
  }

  asio::awaitable<Result> run() {
    try {
      std::string why;
      auto target = parse_target(o_.url, why);
      if (!target) co_return finish_failed(kExitUsage, why);
      target_ = std::move(*target);
      co_await prepare();
    } catch (const std::exception& e) {
      co_return finish_failed(kExitGaveUp, e.what());
    }

    std::optional<Duration> wait;  // before the next attempt, unscaled
    std::string last_failure;
    bool verify_restarted = false;
    for (std::uint32_t n = 1; n <= o_.max_attempts; ++n) {
      AttemptRecord rec;
      rec.number = n;
      if (wait) {
        const Duration scaled = o_.time_scale(*wait);
        if (ctx_.timeouts().deadline != Clock::time_point::max() &&
            Clock::now() + scaled >= ctx_.timeouts().deadline) {
          co_return finish_failed(
              kExitGaveUp, fmt::format("overall timeout: no time left for attempt {} after: {}", n,
                                       last_failure));
        }
        co_await sleep_for(scaled);
        rec.waited = scaled;
      }
      rec.start = since(start_);
      result_.attempts = n;
      retry_after_.reset();

      try {
        co_await attempt(rec);
        co_await persist();  // whatever arrived is safe before the next decision
      } catch (const std::system_error& e) {
        rec.outcome = AttemptOutcome::local_error;
        rec.detail = e.what();
      }
      rec.duration = since(start_) - rec.start;
      result_.attempt_log.push_back(rec);
      if (o_.on_attempt) o_.on_attempt(rec);

      if (rec.outcome == AttemptOutcome::complete) {
        Verdict verdict = Verdict::failed;
        std::string io_error;
        try {
          verdict = co_await verify_and_commit(n, verify_restarted);
        } catch (const std::system_error& e) {
          io_error = e.what();  // the rename or a sync failed: the part stays for a rerun
        }
        if (!io_error.empty()) co_return finish_failed(kExitGaveUp, io_error);
        if (verdict == Verdict::done) co_return finish();
        if (verdict == Verdict::failed) co_return finish_failed(kExitVerification, last_failure_);
        verify_restarted = true;
        last_failure = result_.restarts.back().reason;
        wait = Duration{0};
        continue;
      }
      last_failure = fmt::format("attempt {}: {}", n, rec.detail);
      if (rec.outcome == AttemptOutcome::fatal_status ||
          rec.outcome == AttemptOutcome::local_error) {
        co_return finish_failed(kExitGaveUp, last_failure);
      }
      if (Clock::now() >= ctx_.timeouts().deadline) {
        co_return finish_failed(kExitGaveUp, last_failure);
      }
      wait = wait_before_next(rec, retry_after_, backoff_);
    }
    co_return finish_failed(kExitGaveUp, fmt::format("gave up after {} attempts; last: {}",
                                                     o_.max_attempts, last_failure));
  }

 private:
  enum class Verdict { done, restart, failed };

  // Opens FILE.part and decides how much of it a previous run left that can be trusted.
  asio::awaitable<void> prepare() {
    last_persist_ = Clock::now();
    state_.url = o_.url;
    if (streaming_) co_return;  // nothing left by an earlier run
    part_ = File(part_path_, /*lock=*/true);
    const std::uint64_t on_disk = part_.size();
    std::optional<PartState> saved;
    std::string distrust;
    try {
      saved = load_part_state(state_path_);
    } catch (const ParseError& e) {
      distrust = fmt::format("unusable state file: {}", e.what());
    }
    if (saved && saved->url != o_.url) {
      distrust = fmt::format("the state file is for another URL ({})", saved->url);
      saved.reset();
    } else if (saved && on_disk < saved->bytes) {
      distrust = fmt::format("{} holds {} bytes, fewer than the {} its state counts",
                             part_path_.filename().string(), on_disk, saved->bytes);
      saved.reset();
    } else if (!saved && distrust.empty() && on_disk > 0) {
      distrust = fmt::format("{} has no state file", part_path_.filename().string());
    }
    state_ = PartState{};
    state_.url = o_.url;
    if (saved) {
      state_ = *saved;
      held_ = saved->bytes;
      result_.bytes_resumed = held_;
      if (on_disk > held_) part_.truncate(held_);  // bytes past the count may be torn
      co_await on_pool([this] { part_.hash_prefix(held_, sha_); });
    } else {
      if (on_disk > 0 || !distrust.empty()) {
        result_.restarts.push_back(Restart{0, distrust, on_disk});
        result_.bytes_discarded += on_disk;
      }
      co_await save_state();
      part_.truncate(0);
    }
  }

  asio::awaitable<void> attempt(AttemptRecord& rec) {
    auto plan = plan_request(o_.resume, state_, expected_.has_value());
    if (plan.restart_reason) {
      co_await discard(rec.number, *plan.restart_reason);
      plan = RequestPlan{};
    }
    rec.range = plan.range;
    rec.if_range = plan.if_range;
    rec.offset = plan.offset;
    report_progress(rec.number, true);

    std::vector<Header> headers = request_headers(o_, plan.range, plan.if_range);
    // RFC 9530 §4: a server that sends digest fields only when asked is asked for both, in
    // the one algorithm this client checks (Content-Digest vouches for each part before it
    // is appended, Repr-Digest for the whole file).
    headers.push_back({"Want-Repr-Digest", "sha-256=10"});
    headers.push_back({"Want-Content-Digest", "sha-256=10"});
    auto ex = co_await open_exchange(ctx_, target_, headers);
    rec.redirects = ex.redirects;
    if (ex.error) {
      rec.outcome = ex.error->outcome;
      rec.detail = ex.error->detail;
      co_return;
    }
    rec.status = ex.head.status;
    auto j =
        judge_response(ex.head, plan, state_,
                       std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    switch (j.action) {
      case Action::redirect:  // open_exchange follows redirects; a leftover one has no target
      case Action::fatal:
        rec.outcome = AttemptOutcome::fatal_status;
        rec.detail = j.reason;
        co_return;
      case Action::retry:
        rec.outcome = AttemptOutcome::retry_status;
        rec.detail = j.reason;
        retry_after_ = j.retry_after;
        co_return;
      case Action::reject:
        co_await discard(rec.number, j.reason);
        rec.outcome = AttemptOutcome::rejected;
        rec.detail = j.reason;
        co_return;
      case Action::complete:
        if (!state_.size) state_.size = j.total;
        rec.outcome = AttemptOutcome::complete;
        rec.detail = fmt::format("416: all {} bytes were already held", held_);
        co_return;
      case Action::stream_from_zero:
        if (held_ > 0) {
          result_.restarts.push_back(Restart{rec.number, j.reason, held_});
          result_.bytes_discarded += held_;
        }
        // The new validators, with a count of zero, go to disk before the old bytes go.
        state_ = state_from_full_response(ex.head, o_.url);
        co_await save_state();
        empty_part();
        held_ = 0;
        sha_.reset();
        rec.offset = 0;
        break;
      case Action::append:
        learn_from_partial_response(ex.head, *j.total, state_);
        break;
    }
    if (streaming_) {
      co_await stream_body_to_callback(*ex.connection, rec);
    } else {
      // RFC 9530 Content-Digest: the digest of this body alone. Checked only when the body
      // arrived whole (a cut part's digest covers bytes that never came); a malformed field
      // is ignored, as a malformed Repr-Digest is.
      const std::uint64_t part_start = held_;
      std::optional<Sha256::Digest> part_digest;
      if (ex.head.content_digest) part_digest = parse_repr_digest_sha256(*ex.head.content_digest);
      Sha256 part_sha;
      co_await stream_body(*ex.connection, rec, part_digest ? &part_sha : nullptr);
      if (part_digest && rec.outcome == AttemptOutcome::complete) {
        const Sha256::Digest got = part_sha.finish();
        if (got != *part_digest) co_await drop_part(rec, part_start, got, *part_digest);
      }
    }
    ex.connection->close();
  }

  // A body that arrived whole but does not match its Content-Digest: its bytes go (the
  // state first, then the part), those before it stay, and the attempt counts as failed,
  // so the next one resumes from `part_start` after the usual backoff.
  asio::awaitable<void> drop_part(AttemptRecord& rec, std::uint64_t part_start,
                                  const Sha256::Digest& got, const Sha256::Digest& claimed) {
    const std::uint64_t dropped = held_ - part_start;
    rec.outcome = AttemptOutcome::bad_part;
    rec.detail =
        fmt::format("Content-Digest of bytes {}-{} is {}, they hash to {}: the part is discarded",
                    part_start, held_ - 1, to_hex(claimed), to_hex(got));
    result_.restarts.push_back(Restart{rec.number, rec.detail, dropped});
    result_.bytes_discarded += dropped;
    held_ = part_start;
    if (state_.bytes > held_) state_.bytes = held_;  // a persist during the body counted them
    co_await save_state();
    if (!streaming_) part_.truncate(held_);
    sha_.reset();
    if (held_ > 0) co_await on_pool([this] { part_.hash_prefix(held_, sha_); });
    report_progress(rec.number, true);
  }

  // Bytes still to come in this response, when the size is known.
  std::optional<std::uint64_t> bytes_left() const {
    if (state_.size && *state_.size > held_) return *state_.size - held_;
    return std::nullopt;
  }

  // Buffers no larger than what is left to come, released when the attempt ends: a herd
  // of small downloads waiting in backoff holds no buffer memory.
  std::size_t buffer_size() const {
    const auto left = bytes_left();
    if (left && *left < o_.buffer_size)
      return std::max<std::size_t>(static_cast<std::size_t>(*left), 16384);
    return o_.buffer_size;
  }

  // Receives chunk after chunk while the pool writes and hashes the ones before (BodySink).
  // `part_sha`, when given, also gets this body's bytes alone.
  asio::awaitable<void> stream_body(Connection& conn, AttemptRecord& rec, Sha256* part_sha) {
    const auto left = bytes_left();
    const bool direct = left && *left >= o_.direct_io_min;
    BodySink sink(co_await asio::this_coro::executor, part_, sha_, held_, buffer_size(), direct,
                  part_sha);
    std::optional<NetError> err;
    std::exception_ptr failure;
    try {
      sink.start();
      for (;;) {
        auto buf = co_await sink.next_buffer();
        std::size_t n = 0;
        std::tie(n, err) = co_await conn.read_body(buf);
        if (n == 0) break;
        sink.commit(n);
        held_ = sink.offset();
        rec.bytes += n;
        result_.bytes_received += n;
        report_progress(rec.number, false);
        if (Clock::now() - last_persist_ >= o_.persist_interval) {
          co_await sink.flush();
          co_await persist();
        }
      }
      co_await sink.flush();
    } catch (...) {
      failure = std::current_exception();  // (no co_await inside a handler)
    }
    co_await sink.drain();  // no job may outlive the sink, its buffers or sha_
    if (failure) std::rethrow_exception(failure);
    end_body(rec, err);
  }

  // Streaming: one buffer, the digest and on_body on this thread (no file to overlap with).
  asio::awaitable<void> stream_body_to_callback(Connection& conn, AttemptRecord& rec) {
    std::vector<std::byte> buf(buffer_size());
    std::optional<NetError> err;
    for (;;) {
      std::size_t n = 0;
      std::tie(n, err) = co_await conn.read_body(buf);
      if (n == 0) break;
      const std::span<const std::byte> chunk(buf.data(), n);
      sha_.update(chunk);
      o_.on_body(held_, chunk);
      held_ += n;
      rec.bytes += n;
      result_.bytes_received += n;
      report_progress(rec.number, false);
    }
    end_body(rec, err);
  }

  // How the attempt's body ended: a network error, short of the size, or complete.
  void end_body(AttemptRecord& rec, const std::optional<NetError>& err) {
    if (err) {
      rec.outcome = err->outcome;
      rec.detail = fmt::format("{} ({} body bytes received)", err->detail, rec.bytes);
    } else if (state_.size && held_ < *state_.size) {
      rec.outcome = AttemptOutcome::interrupted;
      rec.detail = fmt::format("the response ended at byte {} of {}", held_, *state_.size);
    } else {
      if (!state_.size) state_.size = held_;  // chunked or close-delimited: the end tells
      rec.outcome = AttemptOutcome::complete;
      rec.detail = fmt::format("{} body bytes", rec.bytes);
    }
    report_progress(rec.number, true);
  }

  asio::awaitable<Verdict> verify_and_commit(std::uint32_t attempt, bool verify_restarted) {
    const Sha256::Digest digest = sha_.finish();
    std::optional<Sha256::Digest> expected = expected_;
    std::string by = "sha256";
    if (!expected && state_.repr_digest) {
      Sha256::Digest d;
      if (parse_sha256_base64(*state_.repr_digest, d)) {
        expected = d;
        by = "repr-digest";
      }
    }
    if (expected && *expected != digest) {
      const auto reason =
          fmt::format("SHA-256 of the download is {}, expected {} ({})", to_hex(digest),
                      to_hex(*expected), by == "sha256" ? "--sha256" : "Repr-Digest");
      if (!verify_restarted && attempt < o_.max_attempts) {
        co_await discard(attempt, reason);
        co_return Verdict::restart;
      }
      // A wrong file never sits anywhere a later run could mistake for good data.
      result_.bytes_discarded += held_;
      if (!streaming_) {
        part_.close();
        remove_if_exists(part_path_);
        remove_if_exists(state_path_);
      }
      last_failure_ = reason;
      co_return Verdict::failed;
    }
    if (!streaming_)
      co_await on_pool([this] {
        if (o_.fsync) part_.datasync();
        part_.close();
        atomic_rename(part_path_, o_.output, o_.fsync);
        remove_if_exists(state_path_);
      });
    result_.sha256 = to_hex(digest);
    result_.verified_by = expected ? by : "";
    co_return Verdict::done;
  }

  // Throws away every held byte: the state says zero first, then the part is emptied.
  asio::awaitable<void> discard(std::uint32_t attempt, const std::string& reason) {
    result_.restarts.push_back(Restart{attempt, reason, held_});
    result_.bytes_discarded += held_;
    state_ = PartState{};
    state_.url = o_.url;
    co_await save_state();
    empty_part();
    held_ = 0;
    sha_.reset();
  }

  void empty_part() {
    if (!streaming_) part_.truncate(0);
  }

  // Makes the bytes written so far durable, then lets the state count them.
  asio::awaitable<void> persist() {
    last_persist_ = Clock::now();
    if (held_ == state_.bytes) co_return;
    if (streaming_) {
      state_.bytes = held_;
      co_return;
    }
    PartState snapshot = state_;
    snapshot.bytes = held_;
    co_await on_pool([&] {
      if (o_.fsync) part_.datasync();
      save_part_state(state_path_, snapshot, o_.fsync);
    });
    state_.bytes = held_;
  }

  // The state as it is (its count never exceeds what is durable).
  asio::awaitable<void> save_state() {
    if (streaming_) co_return;
    PartState snapshot = state_;
    co_await on_pool([&] { save_part_state(state_path_, snapshot, o_.fsync); });
  }

  void report_progress(std::uint32_t attempt, bool force) {
    progress_.report(Progress{attempt, held_, state_.size, result_.bytes_received, since(start_)},
                     force);
  }

  Result finish() {
    result_.ok = true;
    result_.exit_code = kExitOk;
    result_.size = state_.size;
    result_.duration = since(start_);
    return std::move(result_);
  }

  Result finish_failed(int exit_code, std::string error) {
    forget_empty_part();
    result_.ok = false;
    result_.exit_code = exit_code;
    result_.error = std::move(error);
    result_.size = state_.size;
    result_.duration = since(start_);
    return std::move(result_);
  }

  // A download that gives up holding no byte (a 404 at once, a refused connection) leaves
  // nothing behind: an empty FILE.part and a state file counting 0 bytes help no rerun and
  // look like a download in progress. With bytes held both stay, for a rerun to resume (a
  // 403 may be fixed by then). Only while this run holds the part's lock: a part another
  // process is writing is not ours to remove.
  void forget_empty_part() noexcept {
    if (streaming_ || !part_.is_open() || held_ > 0) return;
    try {
      remove_if_exists(state_path_);
      remove_if_exists(part_path_);
      part_.close();
    } catch (const std::system_error&) {
      // The failure being reported says more than a leftover file would.
    }
  }

  Options o_;
  Clock::time_point start_;
  ExchangeContext ctx_;
  Backoff backoff_;
  ProgressReporter progress_;
  bool streaming_;  // Options::on_body: no files
  std::filesystem::path part_path_, state_path_;
  Target target_;
  File part_;
  PartState state_;         // state_.bytes: what the state file counts (durable)
  std::uint64_t held_ = 0;  // bytes written to the part (>= state_.bytes)
  Sha256 sha_;              // of part bytes [0, held_)
  std::optional<Sha256::Digest> expected_;
  std::optional<Duration> retry_after_;
  Clock::time_point last_persist_;
  std::string last_failure_;
  Result result_;
};

}  // namespace

asio::awaitable<Result> reference_download(Options options) {
  ReferenceDownload d(co_await asio::this_coro::executor, std::move(options));
  co_return co_await d.run();
}

}  // namespace sisyphus::client::detail
