#include "sisyphus/testing/client_herd.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "sisyphus/core/content.hpp"
#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/raw_http_client.hpp"

namespace sisyphus::testing {
namespace {

// Every counter of HerdCounts with its JSON name: merging and to_json() go through this list.
constexpr std::pair<const char*, std::uint64_t HerdCounts::*> kCounters[] = {
    {"sent", &HerdCounts::sent},
    {"send_failed", &HerdCounts::send_failed},
    {"connect_failed", &HerdCounts::connect_failed},
    {"responses", &HerdCounts::responses},
    {"no_head", &HerdCounts::no_head},
    {"abandoned", &HerdCounts::abandoned},
    {"complete", &HerdCounts::complete},
    {"fin", &HerdCounts::fin},
    {"rst", &HerdCounts::rst},
    {"timeout", &HerdCounts::timeout},
    {"corrupt_bodies", &HerdCounts::corrupt_bodies},
    {"wrong_answers", &HerdCounts::wrong_answers},
    {"errors", &HerdCounts::errors},
};

void add(HerdCounts& into, const HerdCounts& from) {
  for (const auto& [name, field] : kCounters) into.*field += from.*field;
  for (const auto& [status, n] : from.statuses) into.statuses[status] += n;
}

// Never matches the resource's validators: a Range with it must be answered with a 200.
constexpr std::string_view kStaleEtag = "\"0-0\"";
constexpr std::string_view kStaleDate = "Sun, 06 Nov 1994 08:49:37 GMT";

// What one drawn request asks for, and so which answers are right.
struct Planned {
  enum class Ask {
    whole,          // no Range, or a Range the server must ignore: 200 with everything
    one_range,      // 206 of [first, last], or 200 when If-Range is stale
    ranges,         // two disjoint ranges: 206 multipart/byteranges, or 200 when stale
    unsatisfiable,  // 416
  };
  std::string text;
  Ask ask = Ask::whole;
  std::uint64_t first = 0, last = 0;
  bool head = false;
  bool stale = false;    // sent with an If-Range that does not match
  bool close = false;    // sent with Connection: close
  bool abandon = false;  // hang up after the first bytes of the response
};

// A status fault's answer (`status: {code: 503}` and the like): taken as it comes.
bool is_status_fault(int status) {
  return status == 429 || (status >= 500 && status <= 599);
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> content_range(const HttpResponse& r) {
  auto v = r.header("Content-Range");
  if (!v || !v->starts_with("bytes ")) return std::nullopt;
  std::string_view s = std::string_view(*v).substr(6);
  std::uint64_t first = 0, last = 0;
  auto dash = s.find('-');
  auto slash = s.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  if (std::from_chars(s.data(), s.data() + dash, first).ec != std::errc{} ||
      std::from_chars(s.data() + dash + 1, s.data() + slash, last).ec != std::errc{}) {
    return std::nullopt;
  }
  return std::pair{first, last};
}

class HerdClient {
 public:
  HerdClient(const HerdOptions& options, unsigned index)
      : options_(options),
        rng_(derive_seed(options.seed, "herd-client:" + std::to_string(index))) {}

  // Issues requests while `budget` lasts and the deadline has not passed.
  void run(std::atomic<std::int64_t>& budget, Clock::time_point deadline) {
    std::optional<RawClient> connection;
    while (budget.fetch_sub(1, std::memory_order_relaxed) > 0 && Clock::now() < deadline) {
      Planned plan = draw();
      if (!connection) {
        try {
          connection = RawClient::connect(options_.host, options_.port);
        } catch (const std::exception&) {
          count(&HerdCounts::connect_failed);
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
      }
      if (!exchange(*connection, plan)) connection.reset();
    }
  }

  HerdCounts counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  Planned draw() {
    Planned p;
    const std::uint64_t size = options_.size;
    Headers headers;
    p.head = rng_.chance(0.05);
    if (!p.head && size > 0) {
      const std::uint64_t kind = rng_.below(100);
      if (kind < 35) {
        p.ask = Planned::Ask::whole;
      } else if (kind < 65) {
        p.ask = Planned::Ask::one_range;
        p.first = rng_.below(size);
        p.last = size - 1;
        headers.emplace_back("Range", "bytes=" + std::to_string(p.first) + "-");
      } else if (kind < 82) {
        p.ask = Planned::Ask::one_range;
        p.first = rng_.below(size);
        const std::uint64_t asked_last = p.first + rng_.below(size);  // may run past the end
        p.last = std::min(asked_last, size - 1);
        headers.emplace_back("Range",
                             "bytes=" + std::to_string(p.first) + "-" + std::to_string(asked_last));
      } else if (kind < 88) {
        p.ask = Planned::Ask::one_range;
        const std::uint64_t suffix = rng_.between(1, size);
        p.first = size - suffix;
        p.last = size - 1;
        headers.emplace_back("Range", "bytes=-" + std::to_string(suffix));
      } else if (kind < 93 && size >= 8) {
        // Two ranges with a gap between them, so the server cannot coalesce them into one.
        p.ask = Planned::Ask::ranges;
        const std::uint64_t half = size / 2;
        const std::uint64_t a = rng_.below(half - 2);
        const std::uint64_t b = rng_.between(a, half - 2);
        const std::uint64_t c = rng_.between(half, size - 1);
        headers.emplace_back("Range", "bytes=" + std::to_string(a) + "-" + std::to_string(b) + "," +
                                          std::to_string(c) + "-");
      } else if (kind < 96) {
        p.ask = Planned::Ask::unsatisfiable;
        headers.emplace_back("Range", "bytes=" + std::to_string(size) + "-");
      } else {
        p.ask = Planned::Ask::whole;  // not a valid Range: ignored
        headers.emplace_back("Range", "bytes=" + std::to_string(size) + "-x");
      }
      const bool ranged = p.ask == Planned::Ask::one_range || p.ask == Planned::Ask::ranges;
      if (ranged && rng_.chance(0.5)) {
        p.stale = rng_.chance(0.3) || (!etag_ && !last_modified_);
        const bool by_date = rng_.chance(0.5);
        std::string value;
        if (p.stale) {
          value = by_date ? kStaleDate : kStaleEtag;
        } else {
          value = (by_date && last_modified_) || !etag_ ? *last_modified_ : *etag_;
        }
        headers.emplace_back("If-Range", value);
      }
    }
    p.close = rng_.chance(0.1);
    if (p.close) headers.emplace_back("Connection", "close");
    p.abandon = !p.head && rng_.chance(0.03);
    p.text = request(p.head ? "HEAD" : "GET", options_.path, headers);
    return p;
  }

  // One request and its response on `c`; false when the connection cannot be used again.
  bool exchange(RawClient& c, const Planned& plan) {
    try {
      if (!c.try_send(plan.text)) {
        count(&HerdCounts::send_failed);
        return false;
      }
      count(&HerdCounts::sent);
      if (plan.abandon) {
        c.read_some(options_.read_timeout, 1 + rng_.below(4096));
        count(&HerdCounts::abandoned);
        return false;
      }
      HttpResponse r = c.read_response(plan.head, options_.read_timeout);
      return judge(plan, r);
    } catch (const std::exception&) {
      count(&HerdCounts::errors);
      return false;
    }
  }

  // Counts the response; false when the connection ended with it.
  bool judge(const Planned& plan, const HttpResponse& r) {
    if (r.status == 0) {
      count(&HerdCounts::no_head);
      return false;
    }
    std::lock_guard lock(mutex_);
    ++counts_.responses;
    ++counts_.statuses[r.status];
    switch (r.end) {
      case End::complete:
        ++counts_.complete;
        break;
      case End::fin:
        ++counts_.fin;
        return false;
      case End::rst:
        ++counts_.rst;
        return false;
      case End::timeout:
        ++counts_.timeout;
        return false;
    }
    if (!is_status_fault(r.status)) {
      if (auto etag = r.header("ETag")) etag_ = *etag;
      if (auto lm = r.header("Last-Modified")) last_modified_ = *lm;
      if (!right(plan, r)) ++counts_.wrong_answers;
    }
    return !plan.close && r.header("Connection").value_or("") != "close";
  }

  // A complete answer that is not a status fault: is it what the request must get?
  bool right(const Planned& plan, const HttpResponse& r) {
    const std::uint64_t size = options_.size;
    if (plan.head) return r.status == 200 && r.body.empty();
    Planned::Ask ask = plan.ask;
    if (plan.stale) ask = Planned::Ask::whole;
    switch (ask) {
      case Planned::Ask::whole:
        if (r.status != 200 || r.body.size() != size) return false;
        check_content(r.body, 0);
        return true;
      case Planned::Ask::one_range: {
        auto range = content_range(r);
        if (r.status != 206 || !range || range->first != plan.first || range->second != plan.last ||
            r.body.size() != plan.last - plan.first + 1) {
          return false;
        }
        check_content(r.body, plan.first);
        return true;
      }
      case Planned::Ask::ranges:
        return r.status == 206 &&
               r.header("Content-Type").value_or("").starts_with("multipart/byteranges");
      case Planned::Ask::unsatisfiable:
        return r.status == 416 && r.header("Content-Range") == "bytes */" + std::to_string(size);
    }
    return false;
  }

  void check_content(const std::string& body, std::uint64_t offset) {
    auto bytes = std::as_bytes(std::span(body.data(), body.size()));
    if (content::first_mismatch(options_.content_seed, offset, bytes)) ++counts_.corrupt_bodies;
  }

  void count(std::uint64_t HerdCounts::*field) {
    std::lock_guard lock(mutex_);
    ++(counts_.*field);
  }

  const HerdOptions& options_;
  Rng rng_;
  std::optional<std::string> etag_, last_modified_;  // the validators last seen
  mutable std::mutex mutex_;                         // counts_ is read by the progress reports
  HerdCounts counts_;
};

HerdCounts total(const std::vector<std::unique_ptr<HerdClient>>& clients) {
  HerdCounts sum;
  for (const auto& c : clients) add(sum, c->counts());
  return sum;
}

}  // namespace

std::string to_json(const HerdCounts& counts) {
  // Appended piece by piece: GCC 12 sees a false -Wrestrict in `"\"" + std::string(...)`.
  std::string out = "{";
  auto member = [&out](std::string_view key, const std::string& value) {
    if (out.size() > 1) out += ',';
    out.append("\"").append(key).append("\":").append(value);
  };
  for (const auto& [name, field] : kCounters) member(name, std::to_string(counts.*field));
  std::string statuses = "{";
  for (const auto& [status, n] : counts.statuses) {
    if (statuses.size() > 1) statuses += ',';
    statuses.append("\"").append(std::to_string(status)).append("\":").append(std::to_string(n));
  }
  member("statuses", statuses + "}");
  member("seconds", std::to_string(counts.seconds));
  out += '}';
  return out;
}

HerdCounts run_herd(const HerdOptions& options) {
  const auto start = Clock::now();
  const auto deadline =
      options.duration.count() > 0 ? start + options.duration : Clock::time_point::max();
  std::atomic<std::int64_t> budget(static_cast<std::int64_t>(options.requests));
  std::atomic<unsigned> running(options.clients);

  std::vector<std::unique_ptr<HerdClient>> clients;
  for (unsigned i = 0; i < options.clients; ++i) {
    clients.push_back(std::make_unique<HerdClient>(options, i));
  }
  std::vector<std::jthread> threads;
  for (auto& c : clients) {
    threads.emplace_back([&budget, &running, deadline, client = c.get()] {
      client->run(budget, deadline);
      running.fetch_sub(1);
    });
  }

  auto next_report = start + options.progress_every;
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (options.progress && Clock::now() >= next_report) {
      HerdCounts so_far = total(clients);
      so_far.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      options.progress(so_far);
      next_report += options.progress_every;
    }
  }
  threads.clear();  // joins

  HerdCounts result = total(clients);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace sisyphus::testing
