#include "sisyphus/proxy/log.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <limits>

#include "sisyphus/core/error.hpp"

namespace sisyphus::proxy {
namespace json = boost::json;

namespace {

const json::value& field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) throw ParseError(fmt::format("log record: missing field '{}'", key));
  return *v;
}

[[noreturn]] void wrong_type(std::string_view key, std::string_view expected) {
  throw ParseError(fmt::format("log record: field '{}' must be {}", key, expected));
}

std::string read_string(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_string()) wrong_type(key, "a string");
  return std::string(v.get_string());
}

std::optional<std::string> read_nullable(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) wrong_type(key, "a string or null");
  return std::string(v->get_string());
}

double read_number(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_number()) wrong_type(key, "a number");
  return v.to_number<double>();
}

std::uint64_t read_unsigned(const json::object& o, std::string_view key, bool required = true) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) {
    if (required) field(o, key);
    return 0;
  }
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  wrong_type(key, "a non-negative integer");
}

}  // namespace

bool lists_fault(const LogRecord& record, std::string_view kind) {
  if (!record.fault) return false;
  std::string_view rest = *record.fault;
  for (;;) {
    const auto comma = rest.find(',');
    if (rest.substr(0, comma) == kind) return true;
    if (comma == std::string_view::npos) return false;
    rest.remove_prefix(comma + 1);
  }
}

std::string to_json_line(const LogRecord& r) {
  // Written by hand rather than through json::serialize so that times read as plain
  // decimals (0.504561, not 5.04561E-1); strings still go through Boost.JSON's escaping.
  auto str = [](std::string_view s) { return json::serialize(json::string(s)); };
  auto opt = [&](const std::optional<std::string>& s) { return s ? str(*s) : "null"; };
  return fmt::format(
      "{{\"t\":{:.6f},\"path\":{},\"attempt\":{},\"client\":{},\"method\":{},\"range\":{},"
      "\"if_range\":{},\"status\":{},\"bytes_sent\":{},\"bytes_written\":{},\"fault\":{},"
      "\"content_seed\":{},\"connection\":{},\"protocol\":{},\"stream\":{},\"duration_s\":{:.6f},"
      "\"error\":{},\"seq\":{}}}",
      r.t, str(r.path), r.attempt, opt(r.client), str(r.method), opt(r.range), opt(r.if_range),
      r.status, r.bytes_sent, r.bytes_written, opt(r.fault), r.content_seed, r.connection,
      str(r.protocol), r.stream ? std::to_string(*r.stream) : "null", r.duration_s, opt(r.error),
      r.seq);
}

LogRecord log_record_from_json(std::string_view line) {
  json::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) throw ParseError(fmt::format("log record: invalid JSON: {}", ec.message()));
  if (!v.is_object()) throw ParseError("log record: expected a JSON object");
  const json::object& o = v.get_object();
  LogRecord r;
  r.t = read_number(o, "t");
  r.path = read_string(o, "path");
  std::uint64_t attempt = read_unsigned(o, "attempt");
  if (attempt > std::numeric_limits<std::uint32_t>::max()) wrong_type("attempt", "a 32-bit count");
  r.attempt = static_cast<std::uint32_t>(attempt);
  r.client = read_nullable(o, "client");  // absent in logs from before clients had names
  r.method = read_string(o, "method");
  r.range = read_nullable(o, "range");
  r.if_range = read_nullable(o, "if_range");
  std::uint64_t status = read_unsigned(o, "status");
  if (status > 999) wrong_type("status", "an HTTP status code");
  r.status = static_cast<int>(status);
  r.bytes_sent = read_unsigned(o, "bytes_sent");
  // A log from before bytes_written existed counted written bytes as sent.
  r.bytes_written = o.contains("bytes_written") ? read_unsigned(o, "bytes_written") : r.bytes_sent;
  r.fault = read_nullable(o, "fault");
  r.content_seed = read_unsigned(o, "content_seed", false);
  r.connection = read_unsigned(o, "connection", false);
  // Absent in logs from before HTTP/2: those were HTTP/1.1.
  if (o.contains("protocol")) r.protocol = read_string(o, "protocol");
  if (const json::value* s = o.if_contains("stream"); s != nullptr && !s->is_null()) {
    const std::uint64_t id = read_unsigned(o, "stream");
    if (id > std::numeric_limits<std::uint32_t>::max()) wrong_type("stream", "an HTTP/2 stream id");
    r.stream = static_cast<std::uint32_t>(id);
  }
  if (o.contains("duration_s")) r.duration_s = read_number(o, "duration_s");
  r.error = read_nullable(o, "error");
  r.seq = read_unsigned(o, "seq", false);
  return r;
}

}  // namespace sisyphus::proxy
