#pragma once
// The output file as a file descriptor: positioned writes, truncation, fdatasync and the
// final atomic rename. Every failure throws std::system_error naming the file.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

#include "sisyphus/core/sha256.hpp"

namespace sisyphus::client::detail {

class File {
 public:
  File() = default;
  // Opens (creating) for reading and writing. With `lock`, takes an exclusive advisory lock
  // and throws when another process holds it (two downloads into one part file).
  File(const std::filesystem::path& path, bool lock);
  // A second descriptor of an existing file for O_DIRECT writes, or nullopt when the file
  // system refuses O_DIRECT (tmpfs, some network file systems).
  static std::optional<File> open_direct(const std::filesystem::path& path);
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;

  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const;
  void write_at(std::uint64_t offset, std::span<const std::byte> data);
  // write_at() that returns false instead of throwing when the kernel refuses the write
  // with EINVAL (an O_DIRECT alignment the device does not accept).
  bool try_write_at(std::uint64_t offset, std::span<const std::byte> data);
  void read_at(std::uint64_t offset, std::span<std::byte> out) const;  // exactly out.size()
  void truncate(std::uint64_t size);
  void datasync();
  // Feeds bytes [0, n) of the file to `sha` (a resumed part is hashed once, not re-read
  // at the end).
  void hash_prefix(std::uint64_t n, Sha256& sha) const;
  void close();

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// Throws std::system_error of errno, "WHAT PATH: reason" ("cannot write out.bin.part: No space
// left on device"): every file error of the client reads the same way.
[[noreturn]] void fail(const char* what, const std::filesystem::path& path);

// rename(from, to), then fsync the directory when `sync` so the new name survives a crash.
void atomic_rename(const std::filesystem::path& from, const std::filesystem::path& to, bool sync);
// Removes the file if it exists; errors other than "absent" throw.
void remove_if_exists(const std::filesystem::path& path);

}  // namespace sisyphus::client::detail
