#include "origin/representation.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "sisyphus/core/content.hpp"

namespace sisyphus::proxy {
namespace fs = std::filesystem;

namespace {

class SyntheticSource final : public ContentSource {
 public:
  explicit SyntheticSource(std::uint64_t seed) : seed_(seed) {}
  void read(std::uint64_t offset, std::span<std::byte> out) const override {
    content::fill(seed_, offset, out);
  }

 private:
  std::uint64_t seed_;
};

class FileSource final : public ContentSource {
 public:
  explicit FileSource(int fd) : fd_(fd) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  void read(std::uint64_t offset, std::span<std::byte> out) const override {
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(fmt::format("read error: {}", std::strerror(errno)));
      if (n == 0) throw std::runtime_error("the file shrank while being served");
      done += static_cast<std::size_t>(n);
    }
  }
  int file_descriptor() const override { return fd_; }

 private:
  int fd_;
};

// The opaque part of an entity-tag: W/"x" -> "x" (quotes kept); nullopt when malformed.
std::optional<std::string_view> opaque(std::string_view tag, bool& weak) {
  weak = tag.starts_with("W/");
  if (weak) tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return std::nullopt;
  if (tag.substr(1, tag.size() - 2).find('"') != std::string_view::npos) return std::nullopt;
  return tag;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool within(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), x = p.begin();
  for (; r != root.end(); ++r, ++x) {
    if (r->empty()) continue;  // trailing separator of the root
    if (x == p.end() || *r != *x) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> etag_for(model::EtagKind kind, std::uint64_t content_seed,
                                    std::uint64_t size) {
  switch (kind) {
    case model::EtagKind::strong:
      return fmt::format("\"{:x}-{:x}\"", content_seed, size);
    case model::EtagKind::weak:
      return fmt::format("W/\"{:x}-{:x}\"", content_seed, size);
    case model::EtagKind::none:
      return std::nullopt;
  }
  return std::nullopt;
}

std::int64_t last_modified_for(std::uint32_t generation) {
  constexpr std::int64_t k2024 = 1704067200;  // 2024-01-01T00:00:00Z
  return k2024 + static_cast<std::int64_t>(generation) * 3600;
}

bool strong_match(std::string_view a, std::string_view b) {
  bool wa = false, wb = false;
  auto oa = opaque(a, wa), ob = opaque(b, wb);
  return oa && ob && !wa && !wb && *oa == *ob;
}

bool weak_match(std::string_view a, std::string_view b) {
  bool wa = false, wb = false;
  auto oa = opaque(a, wa), ob = opaque(b, wb);
  return oa && ob && *oa == *ob;
}

bool if_none_match_matches(std::string_view header, const std::optional<std::string>& etag) {
  header = trim(header);
  if (header == "*") return true;
  if (!etag) return false;
  // Entity-tags cannot contain commas inside their quotes in practice (etagc excludes
  // only DQUOTE, but our own tags never hold a comma), so splitting on commas is exact for
  // every tag this server could have produced.
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    if (!item.empty() && weak_match(item, *etag)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

Representation describe(const model::Resource& resource, std::uint32_t generation,
                        std::uint64_t size, std::shared_ptr<const ContentSource> source) {
  Representation rep;
  rep.size = size;
  rep.content_seed = resource.content_seed(generation);
  rep.generation = generation;
  rep.etag = etag_for(resource.etag, rep.content_seed, size);
  if (resource.last_modified) rep.last_modified = last_modified_for(generation);
  rep.digest = resource.digest;
  rep.source = std::move(source);
  return rep;
}

std::shared_ptr<const ContentSource> synthetic_source(std::uint64_t seed) {
  return std::make_shared<SyntheticSource>(seed);
}

std::shared_ptr<const ContentSource> synthetic_file_source(std::uint64_t seed, std::uint64_t size) {
  const int fd = ::memfd_create("sisyphus-content", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  auto source = std::make_shared<FileSource>(fd);  // closes it from now on
  constexpr std::size_t kFillPiece = 1 << 20;
  const auto piece = std::make_unique_for_overwrite<std::byte[]>(kFillPiece);
  for (std::uint64_t at = 0; at < size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kFillPiece, size - at));
    content::fill(seed, at, {piece.get(), n});
    for (std::size_t done = 0; done < n;) {
      const ssize_t w = ::pwrite(fd, piece.get() + done, n - done, static_cast<off_t>(at + done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return nullptr;  // out of memory for it (ENOSPC): serve without it
      done += static_cast<std::size_t>(w);
    }
    at += n;
  }
  return source;
}

std::shared_ptr<const ContentSource> open_file_source(const model::Resource& resource,
                                                      const fs::path& root, std::uint64_t& size,
                                                      std::string& error) {
  std::error_code ec;
  fs::path wanted =
      resource.resolved_file.empty() ? root / *resource.file : fs::path(resource.resolved_file);
  fs::path real = fs::weakly_canonical(fs::absolute(wanted), ec);
  fs::path real_root = ec ? fs::path() : fs::weakly_canonical(fs::absolute(root), ec);
  if (ec) {
    error = fmt::format("cannot resolve '{}': {}", wanted.string(), ec.message());
    return nullptr;
  }
  if (!within(real_root, real)) {
    error = fmt::format("'{}' escapes the file root '{}'", wanted.string(), real_root.string());
    return nullptr;
  }
  int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("cannot open '{}': {}", real.string(), std::strerror(errno));
    return nullptr;
  }
  // The check above named a path; a symlink swapped in between it and open() would lead
  // elsewhere. What the descriptor really is decides: the kernel's name for it must lie
  // inside the root too.
  const fs::path opened = fs::read_symlink(fmt::format("/proc/self/fd/{}", fd), ec);
  if (ec || !within(real_root, opened)) {
    ::close(fd);
    error = ec ? fmt::format("cannot tell where '{}' leads: {}", wanted.string(), ec.message())
               : fmt::format("'{}' escapes the file root '{}' (it changed while being opened)",
                             wanted.string(), real_root.string());
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = fmt::format("'{}' is not a regular file", real.string());
    return nullptr;
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return std::make_shared<FileSource>(fd);
}

}  // namespace sisyphus::proxy
