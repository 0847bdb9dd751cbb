#include "relay/recorded_bodies.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "sisyphus/core/units.hpp"

namespace sisyphus::proxy {
namespace fs = std::filesystem;

RecordedBodies::RecordedBodies(fs::path dir, std::uint64_t limit)
    : dir_(std::move(dir)), limit_(limit) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || ::access(dir_.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error(
        fmt::format("--record-body {}: cannot write there: {}", dir_.string(),
                    ec ? ec.message() : std::generic_category().message(errno)));
  }
}

RecordedBodies::~RecordedBodies() {
  clear();
}

void RecordedBodies::clear() {
  for (auto& [path, body] : bodies_) drop(body);
  bodies_.clear();
  kept_ = 0;
}

void RecordedBodies::drop(Body& body) {
  if (body.fd >= 0) ::close(body.fd);
  body.fd = -1;
  if (!body.partial.empty()) {
    std::error_code ec;
    fs::remove(body.partial, ec);
    body.partial.clear();
    kept_ -= body.size;
  }
  body.covered.clear();
}

void RecordedBodies::keep(const std::string& path, const std::string& version, std::uint64_t size,
                          std::chrono::steady_clock::time_point arrived, std::uint64_t offset,
                          std::span<const std::byte> data) {
  if (data.empty() || offset + data.size() > size) return;
  auto [it, fresh] = bodies_.try_emplace(path);
  Body& body = it->second;
  if (!fresh && (body.version != version || body.size != size)) {
    // An older request's answer of another version, still streaming: not the current one.
    if (arrived < body.arrived) return;
    drop(body);
    body = Body{};
    fresh = true;
  }
  if (fresh) {
    body.version = version;
    body.arrived = arrived;
    body.size = size;
    if (kept_ + size > limit_) {
      body.why = fmt::format("its {} bytes are above --record-body-limit {} ({} kept already)",
                             size, format_size(limit_), kept_);
      return;
    }
    body.partial = dir_ / fmt::format(".record-{}.partial", next_partial_++);
    body.fd = ::open(body.partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (body.fd < 0) {
      body.why = fmt::format("cannot write {}: {}", body.partial.string(),
                             std::generic_category().message(errno));
      body.partial.clear();
      return;
    }
    kept_ += size;
  }
  if (body.fd < 0) return;
  const auto* bytes = reinterpret_cast<const char*>(data.data());
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        ::pwrite(body.fd, bytes + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      body.why = fmt::format("writing {} failed: {}", body.partial.string(),
                             std::generic_category().message(errno));
      drop(body);
      return;
    }
    done += static_cast<std::size_t>(n);
  }
  body.covered.add(offset, offset + data.size());
}

std::string RecordedBodies::why_not(const std::string& path, const std::string& version,
                                    std::uint64_t size) const {
  const auto it = bodies_.find(path);
  if (it == bodies_.end()) return "no answer brought bytes of it";
  const Body& body = it->second;
  if (!body.why.empty()) return body.why;
  if (body.version != version || body.size != size) {
    return fmt::format(
        "the bytes kept are of another version ({}, {} bytes) than the last "
        "answer's ({}, {} bytes)",
        body.version.empty() ? "no validator" : body.version, body.size,
        version.empty() ? "no validator" : version, size);
  }
  if (const std::string holes = body.covered.holes(size); !holes.empty()) {
    return fmt::format("the upstream sent {} of its {} bytes (never bytes {})",
                       body.covered.bytes(), size, holes);
  }
  return "";
}

void RecordedBodies::finish(const std::string& path, const fs::path& to) {
  Body& body = bodies_.at(path);
  if (::close(body.fd) != 0) {
    body.fd = -1;
    throw std::runtime_error(fmt::format("--record-body: writing {} failed: {}",
                                         body.partial.string(),
                                         std::generic_category().message(errno)));
  }
  body.fd = -1;
  fs::rename(body.partial, to);  // throws fs::filesystem_error (a runtime_error) naming both
  body.partial.clear();
  kept_ -= body.size;
}

}  // namespace sisyphus::proxy
