#pragma once
// State shared by every connection of one Server: options, the current scenario and its
// fault engine, the request log, counters and the set of open connections (so stop() can
// abort them). Sessions hold it by shared_ptr; it outlives them.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "origin/digest_cache.hpp"
#include "origin/synthetic_files.hpp"
#include "relay/recorder.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::proxy {

// A scenario with the engine built for it; replaced whole by set_scenario(), so a request
// that started under the old one finishes under it.
struct ScenarioState {
  ScenarioState(model::Scenario s, TimeScale scale,
                std::shared_ptr<FaultEngine::Counters> counters = nullptr)
      : engine(std::move(s), scale, std::move(counters)) {}
  FaultEngine engine;
  const model::Scenario& scenario() const { return engine.scenario(); }
};

// Implemented by every connection type; abort() may be called from any thread.
class Abortable {
 public:
  virtual ~Abortable() = default;
  virtual void abort() = 0;
};

class ServerCore {
 public:
  using Clock = std::chrono::steady_clock;

  ServerCore(ServerOptions options, model::Scenario scenario);

  const ServerOptions& options() const { return options_; }
  std::shared_ptr<ScenarioState> current() const;
  void set_scenario(model::Scenario scenario);  // + reset()
  void reset();                                 // counters, log, clock, attempt counters
  // POST /v1/faults, DELETE /v1/faults/{i}: `edit` changes a copy of the current scenario's
  // `faults:` rules, and the scenario so edited replaces it, keeping what set_scenario()
  // resets (the log, the counters, the attempt counts and the clock), so that the next GET is
  // the next attempt. Edits (and set_scenario) happen one at a time; when `edit` or building
  // the faults throws, nothing changes. Returns the rules now in effect.
  std::vector<model::FaultRule> edit_faults(
      const std::function<void(std::vector<model::FaultRule>&, const model::Scenario&)>& edit);

  // Seconds since start or the last reset (the log's `t`).
  double seconds_since_start(Clock::time_point at) const;

  // A session is about to write the last byte of a response; until it record()s that
  // request (with finishing = true), log() and stats() wait for it (at most a second), so
  // that a client that has read a whole response finds it in the log.
  void finishing_started();
  // Gives the record its seq, adds it to the log (in memory and in the file, in order of
  // seq: of completion) and counts the request, its bytes and its faults. Beyond
  // options().log_capacity records in memory, the oldest is evicted (and counted dropped).
  void record(LogRecord record, const std::vector<std::string>& faults_applied,
              bool finishing = false);
  // The records in memory, in order of request start.
  std::vector<LogRecord> log() const;
  // Waits (at most a second, as log() does) until no request is between its last byte and
  // its record: what a client has seen the end of has been recorded (and, by a relay, shown
  // to the recorder, which it is before its record).
  void wait_for_finishing() const;
  // The seqs the log holds now, [first, next), once finishing requests are recorded (as
  // log() waits): what GET /v1/log answers from, a page at a time.
  struct LogWindow {
    std::uint64_t first = 0;
    std::uint64_t next = 0;
  };
  LogWindow log_window() const;
  // Copies of at most `max` records with seqs in [from, to), in order of seq; those no
  // longer held are skipped (the first one returned tells from where).
  std::vector<LogRecord> log_page(std::uint64_t from, std::uint64_t to, std::size_t max) const;
  Stats stats() const;
  std::map<std::string, std::uint64_t> faults_fired() const;
  // `sisyphus proxy`: the recorder of relayed GETs (--record, POST /v1/record/start),
  // nullptr for `serve`.
  Recorder* recorder() const { return recorder_.get(); }
  // The recorder while a recording runs, else nullptr: where sessions report.
  Recorder* recording() const {
    return recorder_ && recorder_->recording() ? recorder_.get() : nullptr;
  }
  // A proxy session's relay buffer grew (or shrank, negative) by `bytes` (Stats).
  void relay_buffer_changed(std::int64_t bytes) { relay_buffer_bytes_ += bytes; }

  // server.max_active (docs/server.md, "Overload and outages"): a transfer holds one slot
  // from its admission until its response ends; the slot is given back when the Transfer is
  // destroyed. Slots are counted by one atomic, so admission is exact across io threads.
  class Transfer {
   public:
    Transfer() = default;
    explicit Transfer(ServerCore* core) : core_(core) {}
    Transfer(Transfer&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
    Transfer& operator=(Transfer&& other) noexcept;
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    ~Transfer();

   private:
    ServerCore* core_ = nullptr;
  };
  // A slot when fewer than `limit` transfers are active (always, without a limit); nullopt
  // when `limit` are: the request gets the over_capacity answer.
  std::optional<Transfer> admit(std::optional<std::uint32_t> limit);
  // server.outages, time-scaled, against the clock of log's `t` (since start or the last
  // reset): the window `at` falls in, or nullptr; and when the next one starts after `at`.
  const model::Outage* outage_at(const model::ServerOptions& server, const TimeScale& scale,
                                 Clock::time_point at) const;
  std::optional<Clock::time_point> next_outage(const model::ServerOptions& server,
                                               const TimeScale& scale, Clock::time_point at) const;

  DigestCache& digests() { return digests_; }
  // Synthetic content written once per version, for zero-copy bodies.
  SyntheticFiles& synthetic_files() { return synthetic_files_; }
  // For work that would stall an io thread (hashing a whole representation).
  boost::asio::thread_pool& blocking_pool() { return blocking_pool_; }

  // Connection bookkeeping (Stats::connections_open counts origin connections only).
  std::uint64_t connection_opened(std::weak_ptr<Abortable> connection, bool counted);
  void connection_closed(std::uint64_t id, bool counted);
  void abort_all();
  std::uint64_t connections_open() const { return connections_open_.load(); }
  std::size_t tracked_connections() const;

  // Hands the heap freed since to the kernel (glibc's malloc_trim(0)), on the blocking pool,
  // once at a time. By itself glibc returns only the free top of each arena, and whatever a
  // burst allocated that lives on (log records, a connection still open) pins everything
  // below it: 160 MiB stayed resident after 2,000 readers had gone. Called after a reset
  // and when a burst of connections ends (connection_closed()).
  void return_freed_memory();

 private:
  // Waits (with log_mutex_ held by `lock`) until no request is finishing, at most a second.
  void settle(std::unique_lock<std::mutex>& lock) const;
  ServerOptions options_;
  std::mutex edit_mutex_;  // one set_scenario() or edit_faults() at a time
  mutable std::mutex scenario_mutex_;
  std::shared_ptr<ScenarioState> state_;

  mutable std::mutex log_mutex_;
  mutable std::condition_variable log_settled_;
  std::uint64_t finishing_ = 0;  // requests between their last write and their record
  bool stopping_ = false;        // abort_all() was called: nothing is worth waiting for
  Clock::time_point start_;
  std::deque<LogRecord> log_;  // seqs [next_seq_ - log_.size(), next_seq_)
  std::uint64_t next_seq_ = 0;
  std::uint64_t dropped_ = 0;
  std::ofstream log_file_;
  std::uint64_t requests_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_written_ = 0;
  std::map<std::string, std::uint64_t> faults_;

  std::atomic<std::uint32_t> active_{0};       // transfers holding a slot (admit())
  std::atomic<std::uint32_t> peak_active_{0};  // the most at once since start or reset

  DigestCache digests_;
  SyntheticFiles synthetic_files_;
  std::atomic<bool> trim_pending_{false};  // before the pool: its work may still touch it
  boost::asio::thread_pool blocking_pool_{1};

  mutable std::mutex connections_mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Abortable>> connections_;
  // The most connections open at once since memory was last handed back.
  std::size_t connections_peak_ = 0;
  std::uint64_t next_connection_ = 1;
  std::atomic<std::uint64_t> connections_open_{0};
  std::atomic<std::uint64_t> connections_total_{0};
  std::atomic<std::int64_t> relay_buffer_bytes_{0};
  std::unique_ptr<Recorder> recorder_;
};

}  // namespace sisyphus::proxy
