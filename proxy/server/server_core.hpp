#pragma once
// State shared by every connection of one Server: options, the current scenario and its
// fault engine, the request log, counters and the set of open connections (so stop() can
// abort them). Sessions hold it by shared_ptr; it outlives them.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "origin/digest_cache.hpp"
#include "engine/engine.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::proxy {

// A scenario with the engine built for it; replaced whole by set_scenario(), so a request
// that started under the old one finishes under it.
struct ScenarioState {
  ScenarioState(model::Scenario s, TimeScale scale) : engine(std::move(s), scale) {}
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
  void reset();                                    // counters, log, clock, attempt counters

  // Seconds since start or the last reset (the log's `t`).
  double seconds_since_start(Clock::time_point at) const;

  // A session is about to write the last byte of a response; until it record()s that
  // request (with finishing = true), log() and stats() wait for it (at most a second), so
  // that a client that has read a whole response finds it in the log.
  void finishing_started();
  // Adds to the log (in memory in order of request start; in the file in order of
  // completion) and counts the request, its bytes and its faults.
  void record(LogRecord record, const std::vector<std::string>& faults_applied,
              bool finishing = false);
  std::vector<LogRecord> log() const;
  Stats stats() const;
  std::map<std::string, std::uint64_t> faults_fired() const;

  DigestCache& digests() { return digests_; }
  // For work that would stall an io thread (hashing a whole representation).
  boost::asio::thread_pool& blocking_pool() { return blocking_pool_; }

  // Connection bookkeeping (Stats::connections_open counts origin connections only).
  std::uint64_t connection_opened(std::weak_ptr<Abortable> connection, bool counted);
  void connection_closed(std::uint64_t id, bool counted);
  void abort_all();
  std::uint64_t connections_open() const { return connections_open_.load(); }
  std::size_t tracked_connections() const;

 private:
  // Waits (with log_mutex_ held by `lock`) until no request is finishing, at most a second.
  void settle(std::unique_lock<std::mutex>& lock) const;
  ServerOptions options_;
  mutable std::mutex scenario_mutex_;
  std::shared_ptr<ScenarioState> state_;

  mutable std::mutex log_mutex_;
  mutable std::condition_variable log_settled_;
  std::uint64_t finishing_ = 0;  // requests between their last write and their record
  bool stopping_ = false;        // abort_all() was called: nothing is worth waiting for
  Clock::time_point start_;
  std::vector<LogRecord> log_;
  std::ofstream log_file_;
  std::uint64_t requests_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_written_ = 0;
  std::map<std::string, std::uint64_t> faults_;

  DigestCache digests_;
  boost::asio::thread_pool blocking_pool_{1};

  mutable std::mutex connections_mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Abortable>> connections_;
  std::uint64_t next_connection_ = 1;
  std::atomic<std::uint64_t> connections_open_{0};
  std::atomic<std::uint64_t> connections_total_{0};
};

}  // namespace sisyphus::proxy
