#include "server/server_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sisyphus::proxy {

ServerCore::ServerCore(ServerOptions options, model::Scenario scenario)
    : options_(std::move(options)),
      state_(std::make_shared<ScenarioState>(std::move(scenario), options_.time_scale)),
      start_(Clock::now()) {
  if (options_.log_file) {
    log_file_.open(*options_.log_file, std::ios::out | std::ios::app);
    if (!log_file_) {
      throw std::runtime_error(
          fmt::format("cannot open the request log '{}'", options_.log_file->string()));
    }
  }
}

std::shared_ptr<ScenarioState> ServerCore::current() const {
  std::lock_guard lock(scenario_mutex_);
  return state_;
}

void ServerCore::set_scenario(model::Scenario scenario) {
  // Built outside the lock: building faults may throw, and then nothing changes.
  auto next = std::make_shared<ScenarioState>(std::move(scenario), options_.time_scale);
  {
    std::lock_guard lock(scenario_mutex_);
    state_ = std::move(next);
  }
  reset();
}

void ServerCore::reset() {
  current()->engine.reset();
  std::lock_guard lock(log_mutex_);
  start_ = Clock::now();
  log_.clear();
  finishing_ = 0;
  requests_ = 0;
  bytes_sent_ = 0;
  bytes_written_ = 0;
  faults_.clear();
}

double ServerCore::seconds_since_start(Clock::time_point at) const {
  std::lock_guard lock(log_mutex_);
  return std::chrono::duration<double>(at - start_).count();
}

void ServerCore::finishing_started() {
  std::lock_guard lock(log_mutex_);
  ++finishing_;
}

void ServerCore::settle(std::unique_lock<std::mutex>& lock) const {
  log_settled_.wait_for(lock, std::chrono::seconds(1),
                        [this] { return finishing_ == 0 || stopping_; });
}

void ServerCore::record(LogRecord record, const std::vector<std::string>& faults_applied,
                        bool finishing) {
  std::string line = to_json_line(record);
  {
    std::lock_guard lock(log_mutex_);
    if (finishing && finishing_ > 0) --finishing_;
    ++requests_;
    bytes_sent_ += record.bytes_sent;
    bytes_written_ += record.bytes_written;
    for (const auto& f : faults_applied) ++faults_[f];
    // Kept in order of request start: a response that ends late (a stall, a slow
    // download) is still listed before the requests that came after it.
    auto at = std::upper_bound(log_.begin(), log_.end(), record.t,
                               [](double t, const LogRecord& r) { return t < r.t; });
    log_.insert(at, std::move(record));
    if (log_file_.is_open()) {
      log_file_ << line << '\n';
      log_file_.flush();
    }
  }
  log_settled_.notify_all();
}

std::vector<LogRecord> ServerCore::log() const {
  std::unique_lock lock(log_mutex_);
  settle(lock);
  return log_;
}

Stats ServerCore::stats() const {
  Stats s;
  {
    std::unique_lock lock(log_mutex_);
    settle(lock);
    s.requests = requests_;
    s.bytes_sent = bytes_sent_;
    s.bytes_written = bytes_written_;
  }
  s.connections_open = connections_open_.load();
  s.connections_total = connections_total_.load();
  return s;
}

std::map<std::string, std::uint64_t> ServerCore::faults_fired() const {
  std::lock_guard lock(log_mutex_);
  return faults_;
}

std::uint64_t ServerCore::connection_opened(std::weak_ptr<Abortable> connection, bool counted) {
  if (counted) {
    ++connections_open_;
    ++connections_total_;
  }
  std::lock_guard lock(connections_mutex_);
  const std::uint64_t id = next_connection_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ServerCore::connection_closed(std::uint64_t id, bool counted) {
  if (counted) --connections_open_;
  std::lock_guard lock(connections_mutex_);
  connections_.erase(id);
}

void ServerCore::abort_all() {
  {
    // Sessions cut short now may never record what they were finishing.
    std::lock_guard lock(log_mutex_);
    stopping_ = true;
  }
  log_settled_.notify_all();
  std::vector<std::shared_ptr<Abortable>> live;
  {
    std::lock_guard lock(connections_mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) c->abort();
}

std::size_t ServerCore::tracked_connections() const {
  std::lock_guard lock(connections_mutex_);
  return connections_.size();
}

}  // namespace sisyphus::proxy
