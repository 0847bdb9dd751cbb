#include "sisyphus/client/state.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "file.hpp"
#include "sisyphus/core/error.hpp"

namespace sisyphus::client {
namespace json = boost::json;
using detail::fail;
namespace {

constexpr std::int64_t kSchema = 1;

json::value optional_string(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

const json::value& field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) throw ParseError(fmt::format("part state: missing field '{}'", key));
  return it->value();
}

std::optional<std::string> read_optional_string(const json::object& o, std::string_view key) {
  const auto& v = field(o, key);
  if (v.is_null()) return std::nullopt;
  if (!v.is_string())
    throw ParseError(fmt::format("part state: '{}' must be a string or null", key));
  return std::string(v.get_string());
}

std::uint64_t read_count(const json::value& v, std::string_view key) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  throw ParseError(fmt::format("part state: '{}' must be a non-negative integer", key));
}

void write_all(int fd, std::string_view data, const std::filesystem::path& file) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", file);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::filesystem::path part_path(const std::filesystem::path& output) {
  auto p = output;
  p += ".part";
  return p;
}

std::filesystem::path state_path(const std::filesystem::path& output) {
  auto p = output;
  p += ".part.json";
  return p;
}

std::string to_json(const PartState& s) {
  json::object o;
  o["schema"] = kSchema;
  o["url"] = s.url;
  o["etag"] = optional_string(s.etag);
  o["last_modified"] = optional_string(s.last_modified);
  o["last_modified_strong"] = s.last_modified_strong;
  o["size"] = s.size ? json::value(*s.size) : json::value(nullptr);
  o["bytes"] = s.bytes;
  o["repr_digest"] = optional_string(s.repr_digest);
  return json::serialize(o);
}

PartState part_state_from_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw ParseError(fmt::format("part state: not JSON ({})", ec.message()));
  if (!v.is_object()) throw ParseError("part state: expected a JSON object");
  const auto& o = v.get_object();
  const auto& schema = field(o, "schema");
  if (!schema.is_int64() || schema.get_int64() != kSchema) {
    throw ParseError(fmt::format("part state: unsupported schema (expected {})", kSchema));
  }
  PartState s;
  const auto& url = field(o, "url");
  if (!url.is_string()) throw ParseError("part state: 'url' must be a string");
  s.url = std::string(url.get_string());
  s.etag = read_optional_string(o, "etag");
  s.last_modified = read_optional_string(o, "last_modified");
  const auto& strong = field(o, "last_modified_strong");
  if (!strong.is_bool()) throw ParseError("part state: 'last_modified_strong' must be a boolean");
  s.last_modified_strong = strong.get_bool();
  const auto& size = field(o, "size");
  if (!size.is_null()) s.size = read_count(size, "size");
  s.bytes = read_count(field(o, "bytes"), "bytes");
  s.repr_digest = read_optional_string(o, "repr_digest");
  if (s.size && s.bytes > *s.size) {
    throw ParseError(fmt::format("part state: bytes {} exceed size {}", s.bytes, *s.size));
  }
  return s;
}

std::optional<PartState> load_part_state(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(file)) return std::nullopt;
    throw ParseError(fmt::format("{}: cannot be read", file.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return part_state_from_json(text.str());
  } catch (const ParseError& e) {
    throw ParseError(fmt::format("{}: {}", file.string(), e.what()));
  }
}

void save_part_state(const std::filesystem::path& file, const PartState& state, bool sync) {
  auto tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open", tmp);
  try {
    write_all(fd, to_json(state) + "\n", tmp);
    if (sync && ::fdatasync(fd) != 0) fail("cannot fdatasync", tmp);
    const int rc = ::close(fd);
    fd = -1;
    if (rc != 0) fail("cannot close", tmp);
    // rename() replaces atomically: a reader sees the old state or the new, never a mix.
    if (::rename(tmp.c_str(), file.c_str()) != 0) fail("cannot rename", tmp);
  } catch (...) {
    // The old state stands; a half-written replacement (a full disk) is not left behind.
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace sisyphus::client
