#pragma once
// `sisyphus proxy --record FILE` (docs/proxy.md "Recording"): what the upstream did with each
// relayed GET, turned into a scenario whose `attempts:` replay it. Internal to the proxy
// library; sessions add observations from their io threads, Server::stop() writes the file.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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
  std::uint64_t received = 0;                  // body bytes the upstream sent
  UpstreamEnd end = UpstreamEnd::complete;
  double first_byte_s = 0;  // from the request's arrival to the upstream's head
  double body_s = 0;        // from the upstream's head to the end of its body
  // Set when no answer came from the upstream and this proxy made the status itself (a 502
  // for a refused or failed connection, a 504 for a late head): why.
  std::optional<std::string> proxy_answered;
};

class Recorder {
 public:
  // Fails (std::runtime_error naming the file and why) when `file` cannot be written.
  Recorder(std::filesystem::path file, std::string upstream);

  void observe(Observation o);
  // Writes the scenario of the path most GETs asked for (the others are named in a comment);
  // throws std::runtime_error when there is nothing to write or the file cannot be written.
  void write() const;
  // The scenario as YAML (what write() writes).
  std::string scenario_yaml() const;

 private:
  std::filesystem::path file_;
  std::string upstream_;
  mutable std::mutex mutex_;
  std::vector<Observation> observations_;
};

}  // namespace sisyphus::proxy
