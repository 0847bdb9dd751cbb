#pragma once
// Crash-safe resume state: FILE.part holds the data, FILE.part.json says how much of it is
// known good and which representation it belongs to. The data is made durable before the
// state that counts it, and the state is replaced atomically (temp file + rename), so after
// a kill -9 at any moment the state never counts a byte that is not on disk.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::client {

struct PartState {
  std::string url;                           // as the user gave it (before redirects)
  std::optional<std::string> etag;           // as received, W/ prefix included
  std::optional<std::string> last_modified;  // as received
  bool last_modified_strong = false;         // RFC 9110 §8.8.2.2: Date >= Last-Modified + 1s
  std::optional<std::uint64_t> size;         // representation size, when known
  std::uint64_t bytes = 0;                   // FILE.part bytes [0, bytes) are known good
  std::optional<std::string> repr_digest;    // sha-256 from Repr-Digest, base64
  bool operator==(const PartState&) const = default;
};

std::filesystem::path part_path(const std::filesystem::path& output);   // FILE.part
std::filesystem::path state_path(const std::filesystem::path& output);  // FILE.part.json

// {"schema": 1, "url": ..., "etag": ..., ...}
std::string to_json(const PartState& state);
// Throws ParseError naming the problem (not JSON, wrong schema, missing or mistyped field).
PartState part_state_from_json(std::string_view text);

// nullopt when the file does not exist; throws ParseError when it cannot be used.
std::optional<PartState> load_part_state(const std::filesystem::path& file);
// Writes FILE.tmp, fdatasyncs it (when `sync`), renames it over `file`. Throws
// std::system_error on I/O failure.
void save_part_state(const std::filesystem::path& file, const PartState& state, bool sync = true);

}  // namespace sisyphus::client
