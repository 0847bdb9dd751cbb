#include "server/server_core.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

namespace sisyphus::proxy {
namespace {
// Connections open at once that make a burst worth handing memory back after, once half
// of them have closed.
constexpr std::size_t kBurst = 64;

// One malloc arena for the whole process, set before the first server starts its threads.
// malloc_trim() hands back free memory inside every arena but the free top only of the
// main one, and a thread arena's top is where a burst's memory ends up once freed (a reset
// log of 30 MB stayed resident whole; with one arena it went back). The io threads'
// small allocations still come from their own caches (tcache).
void use_one_arena() {
  static const bool done = [] { return ::mallopt(M_ARENA_MAX, 1) == 1; }();
  (void)done;
}

}  // namespace

ServerCore::ServerCore(ServerOptions options, model::Scenario scenario)
    : options_(std::move(options)),
      state_(std::make_shared<ScenarioState>(std::move(scenario), options_.time_scale)),
      start_(Clock::now()) {
  if (options_.one_malloc_arena) use_one_arena();
  if (options_.upstream) {
    recorder_ = std::make_unique<Recorder>(*options_.upstream, options_.record_body,
                                           options_.record_body_limit);
    if (options_.record) recorder_->start(*options_.record);
  }
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
  std::lock_guard edit(edit_mutex_);
  // Built outside the lock: building faults may throw, and then nothing changes.
  auto next = std::make_shared<ScenarioState>(std::move(scenario), options_.time_scale);
  {
    std::lock_guard lock(scenario_mutex_);
    state_ = std::move(next);
  }
  reset();
}

std::vector<model::FaultRule> ServerCore::edit_faults(
    const std::function<void(std::vector<model::FaultRule>&, const model::Scenario&)>& edit) {
  std::lock_guard lock_edits(edit_mutex_);
  const std::shared_ptr<ScenarioState> before = current();
  model::Scenario scenario = before->scenario();
  edit(scenario.faults, before->scenario());
  // A request that took the state before the swap still counts into the same counters.
  auto next = std::make_shared<ScenarioState>(std::move(scenario), options_.time_scale,
                                              before->engine.counters());
  {
    std::lock_guard lock(scenario_mutex_);
    state_ = next;
  }
  return next->scenario().faults;
}

void ServerCore::reset() {
  current()->engine.reset();
  {
    std::deque<LogRecord> old;  // freed at the end of this block, outside the lock
    std::lock_guard lock(log_mutex_);
    start_ = Clock::now();
    old.swap(log_);
    next_seq_ = 0;
    dropped_ = 0;
    finishing_ = 0;
    requests_ = 0;
    bytes_sent_ = 0;
    bytes_written_ = 0;
    faults_.clear();
  }
  peak_active_ = active_.load();
  // Connections accepted since the reset (connections_open, a gauge, stays what it is).
  connections_total_ = 0;
  return_freed_memory();  // a full log is about 30 MB
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
  {
    std::lock_guard lock(log_mutex_);
    if (finishing && finishing_ > 0) --finishing_;
    ++requests_;
    bytes_sent_ += record.bytes_sent;
    bytes_written_ += record.bytes_written;
    for (const auto& f : faults_applied) ++faults_[f];
    // The seq is given here, with the lock held, so that the file's lines and the memory's
    // records are in the same order and a reader paging by seq misses none: a request that
    // started early but ended late (a stall, a slow download) comes after the ones that
    // ended before it.
    record.seq = next_seq_++;
    if (log_file_.is_open()) {
      log_file_ << to_json_line(record) << '\n';
      log_file_.flush();
    }
    if (options_.log_capacity == 0) {
      ++dropped_;
    } else {
      if (log_.size() == options_.log_capacity) {
        log_.pop_front();
        ++dropped_;
      }
      log_.push_back(std::move(record));
    }
  }
  log_settled_.notify_all();
}

void ServerCore::wait_for_finishing() const {
  std::unique_lock lock(log_mutex_);
  settle(lock);
}

std::vector<LogRecord> ServerCore::log() const {
  std::vector<LogRecord> copy;
  {
    std::unique_lock lock(log_mutex_);
    settle(lock);
    copy.assign(log_.begin(), log_.end());
  }
  // Listed in order of request start, as they were before records had seqs.
  std::stable_sort(copy.begin(), copy.end(),
                   [](const LogRecord& a, const LogRecord& b) { return a.t < b.t; });
  return copy;
}

ServerCore::LogWindow ServerCore::log_window() const {
  std::unique_lock lock(log_mutex_);
  settle(lock);
  return {.first = next_seq_ - log_.size(), .next = next_seq_};
}

std::vector<LogRecord> ServerCore::log_page(std::uint64_t from, std::uint64_t to,
                                            std::size_t max) const {
  std::vector<LogRecord> page;
  std::lock_guard lock(log_mutex_);
  const std::uint64_t first = next_seq_ - log_.size();
  from = std::max(from, first);
  to = std::min(to, next_seq_);
  if (from >= to) return page;
  const auto begin = log_.begin() + static_cast<std::ptrdiff_t>(from - first);
  const auto n = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(to - from, max));
  page.assign(begin, begin + n);
  return page;
}

Stats ServerCore::stats() const {
  Stats s;
  {
    std::unique_lock lock(log_mutex_);
    settle(lock);
    s.requests = requests_;
    s.bytes_sent = bytes_sent_;
    s.dropped = dropped_;
    s.bytes_written = bytes_written_;
    if (auto it = faults_.find(std::string(kOverCapacityFault)); it != faults_.end())
      s.over_capacity = it->second;
  }
  s.active = active_.load();
  s.peak_active = peak_active_.load();
  s.connections_open = connections_open_.load();
  s.connections_total = connections_total_.load();
  s.relay_buffer_bytes =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, relay_buffer_bytes_.load()));
  return s;
}

ServerCore::Transfer& ServerCore::Transfer::operator=(Transfer&& other) noexcept {
  if (this != &other) {
    if (core_ != nullptr) --core_->active_;
    core_ = std::exchange(other.core_, nullptr);
  }
  return *this;
}

ServerCore::Transfer::~Transfer() {
  if (core_ != nullptr) --core_->active_;
}

std::optional<ServerCore::Transfer> ServerCore::admit(std::optional<std::uint32_t> limit) {
  std::uint32_t active = active_.load();
  // Taken only while below the limit: of requests racing for the last slot one wins, and
  // active_ never exceeds the limit, not even for a moment.
  do {
    if (limit && active >= *limit) return std::nullopt;
  } while (!active_.compare_exchange_weak(active, active + 1));
  std::uint32_t peak = peak_active_.load();
  while (active + 1 > peak && !peak_active_.compare_exchange_weak(peak, active + 1)) {
  }
  return Transfer(this);
}

const model::Outage* ServerCore::outage_at(const model::ServerOptions& server,
                                           const TimeScale& scale, Clock::time_point at) const {
  if (server.outages.empty()) return nullptr;
  Clock::time_point start;
  {
    std::lock_guard lock(log_mutex_);
    start = start_;
  }
  const auto elapsed = at - start;
  for (const auto& outage : server.outages) {
    const auto from = scale(outage.at);
    if (elapsed >= from && elapsed < from + scale(outage.length)) return &outage;
  }
  return nullptr;
}

std::optional<ServerCore::Clock::time_point> ServerCore::next_outage(
    const model::ServerOptions& server, const TimeScale& scale, Clock::time_point at) const {
  if (server.outages.empty()) return std::nullopt;
  Clock::time_point start;
  {
    std::lock_guard lock(log_mutex_);
    start = start_;
  }
  for (const auto& outage : server.outages) {  // in order of `at`
    const auto from = start + scale(outage.at);
    if (from > at) return from;
  }
  return std::nullopt;
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
  connections_peak_ = std::max(connections_peak_, connections_.size());
  return id;
}

void ServerCore::connection_closed(std::uint64_t id, bool counted) {
  if (counted) --connections_open_;
  bool burst_ended = false;
  {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(id);
    if (connections_peak_ >= kBurst && connections_.size() * 2 <= connections_peak_) {
      burst_ended = true;
      connections_peak_ = connections_.size();
    }
  }
  if (burst_ended) return_freed_memory();
}

void ServerCore::return_freed_memory() {
  if (trim_pending_.exchange(true)) return;
  boost::asio::post(blocking_pool_, [this] {
    ::malloc_trim(0);
    trim_pending_ = false;
  });
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
