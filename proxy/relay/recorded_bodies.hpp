#pragma once
// `sisyphus proxy --record-body DIR` (docs/proxy.md "Recording"): the bytes the upstream sent
// for each path, written at their resource offsets into a partial file under DIR, so that
// the recorded scenario can serve them (`resource: {file: …}`). One version per path: the
// one of the latest request whose answer brought bytes; an older version's file is dropped
// when a newer one begins. Bounded: representations above the limit (all kept at once
// counted) are not kept. Not thread-safe: the Recorder calls it under its mutex.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "relay/byte_ranges.hpp"

namespace sisyphus::proxy {

class RecordedBodies {
 public:
  // Creates `dir` when it is not there; throws std::runtime_error (naming it and why) when it
  // cannot be made or written.
  RecordedBodies(std::filesystem::path dir, std::uint64_t limit);
  ~RecordedBodies();  // removes the partial files
  RecordedBodies(const RecordedBodies&) = delete;
  RecordedBodies& operator=(const RecordedBodies&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::uint64_t limit() const { return limit_; }
  // Forgets every path and removes the partial files (a fresh recording).
  void clear();
  // Bytes [offset, offset + data.size()) of `path`'s representation of `size` bytes named
  // `version` (its ETag, or Last-Modified, or ""), from an answer to a request that arrived
  // at `arrived`.
  void keep(const std::string& path, const std::string& version, std::uint64_t size,
            std::chrono::steady_clock::time_point arrived, std::uint64_t offset,
            std::span<const std::byte> data);
  // Why `path`'s bytes of `version` and `size` cannot stand for it ("" when they can: every
  // byte of that version was kept).
  std::string why_not(const std::string& path, const std::string& version,
                      std::uint64_t size) const;
  // Moves the complete bytes (why_not() == "") to `to`; throws std::runtime_error on failure.
  void finish(const std::string& path, const std::filesystem::path& to);

 private:
  struct Body {
    std::string version;
    std::chrono::steady_clock::time_point arrived;
    std::uint64_t size = 0;
    std::filesystem::path partial;  // empty when nothing is kept (why says why)
    int fd = -1;
    ByteRanges covered;  // the bytes kept
    std::string why;
  };
  void drop(Body& body);  // closes and removes its partial file

  std::filesystem::path dir_;
  std::uint64_t limit_;
  std::uint64_t kept_ = 0;  // sizes of the representations being kept now
  std::uint64_t next_partial_ = 0;
  std::map<std::string, Body> bodies_;  // by path
};

}  // namespace sisyphus::proxy
