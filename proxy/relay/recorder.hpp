#pragma once
// `sisyphus proxy --record FILE` (docs/proxy.md "Recording"): what the upstream did with each
// relayed GET, turned into a scenario whose `attempts:` replay it. Internal to the proxy
// library; sessions add observations from their io threads; POST /v1/record/stop or
// Server::stop() writes the file.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "relay/recorded_bodies.hpp"

namespace sisyphus::proxy {

// How the upstream's body ended.
enum class UpstreamEnd {
  complete,  // every byte its framing announced
  closed,    // FIN before the end
  reset,     // RST before the end
  silent,    // nothing more came within the upstream timeout
  unknown,   // the client went away first, or reading failed otherwise
};

// One GET of one path, as the upstream answered it.
struct Observation {
  std::string path;
  // When the request arrived: observations are made as responses end, and a response that
  // hangs (a stall) ends after the client's next request began.
  std::chrono::steady_clock::time_point arrived;
  std::optional<std::string> range;     // the Range the client sent
  std::optional<std::string> if_range;  // the If-Range the client sent
  int status = 0;
  std::optional<std::string> retry_after;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::uint64_t> length;         // Content-Length of the answer
  std::optional<std::uint64_t> resource_size;  // a 200's length, or Content-Range's total
  std::optional<std::uint64_t> first;          // resource offset of the body's first byte
  std::uint64_t received = 0;                  // body bytes the upstream sent
  UpstreamEnd end = UpstreamEnd::complete;
  double first_byte_s = 0;  // from the request's arrival to the upstream's head
  double body_s = 0;        // from the upstream's head to the end of its body
  // Set when no answer came from the upstream and this proxy made the status itself (a 502
  // for a refused or failed connection, a 504 for a late head): why.
  std::optional<std::string> proxy_answered;
};

// Why a recording could not start or stop; the admin API answers by it (docs/proxy.md
// "Recording": 409, 400, 422 or 500).
enum class RecordRefusal {
  running,      // start: a recording runs already
  not_running,  // stop: none runs
  no_file,      // start: neither a file nor --record's
  unwritable,   // start: the file cannot be written
  nothing,      // stop: nothing to replay (no GET, no size)
  failed,       // stop: writing the file failed
};

class RecordError : public std::runtime_error {
 public:
  RecordError(RecordRefusal reason, const std::string& what)
      : std::runtime_error(what), why(reason) {}
  RecordRefusal why;
};

// What a stopped recording wrote.
struct RecordSummary {
  std::filesystem::path file;
  std::string path;                // the path most GETs asked for (the scenario's name)
  std::size_t attempts = 0;        // every path's GETs: the scenario's attempts
  std::vector<std::string> paths;  // every path relayed, sorted (a resource each)
  std::filesystem::path body;      // --record-body: the file of the bytes ("" for synthetic)
};

// One recorder per proxy; at most one recording at a time (started by --record, or by
// POST /v1/record/start), each fresh.
class Recorder {
 public:
  // With `body_dir` (--record-body DIR): the upstream's bytes are kept there too, at most
  // `body_limit` bytes of representations at once (RecordedBodies).
  explicit Recorder(std::string upstream, std::optional<std::filesystem::path> body_dir = {},
                    std::uint64_t body_limit = 0);

  // Begins a fresh recording to `file`. Throws RecordError: `running` while one runs,
  // `unwritable` (naming the file and why) when the file cannot be written.
  void start(std::filesystem::path file);
  bool recording() const { return recording_.load(std::memory_order_acquire); }
  // The file the running recording writes (empty when none runs).
  std::filesystem::path file() const;
  // Kept only while a recording runs, and only for a request that arrived after it began
  // (a response that was under way at start belongs to no recording).
  void observe(Observation o);
  // --record-body: whether bytes are kept, and bytes [offset, offset + data.size()) of the
  // representation `head` (path, arrived, validators and resource_size set) came in.
  bool keeps_bodies() const { return bodies_ != nullptr; }
  void keep(const Observation& head, std::uint64_t offset, std::span<const std::byte> data);
  // Ends the recording and writes the scenario: one `resource:` for a single path, else
  // `resources:` with one entry per path (in the order first asked for), all verified. Throws
  // RecordError (`not_running`, `nothing`, `failed`); the recording has ended either way.
  RecordSummary stop();

 private:
  struct Rendered {
    std::string yaml;
    RecordSummary summary;
  };

 public:
  struct PathRecord;  // one path's part of the recording (recorder.cpp)

 private:
  // nullopt when the upstream never said how large the path's resource is.
  std::optional<PathRecord> record_path(const std::string& path);
  // The scenario (and with --record-body its bytes moved into place), with mutex_ held.
  Rendered render();

  std::string upstream_;
  mutable std::mutex mutex_;
  std::atomic<bool> recording_{false};
  std::filesystem::path file_;
  std::chrono::steady_clock::time_point started_;
  std::vector<Observation> observations_;
  std::unique_ptr<RecordedBodies> bodies_;
};

}  // namespace sisyphus::proxy
